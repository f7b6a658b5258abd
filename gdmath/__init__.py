"""Pure NumPy core of gdanim: error curves, slopes and gradient-descent paths.

Everything a scene puts on screen is computed here, and nothing here draws:
this package never imports manim or click.
"""

from __future__ import annotations

from gdmath.curves import BOOK_CURVE, TWO_VALLEYS, Curve, PolynomialCurve, Quadratic
from gdmath.descent import (
    DIVERGENCE_BOUND,
    MAX_STEPS,
    DescentResult,
    StopReason,
    descend,
    validate_descent_args,
)
from gdmath.geometry import (
    START_RANGE_WIDTHS,
    TangentLine,
    crosses_minimum,
    downhill_direction,
    follow_view,
    start_range,
    step_vector,
    tangent_line,
    view_range,
)
from gdmath.regimes import (
    EXAMPLE_LEARNING_RATES,
    Regime,
    classify,
    critical_learning_rates,
    crosses_every_step,
    distance_trend,
    minimum_distances,
    settles,
)
from gdmath.book import book_line, book_parameter, book_round, book_table
# Ch. 9: slope as rise over run, and its size against the distance to the minimum.
from gdmath.slope import Secant, SlopeSample, nearest_minimum, secant, secant_slope, slope_survey
# Where a descent ends up (issue #12, scenes 4-5).
from gdmath.valleys import (
    ARRIVAL_TOLERANCE,
    Valley,
    ridges,
    spread_starts,
    steps_to_tolerance,
    valley_of,
    valley_reached,
)

__all__ = [
    "BOOK_CURVE",
    "DIVERGENCE_BOUND",
    "EXAMPLE_LEARNING_RATES",
    "MAX_STEPS",
    "START_RANGE_WIDTHS",
    "TWO_VALLEYS",
    "Curve",
    "DescentResult",
    "PolynomialCurve",
    "Quadratic",
    "Regime",
    "StopReason",
    "TangentLine",
    "book_line",
    "book_parameter",
    "book_round",
    "book_table",
    "classify",
    "critical_learning_rates",
    "crosses_every_step",
    "distance_trend",
    "crosses_minimum",
    "descend",
    "downhill_direction",
    "follow_view",
    "minimum_distances",
    "settles",
    "start_range",
    "step_vector",
    "tangent_line",
    "validate_descent_args",
    "view_range",
    # gdmath.slope (ch. 9)
    "Secant",
    "SlopeSample",
    "nearest_minimum",
    "secant",
    "secant_slope",
    "slope_survey",
    # gdmath.valleys
    "ARRIVAL_TOLERANCE",
    "Valley",
    "ridges",
    "spread_starts",
    "steps_to_tolerance",
    "valley_of",
    "valley_reached",
]
