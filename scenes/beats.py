"""Teaching beats: what a scene records of its teaching moments, without importing manim.

A *beat* is one teaching moment a lecturer stops after (the set-up, one step,
the lesson). A scene marks each with ``DescentScene.beat`` (a manim section),
and the render pipeline turns the list into slides, speaker notes and a
handout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
    notes_key, notes_values
        The :data:`~scenes.captions.SPEAKER_NOTES` key and the values (as text) ``notes``
        was filled from, so an export can fill it again from the catalogue as it is
        now: an edit to the notes alone re-exports the decks without re-rendering a clip.
    """

    name: str
    notes: str
    start: float
    end: float
    notes_key: str = ""
    notes_values: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain data for the manifest, times rounded to the millisecond."""
        return {**asdict(self), "start": round(self.start, 3), "end": round(self.end, 3)}

