"""Manim Community scenes of gdanim, one per idea of the book's chapters 9 and 10.

Each scene module declares its scene once (the class's ``spec``, see
:mod:`scenes.registry`); this package exports every declared class by name.
The classes are loaded lazily (PEP 562), so ``scenes.registry`` and
``scenes.captions`` can be imported without paying for importing manim.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    # Read the registry only when a scene class (or the list of them) is asked for: importing a
    # module of this package, such as scenes.declaration_error, must not need every declaration.
    from scenes.registry import SCENES

    if name == "__all__":
        return [spec.class_name for spec in SCENES.values()]  # derived from the declarations
    module_of_class = {spec.class_name: spec.module for spec in SCENES.values()}
    if name in module_of_class:
        return getattr(importlib.import_module(module_of_class[name]), name)
    raise AttributeError(f"module 'scenes' has no attribute {name!r}")
