"""The edges of every scene's knobs, read from the registry, and a runner that renders them in one process.

``python -m tests.knob_edges SCENE OUT other|most-steps`` renders the edges of ``SCENE``
(:func:`knob_edges`, :func:`edge_cases`) as a tiny PNG poster into ``OUT`` and prints one path per
line. A PNG runs the scene's whole ``construct`` (every play, with animations
skipped), so a scene that never ends for some knob value hangs here too; the
test runs it as a subprocess under a time limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gdanim.options import MAX_RENDER_STEPS
from scenes.registry import SCENES, SceneSpec

__all__ = ["EDGE_LEARNING_RATES", "EDGE_SIZE", "edge_cases", "knob_edges", "main"]

EDGE_LEARNING_RATES: tuple[float, ...] = (1.1, sys.float_info.max)
"""The book's diverging rate, and the largest one accepted (any finite rate > 0 is)."""

EDGE_SIZE: str = "160x90@5"
"""The tiny test size the edges render at."""


def knob_edges(spec: SceneSpec, most_steps: bool = True) -> list[dict[str, float | int]]:
    """Each knob at each end of its accepted range, the others at the scene's defaults.

    A scene that shows the book's own numbers (``fixed_knobs``) accepts only its
    defaults: its one case is the empty dict. Without ``most_steps`` the
    ``--steps`` maximum is left out: the scenes that animate every step take
    minutes of CPU there (issue 26's note), so the default test run leaves it
    to ``GDANIM_SLOW_TESTS=1``.

    Examples
    --------
    >>> from scenes.registry import get_spec
    >>> knob_edges(get_spec("local-valley"))  # doctest: +NORMALIZE_WHITESPACE
    [{'learning_rate': 1.1}, {'learning_rate': 1.7976931348623157e+308}, {'steps': 1}, {'steps': 500},
     {'start': -1.0}, {'start': 7.0}]
    >>> knob_edges(get_spec("book-code"))
    [{}]
    """
    if spec.fixed_knobs:
        return [{}]
    low, high = spec.start_range
    return [
        *({"learning_rate": rate} for rate in EDGE_LEARNING_RATES),
        *({"steps": steps} for steps in ((1, MAX_RENDER_STEPS) if most_steps else (1,))),
        *({"start": start} for start in (low, high)),
    ]


def edge_cases(scene: str, which: str) -> list[dict[str, float | int]]:
    """The edges of ``scene``: ``"most-steps"`` the ``--steps`` maximum alone, ``"other"`` all the rest."""
    spec = SCENES[scene]
    others = knob_edges(spec, most_steps=False)
    if which == "other":
        return others
    return [knobs for knobs in knob_edges(spec) if knobs not in others]


def main(arguments: list[str]) -> None:
    """Render the knob edges of scene ``arguments[0]`` as PNGs into folder ``arguments[1]``
    (only the ``--steps`` maximum if ``arguments[2]`` is ``most-steps``, all but it if ``other``)."""
    from gdanim.api import ClipRequest, render_clips

    scene, out_dir, which = arguments
    requests = [ClipRequest.create(scene, quality="low", test_size=EDGE_SIZE, **knobs)
                for knobs in edge_cases(scene, which)]
    for result in render_clips(requests, Path(out_dir), ("png",), jobs=1):
        print(result.files["png"], flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
