"""Real gdanim renders at a tiny size, shared by the Hugo and browser tests.

The pipeline skips clips whose inputs are unchanged, so every test that asks
for the same clips in the same folder after the first gets them at once.
"""

from __future__ import annotations

from pathlib import Path

from gdanim.api import ClipRequest, ClipResult, render_clips

__all__ = ["TINY_CLIPS", "TINY_RESOLUTION", "render_tiny_clips", "tiny_option"]

TINY_RESOLUTION: str = "192x108@5"
"""Small enough to render in seconds on two busy cores, large enough to decode and look at."""

TINY_CLIPS: list[dict[str, object]] = [
    {"scene": "rolling-descent", "language": "he", "theme": "light", "steps": 2},
    {"scene": "rolling-descent", "language": "en", "theme": "dark", "steps": 2},
    {"scene": "rolling-descent", "language": "he", "theme": "dark", "steps": 2},
    {"scene": "rolling-descent", "language": "en", "theme": "light", "steps": 2},
]
"""Four short descents: Hebrew on the book's light theme, English on the slides' dark theme, Hebrew on the
dark theme (the page's clip for a reader who prefers dark), and English on the light theme (the fourth of
the concurrent exports in tests/render/test_hugo_export_safety.py)."""


def tiny_option() -> list[str]:
    """The hidden CLI option that renders at :data:`TINY_RESOLUTION`."""
    return ["--test-size", TINY_RESOLUTION]


def render_tiny_clips(out_dir: Path) -> list[ClipResult]:
    """Render :data:`TINY_CLIPS` as MP4, GIF and PNG poster into ``out_dir`` with the real pipeline."""
    requests = [ClipRequest.create(quality="low", test_size=TINY_RESOLUTION, **clip) for clip in TINY_CLIPS]
    return render_clips(requests, out_dir, ("mp4", "gif", "png"), jobs=1)
