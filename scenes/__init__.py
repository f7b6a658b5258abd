"""Manim Community scenes of gdanim, one per idea of the book's chapters 9 and 10.

Each scene module declares its scene once (the class's ``spec``, see
:mod:`scenes.registry`); this package exports every declared class by name.
The classes are loaded lazily (PEP 562), so ``scenes.registry`` and
``scenes.captions`` can be imported without paying for importing manim.
"""

from __future__ import annotations

import importlib
from typing import Any

from scenes.registry import SCENES

__all__ = [spec.class_name for spec in SCENES.values()]  # derived from the declarations

_MODULE_OF_CLASS = {spec.class_name: spec.module for spec in SCENES.values()}


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF_CLASS:
        return getattr(importlib.import_module(_MODULE_OF_CLASS[name]), name)
    raise AttributeError(f"module 'scenes' has no attribute {name!r}")
