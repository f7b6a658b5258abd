"""gdanim's render pipeline: clips of the scenes as MP4, GIF and PNG, skipping unchanged ones.

The public API is in :mod:`gdanim.pipeline`; ``render.py`` is its command line.
"""

from __future__ import annotations

__all__: list[str] = []
