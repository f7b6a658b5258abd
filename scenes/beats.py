"""Teaching beats: what a scene records of its teaching moments, without importing manim.

A *beat* is one teaching moment a lecturer stops after (the set-up, one step,
the lesson). A scene marks each with ``DescentScene.beat`` (a manim section),
and the render pipeline turns the list into slides, speaker notes and a
handout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Beat", "beat_name"]


def beat_name(key: str, number: int | None = None) -> str:
    """A beat's name from its notes key: the key's last part, and its number when it repeats.

    Examples
    --------
    >>> beat_name("rolling_descent.setup"), beat_name("rolling_descent.step", 3)
    ('setup', 'step-3')
    """
    name = key.rsplit(".", 1)[-1]
    return name if number is None else f"{name}-{number}"


@dataclass(frozen=True)
class Beat:
    """One teaching beat of a rendered scene.

    Attributes
    ----------
    name
        Short name, unique within the scene (``"setup"``, ``"step-3"``, ``"lesson"``).
    notes
        What the lecturer says, in the clip's language (:data:`scenes.captions.SPEAKER_NOTES`).
    start, end
        Where the beat begins and ends in the clip, in seconds.
    """

    name: str
    notes: str
    start: float
    end: float

    def as_dict(self) -> dict[str, object]:
        """Plain data for the manifest, times rounded to the millisecond."""
        return {**asdict(self), "start": round(self.start, 3), "end": round(self.end, 3)}

