"""The error a broken scene declaration raises, in a module of its own.

:mod:`scenes.registry` raises it while it is imported, so a caller that wants
to catch it (the ``gdanim`` command, :mod:`gdanim.launch`) cannot import it
from there.
"""

from __future__ import annotations

__all__ = ["SceneDeclarationError"]


class SceneDeclarationError(Exception):
    """A scene module's ``spec`` is missing, unreadable without manim, or clashes with another scene's."""
