"""Manim Community scenes of gdanim, one per idea of the book's chapters 9 and 10.

The scene classes are loaded lazily (PEP 562), so ``scenes.registry`` and
``scenes.captions`` can be imported without paying for importing manim.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from scenes.registry import SCENES

if TYPE_CHECKING:
    from scenes.book_code import BookCode
    from scenes.local_valley import LocalValley
    from scenes.too_small_learning_rate import TooSmallLearningRate
    from scenes.learning_rate_comparison import LearningRateComparison
    from scenes.local_view import LocalView
    from scenes.overshooting_learning_rate import OvershootingLearningRate
    from scenes.rolling_descent import RollingDescent
    from scenes.slope_rise_over_run import SlopeRiseOverRun
    from scenes.slope_steepness import SlopeSteepness
    from scenes.slope_tangent import SlopeTangent

__all__ = [
    "BookCode",
    "LocalValley",
    "TooSmallLearningRate",
    "LearningRateComparison",
    "LocalView",
    "OvershootingLearningRate",
    "RollingDescent",
    "SlopeRiseOverRun",
    "SlopeSteepness",
    "SlopeTangent",
]

_MODULE_OF_CLASS = {spec.class_name: spec.module for spec in SCENES.values()}


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF_CLASS:
        return getattr(importlib.import_module(_MODULE_OF_CLASS[name]), name)
    raise AttributeError(f"module 'scenes' has no attribute {name!r}")
