"""Every claim a caption, a speaker note or an alt text makes about a run holds for the run gdmath computes.

The expected values come from :mod:`gdmath` (descents of the example learning
rates, the book's curve), never from the words being checked: a text that
says "jumps across the valley on every step" is checked with
``gdmath.crosses_every_step``, and every number a text quotes is compared
with the number gdmath gives for it (issue 21: lr 0.9 "wasting steps
zig-zagging" ended exactly where the balanced run ended).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

import numpy as np
import pytest

from gdmath import (
    ARRIVAL_TOLERANCE,
    BOOK_CURVE,
    EXAMPLE_LEARNING_RATES,
    DescentResult,
    Regime,
    classify,
    crosses_every_step,
    descend,
    distance_trend,
    minimum_distances,
    settles,
    steps_to_tolerance,
)
from scenes.captions import (
    CAPTIONS,
    LANGUAGES,
    SCENE_ALT_TEXT,
    SPEAKER_NOTES,
    lesson_key,
    lesson_values,
    scene_alt_text,
    speaker_notes,
)
from scenes.registry import SCENES

BOOK_START: float = SCENES["rolling-descent"].start
BOOK_STEPS: int = SCENES["rolling-descent"].steps


def example(regime: Regime, steps: int = BOOK_STEPS) -> DescentResult:
    """The example run of ``regime``: the book's curve and start, its example learning rate."""
    return descend(BOOK_CURVE, BOOK_START, EXAMPLE_LEARNING_RATES[regime], steps)


# --- What each sentence claims, as a test on the path it describes -------------------------------


def _crawls_and_stays_far(path: DescentResult) -> bool:
    distances = minimum_distances(path)
    return bool(np.all(np.diff(distances) < 0)) and not settles(path)


def _settles_without_crossing(path: DescentResult) -> bool:
    return settles(path) and not np.any(np.diff(np.sign(path.x - BOOK_CURVE.minima[0])) != 0)


def _steps_shrink(path: DescentResult) -> bool:
    return bool(np.all(np.diff(np.abs(path.step_sizes)) < 0))


def _jumps_every_step_without_settling(path: DescentResult) -> bool:
    return crosses_every_step(path) and not settles(path)


def _every_jump_grows_and_lands_higher(path: DescentResult) -> bool:
    return bool(np.all(np.diff(minimum_distances(path)) > 0) and np.all(np.diff(path.error) > 0))


CLAIMS: dict[str, tuple[Regime, Callable[[DescentResult], bool]]] = {
    "regime.slow": (Regime.SLOW, _crawls_and_stays_far),
    "regime_short.slow": (Regime.SLOW, _crawls_and_stays_far),
    "lesson.slow": (Regime.SLOW, _crawls_and_stays_far),
    "too_small.crawl": (Regime.SLOW, _crawls_and_stays_far),
    "regime.converging": (Regime.CONVERGING, _settles_without_crossing),
    "regime_short.converging": (Regime.CONVERGING, _settles_without_crossing),
    "lesson.converging": (Regime.CONVERGING, _steps_shrink),
    "rolling_descent.shrink": (Regime.CONVERGING, _steps_shrink),
    "regime.oscillating": (Regime.OSCILLATING, crosses_every_step),
    "regime_short.oscillating": (Regime.OSCILLATING, crosses_every_step),
    "lesson.oscillating": (Regime.OSCILLATING, _jumps_every_step_without_settling),
    "regime.diverging": (Regime.DIVERGING, _every_jump_grows_and_lands_higher),
    "regime_short.diverging": (Regime.DIVERGING, _every_jump_grows_and_lands_higher),
    "lesson.diverging": (Regime.DIVERGING, _every_jump_grows_and_lands_higher),
}
"""Catalogue key -> the example run it describes, and what it says about that run."""


@pytest.mark.parametrize("key", sorted(CLAIMS))
def test_each_regime_sentence_holds_for_its_example_run(key):
    regime, claim = CLAIMS[key]
    path = example(regime)
    assert classify(path) is regime
    assert claim(path), f"{key!r} says something the lr {path.learning_rate} run does not do"


def test_every_sentence_about_a_regime_has_a_claim_check():
    about_regimes = {key for key in [*CAPTIONS, *SPEAKER_NOTES] if key.startswith(("regime", "lesson."))}
    # The settling too-large lesson is for user rates (0.6, 0.9); its own check is below.
    assert about_regimes - {"lesson.oscillating_settles"} <= set(CLAIMS)


@pytest.mark.parametrize("regime", list(Regime))
def test_each_example_runs_lesson_is_the_one_checked(regime):
    path = example(regime)
    key = lesson_key(path)
    assert key in CLAIMS and CLAIMS[key][0] is regime


@pytest.mark.parametrize("learning_rate", [0.6, 0.9])
def test_a_too_large_rate_that_settles_gets_the_settling_lesson(learning_rate):
    path = descend(BOOK_CURVE, BOOK_START, learning_rate, BOOK_STEPS)
    assert crosses_every_step(path) and settles(path)
    assert lesson_key(path) == "lesson.oscillating_settles"


TREND_CAPTIONS = {
    "overshooting.same": Regime.OSCILLATING,
    "overshooting.growing": Regime.DIVERGING,
}
"""The overshooting scene's mid-run caption for each too-large example, as ``gdmath.distance_trend`` picks it."""


