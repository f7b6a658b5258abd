"""An HTML deck export that kills itself (SIGKILL) just before or just after one of its renames (``python -m``).

Run as ``python -m tests.deck_swap_kill OUT before|after STEP``: exports the
deck of the lecture tests' two tiny clips (already rendered into ``OUT``) and,
at the STEP-th rename or swap of a path in ``OUT/slides`` (``os.replace``,
``os.rename`` or :func:`gdanim.lecture.export.exchange_paths`), kills the
process before or after it. A run with fewer steps than STEP ends normally.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from gdanim.clip.request import ClipRequest
from gdanim.lecture import export
from tests.render_runs import TINY

SCENES = ("rolling-descent", "slope-tangent")


def _killing(step: Callable[..., object], slides_dir: Path, moment: str, kill_at: int, count: list[int]) -> Callable[..., object]:
    """``step`` that kills the process around its ``kill_at``-th call on a path in ``slides_dir``."""

    @functools.wraps(step)
    def wrapped(source, target, *args, **kwargs):
        if Path(os.fsdecode(source)).parent != slides_dir:
            return step(source, target, *args, **kwargs)
        count[0] += 1
        if count[0] == kill_at and moment == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = step(source, target, *args, **kwargs)
        if count[0] == kill_at and moment == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return wrapped


def main(out_dir: Path, moment: str, kill_at: int) -> None:
    slides_dir = out_dir.resolve() / export.SLIDES_FOLDER
    count = [0]
    os.replace = _killing(os.replace, slides_dir, moment, kill_at, count)
    os.rename = _killing(os.rename, slides_dir, moment, kill_at, count)
    if hasattr(export, "exchange_paths"):
        export.exchange_paths = _killing(export.exchange_paths, slides_dir, moment, kill_at, count)
    requests = [ClipRequest.create(scene, quality="low", steps=2, test_size=TINY) for scene in SCENES]
    export.export_lecture(requests, out_dir, "slides")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