@pytest.mark.parametrize(("key", "regime"), TREND_CAPTIONS.items())
def test_the_overshooting_trend_caption_says_what_the_landings_do(key, regime):
    path = example(regime)
    distances = minimum_distances(path)
    assert distance_trend(path) == key.rsplit(".", 1)[1]
    if key == "overshooting.same":
        # "Every landing is as far from the minimum as the start: the error stays at {error}".
        np.testing.assert_allclose(distances, distances[0], rtol=1e-12)
        np.testing.assert_allclose(path.error, path.error[0], rtol=1e-12)
    else:
        assert np.all(np.diff(distances) > 0)


def test_the_too_large_examples_first_step_jumps_over_the_minimum():
    # "The step is so big that the ball jumps over the minimum" opens the overshooting scene for both examples.
    for regime in (Regime.OSCILLATING, Regime.DIVERGING):
        path = example(regime, 1)
        assert crosses_every_step(path)


def test_the_too_small_time_lapse_caption_and_the_book_code_closing_in_hold():
    # "The balanced ball has arrived; the small rate is still crawling", said once the balanced ball is in.
    slow, balanced = (steps_to_tolerance(BOOK_CURVE, BOOK_START, EXAMPLE_LEARNING_RATES[regime])
                      for regime in (Regime.SLOW, Regime.CONVERGING))
    assert balanced < slow
    # "Each printed x is closer to the minimum than the one before" (book-code shows the book's own run).
    book = descend(BOOK_CURVE, BOOK_START, SCENES["book-code"].learning_rate, SCENES["book-code"].steps)
    assert np.all(np.diff(minimum_distances(book)) < 0)


def test_the_comparison_ends_with_only_the_balanced_ball_near_the_minimum():
    # The comparison's last frame: the too-small and too-large balls are both still far, the balanced one is not
    # (with lr 0.9 the too-large ball ended on the balanced one's point).
    slow, balanced, large = (example(regime) for regime in (Regime.SLOW, Regime.CONVERGING, Regime.OSCILLATING))
    start = minimum_distances(balanced)[0]
    assert minimum_distances(balanced)[-1] < 0.15 * start
    assert min(minimum_distances(slow)[-1], minimum_distances(large)[-1]) > 0.5 * start
    assert min(abs(balanced.x[-1] - slow.x[-1]), abs(balanced.x[-1] - large.x[-1])) > 0.5 * start


# --- The numbers the texts quote --------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(number) for number in _NUMBER.findall(text.replace("\u2212", "-"))]


def _alt_text_numbers() -> dict[str, list[float]]:
    """For each scene whose alt text quotes numbers: those numbers, in order, as gdmath computes them."""
    rates = EXAMPLE_LEARNING_RATES
    book = SCENES["rolling-descent"]
    return {
        "rolling-descent": [book.start, book.steps, book.learning_rate, BOOK_CURVE.minima[0]],
        "overshooting-learning-rate": [
            rates[Regime.OSCILLATING], *example(Regime.OSCILLATING, 2).x[:2], rates[Regime.DIVERGING],
        ],
        "learning-rate-comparison": [rates[Regime.SLOW], rates[Regime.CONVERGING], rates[Regime.OSCILLATING]],
        "too-small-learning-rate": [
            BOOK_START, rates[Regime.CONVERGING], ARRIVAL_TOLERANCE,
            steps_to_tolerance(BOOK_CURVE, BOOK_START, rates[Regime.CONVERGING]), rates[Regime.SLOW],
            steps_to_tolerance(BOOK_CURVE, BOOK_START, rates[Regime.SLOW]),
        ],
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_alt_texts_quote_the_numbers_gdmath_gives(language):
    expected = _alt_text_numbers()
    for scene_name in SCENE_ALT_TEXT:
        quoted = _numbers(scene_alt_text(scene_name, language))
        np.testing.assert_allclose(quoted, expected.get(scene_name, []), err_msg=f"{scene_name} ({language})")


def test_the_too_large_alt_text_bounces_between_the_two_points_it_names():
    path = example(Regime.OSCILLATING)
    _, low, high, _ = _numbers(scene_alt_text("overshooting-learning-rate", "en"))
    assert set(path.x.tolist()) == {low, high}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("regime", list(Regime))
def test_lesson_notes_quote_the_runs_own_distances(regime, language):
    path = example(regime)
    notes = speaker_notes(lesson_key(path), language, **lesson_values(path))
    distances = minimum_distances(path)
    fields = {name for _, name, _, _ in string.Formatter().parse(SPEAKER_NOTES[lesson_key(path)][language]) if name}
    expected = [path.nit, round(distances[-1], 4), round(distances[0], 4)] if fields else []
    assert sorted(_numbers(notes)) == sorted(expected)


def test_no_template_types_a_number_except_the_curves_formula():
    # A number in a sentence is a field filled from gdmath; the one exception is the formula of the
    # book's curve, checked against the curve itself.
    typed = {
        (key, language): _numbers(re.sub(r"\{[^}]*\}", "", text))
        for catalogue in (CAPTIONS, SPEAKER_NOTES, SCENE_ALT_TEXT)
        for key, texts in catalogue.items()
        for language, text in texts.items()
    }
    typed = {where: numbers for where, numbers in typed.items() if numbers}
    assert {key for key, _ in typed} == {"slope_tangent.curve"}
    centre, floor = BOOK_CURVE.minima[0], float(BOOK_CURVE.error(BOOK_CURVE.minima[0]))
    for numbers in typed.values():
        # "(x − 3)² + 2 … at x = 3": the squared term's centre, the floor, the minimum.
        assert numbers == [centre, floor, centre]
