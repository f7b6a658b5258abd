"""Every on-screen string of gdanim, in Hebrew and English, in one catalogue.

Scenes look strings up by key with :func:`caption`; none of them holds a
caption literal. Hebrew templates wrap every number, formula or Latin
fragment in a left-to-right isolate (U+2066 … U+2069), so a minus sign or a
decimal point never drifts to the wrong end of a right-to-left line. This
module never imports manim.

The convention: a Hebrew line reads right to left and each number in it is
a left-to-right island, so ``עלייה ÷ התקדמות = -2.5418 ÷ 0.3315 = -7.6685``
is drawn, left to right, as ``-7.6685 = 0.3315 ÷ -2.5418 = …`` with the
Hebrew words at the right: read from the right, the numbers come in the
template's order, each with its sign just left of its first digit. The
Pango that manim uses honours isolates (``tests/render/test_caption_bidi.py`` reads
the drawn glyphs back). The look-alikes do not do this job: without an
isolate a minus after ``=`` (U+002D or U+2212 alike, both class ES) resolves
right to left and lands right of its digits; LRE…PDF embeddings or LRM
marks around each number pull the ``÷`` and ``=`` between two numbers into
one left-to-right run, reversing the numbers' order in a formula.
"""

from __future__ import annotations

import functools
import string
import unicodedata
from collections.abc import Callable
from typing import Any

from scenes.languages import LANGUAGES, check_choice
from gdmath import (
    ARRIVAL_TOLERANCE,
    EXAMPLE_LEARNING_RATES,
    DescentResult,
    Regime,
    book_parameter,
    book_round,
    classify,
    descend,
    minimum_distances,
    settles,
    steps_to_tolerance,
)
from scenes.registry import SCENES, SceneSpec
from scenes.style import display_minus

__all__ = [
    "CAPTIONS",
    "LANGUAGES",
    "SCENE_ALT_TEXT",
    "SPEAKER_NOTES",
    "alt_text_values",
    "caption",
    "caption_fields",
    "caption_keys",
    "keys_looked_up",
    "lesson_key",
    "lesson_values",
    "regime_key",
    "scene_alt_text",
    "signed_number",
    "speaker_notes",
    "visible_characters",
]

# LANGUAGES (from gdanim.options, where --lang reads them too): every key of the catalogue has each.

_LRI, _PDI = "\u2066", "\u2069"


def _ltr(fragment: str) -> str:
    """Isolate a left-to-right fragment inside a Hebrew line."""
    return f"{_LRI}{fragment}{_PDI}"


CAPTIONS: dict[str, dict[str, str]] = {
    # Axes, shared by every scene.
    "axis.position": {"en": "position x", "he": f"מיקום {_ltr('x')}"},
    "axis.error": {"en": "error", "he": "טעות"},
    # SlopeTangent (ch. 9).
    "slope_tangent.title": {"en": "The slope: the engine of learning", "he": "השיפוע: המנוע של הלמידה"},
    "slope_tangent.readout": {"en": "slope = {slope}", "he": f"שיפוע = {_ltr('{slope}')}"},
    "slope_tangent.move": {"en": "move", "he": "לאן לזוז"},
    "slope_tangent.negative": {
        "en": "Negative slope: the error falls to the right, so move right",
        "he": "שיפוע שלילי: הטעות יורדת ימינה, אז זזים ימינה",
    },
    "slope_tangent.zero": {
        "en": "Slope zero: flat ground, the minimum. Stay here",
        "he": "שיפוע אפס: קרקע שטוחה, המינימום. נשארים כאן",
    },
    "slope_tangent.positive": {
        "en": "Positive slope: the error grows to the right, so move left",
        "he": "שיפוע חיובי: הטעות עולה ימינה, אז זזים שמאלה",
    },
    "slope_tangent.size": {
        "en": "Steeper tangent, bigger slope: the minimum is still far",
        "he": "משיק תלול יותר, שיפוע גדול יותר: המינימום עוד רחוק",
    },
    # RollingDescent (ch. 10).
    "rolling_descent.title": {
        "en": "Gradient descent: step against the slope",
        "he": "ירידת מפל: צעד נגד השיפוע",
    },
    "rolling_descent.rule": {
        "en": "step = − learning rate × slope",
        "he": "צעד = − קצב למידה × שיפוע",
    },
    "rolling_descent.detail": {
        "en": "slope = {slope}  |  step = {delta}",
        "he": f"שיפוע = {_ltr('{slope}')}  |  צעד = {_ltr('{delta}')}",
    },
    "rolling_descent.shrink": {
        "en": "The slope flattens, so the steps shrink",
        "he": "השיפוע מתמתן, ולכן הצעדים קטנים",
    },
    "table.step": {"en": "step", "he": "צעד"},
    "table.x": {"en": "x", "he": _ltr("x")},
    "table.error": {"en": "error", "he": "טעות"},
    # OvershootingLearningRate (ch. 10).
    "overshooting.title": {"en": "Learning rate too large", "he": "קצב למידה גדול מדי"},
    "overshooting.readout": {
        "en": "step {step}:  x = {x}   error = {error}",
        "he": f"צעד {_ltr('{step}')}:  {_ltr('x = {x}')}   טעות = {_ltr('{error}')}",
    },
    "overshooting.jumps": {
        "en": "The step is so big that the ball jumps over the minimum",
        "he": "הצעד כל כך גדול שהכדור קופץ מעל המינימום",
    },
    "overshooting.short": {
        "en": "This step stops short of the minimum",
        "he": "הצעד הזה נעצר לפני המינימום",
    },
    "overshooting.same": {
        "en": "No landing gets closer: the error stays at {error}",
        "he": f"אף נחיתה לא מתקרבת: הטעות נשארת {_ltr('{error}')}",
    },
    "overshooting.growing": {
        "en": "Each landing is farther from the minimum",
        "he": "כל נחיתה רחוקה יותר מהמינימום",
    },
    "overshooting.out_of_view": {
        "en": "It flew out of view. Zoom out: the box is the first view",
        "he": "הכדור עף אל מחוץ לתצוגה. מתרחקים: המסגרת היא התצוגה הראשונה",
    },
    "overshooting.shrinking": {
        "en": "The landings creep closer, from side to side",
        "he": "הנחיתות מתקרבות לאט, מצד לצד",
    },
    # LearningRateComparison (ch. 10).
    "comparison.title": {
        "en": "Balance: too small, balanced, too large",
        "he": "איזון: קטן מדי, מאוזן, גדול מדי",
    },
    "comparison.watch": {
        "en": "At each landing: how far is each ball from the minimum?",
        "he": "בכל נחיתה השוו: כמה רחוק כל כדור מהמינימום?",
    },
    "comparison.outcome": {
        "en": "Same start and steps, three endings: the learning rate decides",
        "he": "אותה התחלה, אותם צעדים, שלושה סופים: קצב הלמידה מכריע",
    },
    "comparison.rule": {
        "en": "One rule in every panel: step = − learning rate × slope",
        "he": "כלל אחד בכל החלונות: צעד = − קצב למידה × שיפוע",
    },
    "comparison.step": {"en": "step {step} of {steps}", "he": f"צעד {_ltr('{step}')} מתוך {_ltr('{steps}')}"},
    # SlopeRiseOverRun (ch. 9).
    "rise_over_run.title": {"en": "What is a slope? Rise ÷ run", "he": "מהו שיפוע? עלייה ÷ התקדמות"},
    "rise_over_run.rise": {"en": "rise", "he": "עלייה"},
    "rise_over_run.run": {"en": "run", "he": "התקדמות"},
    "rise_over_run.readout": {
        "en": "rise ÷ run = {rise} ÷ {run} = {slope}",
        "he": f"עלייה ÷ התקדמות = {_ltr('{rise}')} ÷ {_ltr('{run}')} = {_ltr('{slope}')}",
    },
    "rise_over_run.slope": {"en": "the slope here = {slope}", "he": f"השיפוע כאן = {_ltr('{slope}')}"},
    "rise_over_run.two_points": {
        "en": "Two points on the curve: how much does the error change?",
        "he": "שתי נקודות על העקומה: בכמה משתנה הטעות?",
    },
    "rise_over_run.ratio": {
        "en": "Slope = rise ÷ run: error change per step to the right",
        "he": "שיפוע = עלייה ÷ התקדמות: שינוי הטעות לכל צעד ימינה",
    },
    "rise_over_run.closer": {
        "en": "Bring the second point closer: the line turns into the tangent",
        "he": "מקרבים את הנקודה השנייה: הקו הופך למשיק",
    },
    "rise_over_run.zoom": {
        "en": "Now smaller than the ball: zoom in to see the run shrink",
        "he": "עכשיו קטן מהכדור: מתקרבים כדי לראות את ההתקדמות מתכווצת",
    },
    "rise_over_run.zoom_again": {
        "en": "Smaller than the ball again: zoom in closer",
        "he": "שוב קטן מהכדור: מתקרבים עוד",
    },
    "rise_over_run.tangent": {
        "en": "A tiny run gives the slope right here: how steep the ground is",
        "he": "התקדמות זעירה נותנת את השיפוע כאן: כמה תלולה הקרקע",
    },
    # SlopeSteepness (ch. 9).
    "steepness.title": {"en": "How steep says how far", "he": "כמה תלול אומר כמה רחוק"},
    "steepness.readout": {
        "en": "slope = {slope}   distance = {distance}   step = {delta}",
        "he": f"שיפוע = {_ltr('{slope}')}   מרחק = {_ltr('{distance}')}   צעד = {_ltr('{delta}')}",
    },
    "steepness.steep_negative": {
        "en": "Steep, negative slope: far from the minimum, a big step right",
        "he": "תלול, שיפוע שלילי: רחוק מהמינימום, צעד גדול ימינה",
    },
    "steepness.gentle_negative": {
        "en": "Gentler: closer to the minimum, a smaller step right",
        "he": "מתון יותר: קרוב יותר למינימום, צעד קטן יותר ימינה",
    },
    "steepness.flat": {
        "en": "Flat, slope zero: at the minimum, no step at all",
        "he": "שטוח, שיפוע אפס: במינימום, אין צעד בכלל",
    },
    "steepness.gentle_positive": {
        "en": "Gentle, positive slope: near the minimum, a small step left",
        "he": "מתון, שיפוע חיובי: קרוב למינימום, צעד קטן שמאלה",
    },
    "steepness.steep_positive": {
        "en": "Steep, positive slope: far from the minimum, a big step left",
        "he": "תלול, שיפוע חיובי: רחוק מהמינימום, צעד גדול שמאלה",
    },
    "steepness.lesson": {
        "en": "Steep and far: a big step. Flat and near: a small one",
        "he": "תלול ורחוק: צעד גדול. שטוח וקרוב: צעד קטן",
    },
    # LocalView (ch. 9).
    "local_view.title": {"en": "The model sees only where it stands", "he": "המודל רואה רק איפה שהוא עומד"},
    "local_view.readout": {
        "en": "step {step}:  slope here = {slope}",
        "he": f"צעד {_ltr('{step}')}:  השיפוע כאן = {_ltr('{slope}')}",
    },
    "local_view.hidden": {
        "en": "The curve is hidden: only the ground under the ball is lit",
        "he": "העקומה מוסתרת: רק הקרקע מתחת לכדור מוארת",
    },
    "local_view.step": {
        "en": "It feels the slope here and steps against it",
        "he": "הוא מרגיש את השיפוע כאן וצועד נגדו",
    },
    "local_view.again": {
        "en": "Again and again: feel the slope here, step against it",
        "he": "שוב ושוב: מרגישים את השיפוע כאן, צועדים נגדו",
    },
    "local_view.reveal": {
        "en": "The whole curve: local slopes alone led the way down",
        "he": "כל העקומה: רק שיפועים מקומיים הובילו למטה",
    },
    # TooSmallLearningRate (ch. 10; issue #12).
    "too_small.title": {"en": "Learning rate too small", "he": "קצב למידה קטן מדי"},
    "same_start": {
        "en": "Same start, same curve: only the learning rate differs",
        "he": "אותה התחלה, אותה עקומה: רק קצב הלמידה שונה",
    },
    "too_small.crawl": {
        "en": "Step by step, the small rate barely moves",
        "he": "צעד אחר צעד, הקצב הקטן כמעט לא זז",
    },
    "too_small.time_lapse": {"en": "Time-lapse: hundreds of steps", "he": "הילוך מהיר: מאות צעדים"},
    "too_small.arrived": {
        "en": "x within {tolerance} of the minimum: {steps} steps",
        "he": f"ה-{_ltr('x')} בטווח {_ltr('{tolerance}')} מהמינימום אחרי {_ltr('{steps}')} צעדים",
    },
    "too_small.needs": {
        "en": "needs {steps} steps for x within {tolerance}",
        "he": f"צריך {_ltr('{steps}')} צעדים כדי ש-{_ltr('x')} יגיע לטווח {_ltr('{tolerance}')}",
    },
    "too_small.never": {
        "en": "x not within {tolerance}, even after {steps} steps",
        "he": f"ה-{_ltr('x')} לא בטווח {_ltr('{tolerance}')}, גם אחרי {_ltr('{steps}')} צעדים",
    },
    "too_small.still": {
        "en": "The balanced ball is in; the small rate is still crawling",
        "he": "הכדור המאוזן כבר הגיע; הקצב הקטן עדיין זוחל",
    },
    "too_small.lesson": {
        "en": "Too small a learning rate: slow progress, wasted steps",
        "he": "קצב למידה קטן מדי: התקדמות איטית, צעדים מבוזבזים",
    },
    # LocalValley (ch. 10; issue #12).
    "local_valley.title": {"en": "Stuck in a local valley", "he": "תקוע בעמק מקומי"},
    "local_valley.shallow_name": {"en": "shallow valley", "he": "עמק רדוד"},
    "local_valley.deep_name": {"en": "deep valley", "he": "עמק עמוק"},
    "local_valley.roll": {
        "en": "Downhill step by step, until the slope is zero",
        "he": "יורד צעד אחר צעד, עד שהשיפוע אפס",
    },
    "local_valley.stuck": {
        "en": "Stuck: the ground is flat here, though a deeper valley exists",
        "he": "תקוע: כאן הקרקע שטוחה, אף שיש עמק עמוק יותר",
    },
    "local_valley.found": {
        "en": "This start leads down into the deepest valley",
        "he": "מההתחלה הזו יורדים לעמק העמוק ביותר",
    },
    "local_valley.others": {"en": "Other starts, the same rule", "he": "התחלות אחרות, אותו כלל"},
    "local_valley.each_stops": {
        "en": "Each ball stops where its own slope is zero",
        "he": "כל כדור נעצר היכן שהשיפוע שלו אפס",
    },
    "local_valley.ended_shallow": {"en": "shallow", "he": "רדוד"},
    "local_valley.ended_deep": {"en": "deep", "he": "עמוק"},
    "local_valley.lesson": {
        "en": "Small steps never climb the ridge: the start decides the valley",
        "he": "צעדים קטנים לא מטפסים מעל הרכס: נקודת ההתחלה קובעת את העמק",
    },
    # BookCode (ch. 10; issue #12). The listing itself is the book's, in scenes/book_listings/.
    "book_code.title": {"en": "The book's code: gradient descent", "he": "הקוד מהספר: ירידת מפל"},
    "book_code.listing": {
        "en": "The program of chapter {chapter}, exactly as printed",
        "he": f"התוכנית מפרק {_ltr('{chapter}')}, בדיוק כפי שהודפסה",
    },
    "book_code.run": {
        "en": "Run it: each pass of the loop is one step",
        "he": "מריצים: כל סיבוב של הלולאה הוא צעד אחד",
    },
    "book_code.each_pass": {
        "en": "Each pass: the slope here, a step against it, one printed line",
        "he": "כל סיבוב: השיפוע כאן, צעד נגדו, ושורה מודפסת אחת",
    },
    "book_code.again": {
        "en": "The next pass: the same lines, with the new x",
        "he": f"הסיבוב הבא: אותן שורות, עם ה-{_ltr('x')} החדש",
    },
    "book_code.closer": {
        "en": "Each printed x is closer to the minimum than the one before",
        "he": f"כל {_ltr('x')} מודפס קרוב יותר למינימום מקודמו",
    },
    "book_code.faster": {
        "en": "The other passes in fast motion: the same three lines each time",
        "he": "שאר הסיבובים בהילוך מהיר: אותן שלוש שורות בכל פעם",
    },
    "book_code.lesson": {
        "en": "Compute the slope, step against it, again and again",
        "he": "מחשבים שיפוע, זזים נגדו, וחוזרים שוב ושוב",
    },
    # What the book's program prints before its table (program output: the same in every language).
    "book_code.output_header": {"en": "צעדים:", "he": "צעדים:"},
    # Shared by several scenes.
    "learning_rate": {"en": "learning rate = {learning_rate}", "he": f"קצב למידה = {_ltr('{learning_rate}')}"},
    "regime.slow": {"en": "Too small: crawls, far from the minimum", "he": "קטן מדי: זוחל, רחוק מהמינימום"},
    "regime.converging": {"en": "Balanced: settles into the minimum", "he": "מאוזן: מתייצב במינימום"},
    "regime.oscillating": {
        "en": "Too large: jumps across the valley and back",
        "he": "גדול מדי: קופץ מעל העמק וחוזר",
    },
    "regime.diverging": {
        "en": "Far too large: every jump grows, it diverges",
        "he": "גדול מדי בהרבה: כל קפיצה גדלה, מתבדר",
    },
    "regime_short.slow": {"en": "too slow", "he": "איטי מדי"},
    "regime_short.converging": {"en": "converges", "he": "מתכנס"},
    "regime_short.oscillating": {"en": "oscillates", "he": "מתנדנד"},
    "regime_short.diverging": {"en": "diverges", "he": "מתבדר"},
}
"""Key -> language -> template; ``{name}`` fields are filled by :func:`caption`."""

SCENE_ALT_TEXT: dict[str, dict[str, str]] = {
    "slope-tangent": {
        "en": "A tangent line slides along the U-shaped error curve: its slope is negative on the left, "
        "zero at the minimum and positive on the right, and an arrow points the way to move.",
        "he": "קו משיק מחליק לאורך עקומת הטעות בצורת U: השיפוע שלילי משמאל, אפס במינימום וחיובי מימין, "
        "וחץ מראה לאן לזוז.",
    },
    "rolling-descent": {
        "en": "A ball starts at x = {start} and takes {steps} gradient-descent steps with learning rate {learning_rate} "
        "towards the minimum at x = {minimum}, each step smaller than the one before, beside a table of x and error.",
        "he": f"כדור יוצא מ-{_ltr('x = {start}')} ועושה {_ltr('{steps}')} צעדים של ירידת מפל בקצב למידה "
        f"{_ltr('{learning_rate}')} אל המינימום ב-{_ltr('x = {minimum}')}, כל צעד קטן מקודמו, לצד טבלה של x והטעות.",
    },
    "overshooting-learning-rate": {
        "en": "With too large a learning rate the ball jumps across the valley on every step: at {large} it bounces "
        "between x = {start} and x = {far_side} without settling, and at {diverging} every jump grows and it flies off.",
        "he": f"בקצב למידה גדול מדי הכדור קופץ מעל העמק בכל צעד: בקצב {_ltr('{large}')} הוא קופץ הלוך ושוב בין "
        f"{_ltr('x = {start}')} ל-{_ltr('x = {far_side}')} בלי להתייצב, ובקצב {_ltr('{diverging}')} כל קפיצה גדלה "
        "והוא עף החוצה.",
    },
    "learning-rate-comparison": {
        "en": "Three descents side by side: a learning rate too small ({slow}) crawls, a balanced one ({balanced}) "
        "settles in the minimum, and one too large ({large}) jumps across the valley on every step without settling.",
        "he": f"שלוש ירידות זו לצד זו: קצב למידה קטן מדי ({_ltr('{slow}')}) זוחל, קצב מאוזן ({_ltr('{balanced}')}) "
        f"מתייצב במינימום, וקצב גדול מדי ({_ltr('{large}')}) קופץ מעל העמק בכל צעד בלי להתייצב.",
    },
    "slope-rise-over-run": {
        "en": "Two points on the U-shaped error curve with the rise and run triangle between them; "
        "the second point slides towards the first and the line through them turns into the tangent, "
        "while rise ÷ run closes in on the slope.",
        "he": "שתי נקודות על עקומת הטעות בצורת U ומשולש העלייה וההתקדמות ביניהן; הנקודה השנייה מחליקה "
        "אל הראשונה, הקו שעובר דרכן הופך למשיק, והיחס עלייה ÷ התקדמות מתקרב לשיפוע.",
    },
    "slope-steepness": {
        "en": "At five places on the error curve the tangent, the distance to the minimum and the step it asks for: "
        "steep and far gives a big step, flat and near a small one, to the right on the left side and to the left on the right.",
        "he": "בחמישה מקומות על עקומת הטעות: המשיק, המרחק למינימום והצעד שהוא מבקש. תלול ורחוק נותן צעד גדול, "
        "שטוח וקרוב צעד קטן, ימינה בצד השמאלי ושמאלה בצד הימני.",
    },
    "local-view": {
        "en": "The error curve is hidden except a lit window around the ball, which steps down using only the "
        "slope where it stands; at the end the whole curve and the path are revealed.",
        "he": "עקומת הטעות מוסתרת חוץ מחלון מואר סביב הכדור, שיורד בעזרת השיפוע במקום שבו הוא עומד בלבד; "
        "בסוף נחשפות כל העקומה והדרך.",
    },
    # Issue #12, scenes 4-6.
    "too-small-learning-rate": {
        "en": "Two balls start at x = {start} on the same curve: with learning rate {balanced} one comes within "
        "{tolerance} of the minimum in {balanced_arrival} steps, while with {slow} the other crawls for "
        "{slow_arrival} steps in a speeding time-lapse.",
        "he": f"שני כדורים יוצאים מ-{_ltr('x = {start}')} על אותה עקומה: בקצב למידה {_ltr('{balanced}')} אחד מגיע "
        f"לטווח {_ltr('{tolerance}')} מהמינימום ב-{_ltr('{balanced_arrival}')} צעדים, ובקצב {_ltr('{slow}')} "
        f"השני זוחל {_ltr('{slow_arrival}')} צעדים בהילוך מהיר.",
    },
    "local-valley": {
        "en": "Balls start at several places on a curve with two valleys: those left of the ridge get stuck "
        "in the shallow valley, the others find the deep one, and each start is labelled by where it ended.",
        "he": "כדורים יוצאים מכמה מקומות על עקומה עם שני עמקים: אלה שמשמאל לרכס נתקעים בעמק הרדוד, "
        "האחרים מוצאים את העמוק, וכל נקודת התחלה מסומנת לפי המקום שבו הכדור נעצר.",
    },
    "book-code": {
        "en": "The book's gradient-descent program runs line by line: a highlight moves over the loop, "
        "each printed line appears in an output panel, and a ball steps down the curve beside it.",
        "he": "תוכנית ירידת המפל מהספר רצה שורה אחר שורה: סימון עובר על הלולאה, כל שורה מודפסת "
        "מופיעה בחלון הפלט, וכדור יורד בעקומה לצידה.",
    },
}
"""CLI scene name -> language -> one sentence for ``<img alt>`` in the book's pages."""


SPEAKER_NOTES: dict[str, dict[str, str]] = {
    # SlopeTangent (ch. 9).
    "slope_tangent.curve": {
        "en": "This is the error curve, (x − 3)² + 2: for every position x, how wrong we are. "
        "The lowest point, at x = 3, is where we want to get to. We only ever see the ground under our feet: the slope.",
        "he": f"זו עקומת הטעות, {_ltr('(x − 3)² + 2')}: לכל מיקום {_ltr('x')}, כמה אנחנו טועים. "
        f"הנקודה הנמוכה ביותר, ב-{_ltr('x = 3')}, היא היעד. אנחנו רואים רק את הקרקע שמתחת לרגליים: השיפוע.",
    },
    "slope_tangent.negative": {
        "en": "The tangent touches the curve at the ball. Its slope is negative: going right, the error falls. "
        "So the arrow says: move right, against the sign of the slope.",
        "he": "המשיק נוגע בעקומה בנקודת הכדור. השיפוע שלילי: כשזזים ימינה הטעות יורדת. "
        "לכן החץ אומר: זוזו ימינה, בכיוון הפוך לסימן של השיפוע.",
    },
    "slope_tangent.zero": {
        "en": "At the bottom the tangent is flat and the slope is zero. There is nowhere better to go: this is the minimum.",
        "he": "בתחתית המשיק שטוח והשיפוע אפס. אין לאן להשתפר: זה המינימום.",
    },
    "slope_tangent.positive": {
        "en": "Past the minimum the slope turns positive: going right, the error grows. The arrow flips: move left.",
        "he": "אחרי המינימום השיפוע נהיה חיובי: כשזזים ימינה הטעות עולה. החץ מתהפך: זזים שמאלה.",
    },
    "slope_tangent.size": {
        "en": "The size matters too: the steeper the tangent, the larger the slope and the farther the minimum. "
        "The sign says which way, the size says how far: that is all gradient descent needs.",
        "he": "גם הגודל חשוב: ככל שהמשיק תלול יותר, השיפוע גדול יותר והמינימום רחוק יותר. "
        "הסימן אומר לאן, הגודל אומר כמה: זה כל מה שירידת מפל צריכה.",
    },
    # RollingDescent (ch. 10).
    "rolling_descent.setup": {
        "en": "The book's loop on the book's curve: start at x = {start}, learning rate {learning_rate}. "
        "Every step is minus the learning rate times the slope. The table prints exactly what the book's code prints.",
        "he": f"הלולאה של הספר על העקומה של הספר: מתחילים ב-{_ltr('x = {start}')}, קצב למידה {_ltr('{learning_rate}')}. "
        "כל צעד הוא מינוס קצב הלמידה כפול השיפוע. הטבלה מדפיסה בדיוק מה שהקוד בספר מדפיס.",
    },
    "rolling_descent.step": {
        "en": "Step {number}: at x = {x} the slope is {slope}, so the step is −{learning_rate} × ({slope}) = {delta}. "
        "The ball lands at x = {x_to}, error {error}.",
        "he": f"צעד {_ltr('{number}')}: ב-{_ltr('x = {x}')} השיפוע הוא {_ltr('{slope}')}, לכן הצעד הוא "
        f"{_ltr('−{learning_rate} × ({slope}) = {delta}')}. הכדור נוחת ב-{_ltr('x = {x_to}')}, טעות {_ltr('{error}')}.",
    },
    # OvershootingLearningRate (ch. 10).
    "overshooting.setup": {
        "en": "The same curve and the same start, x = {start}, but the learning rate is {learning_rate}. "
        "Watch where each step lands: on which side of the minimum, and how far from it.",
        "he": f"אותה עקומה ואותה נקודת התחלה, {_ltr('x = {start}')}, אבל קצב הלמידה הוא {_ltr('{learning_rate}')}. "
        "שימו לב איפה כל צעד נוחת: באיזה צד של המינימום, וכמה רחוק ממנו.",
    },
    "overshooting.step": {
        "en": "Step {number}: the slope at x = {x} is {slope}; the step of {delta} carries the ball to x = {x_to}, error {error}.",
        "he": f"צעד {_ltr('{number}')}: השיפוע ב-{_ltr('x = {x}')} הוא {_ltr('{slope}')}; "
        f"הצעד של {_ltr('{delta}')} מעביר את הכדור ל-{_ltr('x = {x_to}')}, טעות {_ltr('{error}')}.",
    },
    # LearningRateComparison (ch. 10).
    "comparison.setup": {
        "en": "Three runs from the same start, x = {start}, with learning rates {rates}. Same curve, same number of steps.",
        "he": f"שלוש ריצות מאותה נקודת התחלה, {_ltr('x = {start}')}, בקצבי למידה {_ltr('{rates}')}. "
        "אותה עקומה, אותו מספר צעדים.",
    },
    "comparison.step": {
        "en": "Step {number} of {steps}: every ball takes its step at the same moment. Compare how far each one moved.",
        "he": f"צעד {_ltr('{number}')} מתוך {_ltr('{steps}')}: כל הכדורים צועדים באותו רגע. השוו כמה כל אחד התקדם.",
    },
    "comparison.lesson": {
        "en": "Too small crawls and is still far away; too large jumps across the valley; the balanced rate settles. "
        "Choosing the learning rate is choosing this balance.",
        "he": "קטן מדי זוחל ועדיין רחוק; גדול מדי קופץ מעל העמק; הקצב המאוזן מתייצב. לבחור קצב למידה זה לבחור את האיזון הזה.",
    },
    # TooSmallLearningRate (ch. 10; issue #12).
    "too_small.setup": {
        "en": "Two runs from the same start, x = {start}, on the same curve: learning rate {small} in one panel, "
        "{balanced} in the other. Only the learning rate differs.",
        "he": f"שתי ריצות מאותה נקודת התחלה, {_ltr('x = {start}')}, על אותה עקומה: קצב למידה {_ltr('{small}')} "
        f"בחלון אחד ו-{_ltr('{balanced}')} בשני. רק קצב הלמידה שונה.",
    },
    "too_small.crawl": {
        "en": "The first steps, one by one. The balanced rate covers most of the way in a few steps; "
        "the small one barely leaves the start, though its slope is just as steep.",
        "he": "הצעדים הראשונים, אחד אחד. הקצב המאוזן עובר את רוב הדרך בכמה צעדים; "
        "הקטן כמעט לא זז מההתחלה, אף שהשיפוע שלו תלול באותה מידה.",
    },
    "too_small.time_lapse": {
        "en": "Now a time-lapse through the remaining steps, faster and faster. "
        "Each panel says when its ball came within {tolerance} of the minimum.",
        "he": "עכשיו הילוך מהיר דרך שאר הצעדים, מהר יותר ויותר. "
        f"כל חלון אומר מתי הכדור שלו הגיע לטווח {_ltr('{tolerance}')} מהמינימום.",
    },
    "too_small.lesson": {
        "en": "Too small a learning rate is not wrong, only slow: it gets there, but spends many times the steps "
        "for the same result. Training time is exactly what it wastes.",
        "he": "קצב למידה קטן מדי אינו שגוי, רק איטי: הוא מגיע, אבל משלם פי כמה צעדים על אותה תוצאה. "
        "זמן אימון הוא בדיוק מה שהוא מבזבז.",
    },
    # LocalValley (ch. 10; issue #12).
    "local_valley.curve": {
        "en": "A curve with two valleys: a shallow one on the left, a deeper one on the right, and a ridge between them.",
        "he": "עקומה עם שני עמקים: רדוד משמאל, עמוק יותר מימין, ורכס ביניהם.",
    },
    "local_valley.roll": {
        "en": "A ball starts at x = {start} and follows the slope down, step by step. Where the slope is zero it stops: "
        "the tangent there is flat. It only feels the ground under it and cannot know whether a deeper valley exists.",
        "he": f"כדור יוצא מ-{_ltr('x = {start}')} ויורד לפי השיפוע, צעד אחר צעד. היכן שהשיפוע אפס הוא נעצר: "
        "המשיק שם שטוח. הוא מרגיש רק את הקרקע שמתחתיו ולא יכול לדעת אם יש עמק עמוק יותר.",
    },
    "local_valley.others": {
        "en": "The same rule from other starts, one ball at a time. Every ball goes downhill from where it stands, "
        "so which side of the ridge it starts on decides its valley.",
        "he": "אותו כלל מנקודות התחלה אחרות, כדור אחד בכל פעם. כל כדור יורד מהמקום שבו הוא עומד, "
        "ולכן הצד של הרכס שבו הוא מתחיל קובע את העמק שלו.",
    },
    "local_valley.lesson": {
        "en": "Each start is labelled by the valley its ball ended in. Small steps never climb the ridge: "
        "gradient descent finds a valley, not necessarily the deepest one.",
        "he": "כל נקודת התחלה מסומנת לפי העמק שבו הכדור שלה נעצר. צעדים קטנים לא מטפסים מעל הרכס: "
        "ירידת מפל מוצאת עמק, לא בהכרח את העמוק ביותר.",
    },
    # BookCode (ch. 10; issue #12).
    "book_code.listing": {
        "en": "This is the program of chapter {chapter}, line for line as the book prints it: the error, its slope, "
        "a start at x = {start}, a learning rate of {learning_rate} and a loop of {steps} steps.",
        "he": f"זו התוכנית של פרק {_ltr('{chapter}')}, שורה אחר שורה כפי שהספר מדפיס אותה: הטעות, השיפוע שלה, "
        f"התחלה ב-{_ltr('x = {start}')}, קצב למידה {_ltr('{learning_rate}')} ולולאה של {_ltr('{steps}')} צעדים.",
    },
    "book_code.run": {
        "en": "We keep the lines that run. The band shows the line Python is executing; "
        "the panel prints what the program prints, and the ball moves whenever x changes.",
        "he": "משאירים את השורות שרצות. הסימון מראה את השורה שפייתון מבצע; "
        f"החלון מדפיס את מה שהתוכנית מדפיסה, והכדור זז בכל פעם שהערך של {_ltr('x')} משתנה.",
    },
    "book_code.loop": {
        "en": "Each pass of the loop: compute the slope, step against it, print. "
        "The printed numbers are the book's, and the ball lands where they say.",
        "he": "כל סיבוב של הלולאה: מחשבים שיפוע, זזים נגדו, מדפיסים. "
        "המספרים המודפסים הם של הספר, והכדור נוחת היכן שהם אומרים.",
    },
    "book_code.pass": {
        "en": "Pass {number}: at x = {x} the slope is {slope}, so x becomes x − {learning_rate} × ({slope}) = {x_to}; "
        "the program prints it as line {number} of its output, and the ball lands there.",
        "he": f"סיבוב {_ltr('{number}')}: ב-{_ltr('x = {x}')} השיפוע הוא {_ltr('{slope}')}, לכן {_ltr('x')} נהיה "
        f"{_ltr('x − {learning_rate} × ({slope}) = {x_to}')}; התוכנית מדפיסה אותו בשורה {_ltr('{number}')} "
        "של הפלט, והכדור נוחת שם.",
    },
    "book_code.lesson": {
        "en": "That is all of gradient descent: compute the slope, move against it, and repeat "
        "until the slope is nearly zero.",
        "he": "זו כל ירידת המפל: מחשבים שיפוע, זזים נגדו, וחוזרים על זה עד שהשיפוע כמעט אפס.",
    },
    # Shared by the scenes that step.
    # SlopeRiseOverRun (ch. 9).
    "rise_over_run.curve": {
        "en": "The book's error curve again. The ball stands at x = {x}. How steep is the ground here? "
        "We answer without any new word: with two points and a triangle.",
        "he": f"שוב עקומת הטעות של הספר. הכדור עומד ב-{_ltr('x = {x}')}. כמה תלולה הקרקע כאן? "
        "נענה בלי אף מילה חדשה: בעזרת שתי נקודות ומשולש.",
    },
    "rise_over_run.triangle": {
        "en": "A second point, a run of {run} away. Between them the error changes by {rise}: that is the rise. "
        "Rise divided by run is {slope}: how much the error changes for each step to the right.",
        "he": f"נקודה שנייה, בהתקדמות של {_ltr('{run}')}. ביניהן הטעות משתנה ב-{_ltr('{rise}')}: זו העלייה. "
        f"עלייה חלקי התקדמות היא {_ltr('{slope}')}: בכמה משתנה הטעות לכל צעד ימינה.",
    },
    "rise_over_run.closer": {
        "en": "Now slide the second point towards the first. Watch the ratio: it settles on one number, "
        "and the line through the two points turns into the line that just touches the curve, the tangent.",
        "he": "עכשיו מחליקים את הנקודה השנייה אל הראשונה. שימו לב ליחס: הוא מתייצב על מספר אחד, "
        "והקו דרך שתי הנקודות הופך לקו שרק נוגע בעקומה, המשיק.",
    },
    "rise_over_run.tangent": {
        "en": "That number, {slope}, is the slope at x = {x}: rise over run for a run too small to see. "
        "It is all the model needs to know about the ground under its feet.",
        "he": f"המספר הזה, {_ltr('{slope}')}, הוא השיפוע ב-{_ltr('x = {x}')}: עלייה חלקי התקדמות בהתקדמות "
        "קטנה מכדי לראות. זה כל מה שהמודל צריך לדעת על הקרקע שמתחת לרגליו.",
    },
    # SlopeSteepness (ch. 9).
    "steepness.curve": {
        "en": "Why does the slope tell us how much error is here? We visit five places on the curve and, at each, "
        "set the slope beside the distance to the minimum and the step it asks for.",
        "he": "למה השיפוע אומר לנו כמה טעות יש כאן? נבקר בחמישה מקומות על העקומה, ובכל אחד נשים את השיפוע "
        "ליד המרחק למינימום ולצעד שהוא מבקש.",
    },
    "steepness.position": {
        "en": "Place {number}: at x = {x} the slope is {slope} and the minimum is {distance} away. "
        "The step, −{learning_rate} × slope, is {delta}.",
        "he": f"מקום {_ltr('{number}')}: ב-{_ltr('x = {x}')} השיפוע הוא {_ltr('{slope}')} והמינימום במרחק "
        f"{_ltr('{distance}')}. הצעד, {_ltr('−{learning_rate}')} כפול השיפוע, הוא {_ltr('{delta}')}.",
    },
    "steepness.lesson": {
        "en": "Side by side: the steeper the ground, the farther the minimum and the bigger the step. "
        "The sign says which way: negative on the left, so move right; positive on the right, so move left.",
        "he": "זה לצד זה: ככל שהקרקע תלולה יותר, המינימום רחוק יותר והצעד גדול יותר. הסימן אומר לאן: "
        "שלילי משמאל, אז זזים ימינה; חיובי מימין, אז זזים שמאלה.",
    },
    # LocalView (ch. 9).
    "local_view.hidden": {
        "en": "This is what the model sees: not the curve, only the little patch of ground it stands on at x = {x}. "
        "It does not know where the minimum is.",
        "he": f"זה מה שהמודל רואה: לא את העקומה, רק את פיסת הקרקע הקטנה שהוא עומד עליה ב-{_ltr('x = {x}')}. "
        "הוא לא יודע איפה המינימום.",
    },
    "local_view.step": {
        "en": "Step {number}: the slope here is {slope}. That is all it knows, and enough: "
        "it steps {delta} against the slope, to x = {x_to}.",
        "he": f"צעד {_ltr('{number}')}: השיפוע כאן הוא {_ltr('{slope}')}. זה כל מה שהוא יודע, וזה מספיק: "
        f"הוא צועד {_ltr('{delta}')} נגד השיפוע, אל {_ltr('x = {x_to}')}.",
    },
    "local_view.reveal": {
        "en": "Now the lights come on: the whole curve, and the path the ball took. "
        "Every step used only the slope where it stood, and still it walked down into the valley.",
        "he": "עכשיו נדלק האור: כל העקומה, והדרך שהכדור עשה. כל צעד השתמש רק בשיפוע במקום שבו עמד, "
        "ובכל זאת הוא ירד אל העמק.",
    },
    "steps.rest": {
        "en": "Steps {first} to {last} play on without a stop: the pattern of the first steps goes on.",
        "he": f"הצעדים {_ltr('{first}')} עד {_ltr('{last}')} רצים בלי עצירה: הדפוס של הצעדים הראשונים נמשך.",
    },
    "lesson.slow": {
        "en": "The learning rate is too small: every step is tiny and after all the steps the ball is still far from the minimum.",
        "he": "קצב הלמידה קטן מדי: כל צעד זעיר, ואחרי כל הצעדים הכדור עדיין רחוק מהמינימום.",
    },
    "lesson.converging": {
        "en": "Nobody told the steps to shrink: they shrank because the slope flattens near the minimum. "
        "The learning rate stayed the same all along.",
        "he": "אף אחד לא אמר לצעדים לקטון: הם קטנו כי השיפוע מתמתן ליד המינימום. קצב הלמידה נשאר קבוע לאורך כל הדרך.",
    },
    "lesson.oscillating": {
        "en": "Too large a learning rate: every step jumps across the valley to the other side. "
        "After {steps} steps the ball is still {distance} from the minimum; it started {initial} away. "
        "It rolls from side to side without settling.",
        "he": f"קצב למידה גדול מדי: כל צעד קופץ מעל העמק לצד השני. אחרי {_ltr('{steps}')} צעדים הכדור עדיין "
        f"במרחק {_ltr('{distance}')} מהמינימום; הוא התחיל במרחק {_ltr('{initial}')}. הוא מתגלגל מצד לצד בלי להתייצב.",
    },
    "lesson.oscillating_settles": {
        "en": "Too large a learning rate: the ball jumps across the valley and back. "
        "After {steps} steps it is {distance} from the minimum, having started {initial} away: "
        "it gets there, but zig-zagging.",
        "he": f"קצב למידה גדול מדי: הכדור קופץ מעל העמק וחוזר. אחרי {_ltr('{steps}')} צעדים הוא במרחק "
        f"{_ltr('{distance}')} מהמינימום, אחרי שהתחיל במרחק {_ltr('{initial}')}: הוא מגיע, אבל בזיגזג.",
    },
    "lesson.diverging": {
        "en": "Far too large: every jump lands higher than the one before, and the error grows without bound. The run diverges.",
        "he": "גדול מדי בהרבה: כל קפיצה נוחתת גבוה יותר מקודמתה, והטעות גדלה בלי גבול. הריצה מתבדרת.",
    },
}
"""Beat key -> language -> what the lecturer says during that beat (see ``DescentScene.beat``)."""


def _check_language(language: str) -> None:
    check_choice("language", language, LANGUAGES)


def _fill(catalogue: dict[str, dict[str, str]], kind: str, key: str, language: str, values: dict) -> str:
    """Template ``key`` of ``catalogue`` in ``language`` with ``values`` filled in; ``kind`` names it in errors."""
    _check_language(language)
    try:
        template = catalogue[key][language]
    except KeyError:
        raise ValueError(f"unknown {kind} key {key!r}") from None
    try:
        return display_minus(template.format(**values))
    except KeyError as missing:
        raise ValueError(f"{kind} {key!r} needs the value {missing}") from None


def caption_keys() -> tuple[str, ...]:
    """Every key of the catalogue, in catalogue order.

    Examples
    --------
    >>> "axis.error" in caption_keys()
    True
    """
    return tuple(CAPTIONS)


def caption_fields(key: str) -> frozenset[str]:
    """Names of the ``{fields}`` that :func:`caption` needs for ``key``.

    Examples
    --------
    >>> sorted(caption_fields("rolling_descent.detail"))
    ['delta', 'slope']
    """
    names: set[str] = set()
    for template in CAPTIONS[key].values():
        names.update(name for _, name, _, _ in string.Formatter().parse(template) if name)
    return frozenset(names)


def regime_key(regime: object, short: bool = False) -> str:
    """Catalogue key naming a ``gdmath.Regime``: a sentence, or with ``short`` two words.

    Examples
    --------
    >>> from gdmath import Regime
    >>> regime_key(Regime.OSCILLATING), regime_key(Regime.SLOW, short=True)
    ('regime.oscillating', 'regime_short.slow')
    """
    return f"regime{'_short' if short else ''}.{regime}"


def lesson_key(path: DescentResult) -> str:
    """Speaker-notes key of the lesson a descent teaches: its regime, and for a too-large rate whether it settled.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> [lesson_key(descend(BOOK_CURVE, -1, lr, 10)) for lr in (0.1, 0.9, 1.0)]
    ['lesson.converging', 'lesson.oscillating_settles', 'lesson.oscillating']
    """
    regime = classify(path)
    if regime is Regime.OSCILLATING and settles(path):
        return "lesson.oscillating_settles"
    return f"lesson.{regime}"


def lesson_values(path: DescentResult) -> dict[str, Any]:
    """The numbers a lesson's notes quote: steps taken, and the distance to the minimum at the start and end.

    Examples
    --------
    >>> from gdmath import BOOK_CURVE, descend
    >>> lesson_values(descend(BOOK_CURVE, -1, 1.0, 10))
    {'steps': 10, 'distance': '4.0', 'initial': '4.0'}
    """
    distances = minimum_distances(path)
    return {"steps": path.nit, "distance": book_round(distances[-1]), "initial": book_round(distances[0])}


def caption(key: str, language: str, **values: object) -> str:
    """The string for ``key`` in ``language``, with ``values`` filled in.

    Parameters
    ----------
    key
        A key of :data:`CAPTIONS`.
    language
        ``"he"`` or ``"en"``.
    **values
        The template's fields, already formatted (e.g. by ``gdmath.book_round``); a number's
        sign comes out as the one on-screen minus, U+2212 (``scenes.style.display_minus``).

    Raises
    ------
    ValueError
        For an unknown key or language, or a missing field.

    Examples
    --------
    >>> caption("slope_tangent.readout", "en", slope="-8.0")
    'slope = \u22128.0'
    >>> caption("slope_tangent.readout", "he", slope="-8.0")
    'שיפוע = \\u2066\u22128.0\\u2069'
    """
    _looked_up.add(key)
    return _fill(CAPTIONS, "caption", key, language, values)


_looked_up: set[str] = set()


def keys_looked_up(forget: bool = False) -> frozenset[str]:
    """The keys :func:`caption` was asked for in this process (since the last ``forget``).

    A render compares them with the keys its clip's hash covers
    (:func:`gdanim.store.source_hash.drawn_keys`), so a key built in a way the
    hash cannot see fails that render instead of leaving a stale clip in the cache.
    """
    found = frozenset(_looked_up)
    if forget:
        _looked_up.clear()
    return found


def scene_alt_text(scene_name: str, language: str) -> str:
    """One sentence describing a scene, by CLI name, for ``<img alt>``.

    Examples
    --------
    >>> scene_alt_text("rolling-descent", "en").startswith("A ball starts at x = -1")
    True
    """
    _check_language(language)
    if scene_name not in SCENE_ALT_TEXT:
        raise ValueError(f"unknown scene {scene_name!r}")
    return SCENE_ALT_TEXT[scene_name][language].format(**alt_text_values(scene_name))


@functools.cache
def alt_text_values(scene_name: str) -> dict[str, str]:
    """The numbers a scene's alt text quotes, from its registry defaults and :mod:`gdmath`, never typed in the text.

    Only the fields the scene's alt text uses are computed (an arrival count runs a long descent).

    Examples
    --------
    >>> alt_text_values("overshooting-learning-rate")["far_side"]
    '7'
    """
    spec = SCENES[scene_name]
    fields = {name for text in SCENE_ALT_TEXT[scene_name].values()
              for _, name, _, _ in string.Formatter().parse(text) if name}
    return {name: _ALT_TEXT_FIELDS[name](spec) for name in fields}


def _arrival(spec: SceneSpec, regime: Regime) -> str:
    return str(steps_to_tolerance(spec.curve, spec.start, EXAMPLE_LEARNING_RATES[regime]))


_ALT_TEXT_FIELDS: dict[str, Callable[[SceneSpec], str]] = {
    "start": lambda spec: f"{spec.start:g}",
    "steps": lambda spec: str(spec.steps),
    "learning_rate": lambda spec: book_parameter(spec.learning_rate),
    "minimum": lambda spec: f"{spec.curve.minima[0]:g}",
    "slow": lambda spec: book_parameter(EXAMPLE_LEARNING_RATES[Regime.SLOW]),
    "balanced": lambda spec: book_parameter(EXAMPLE_LEARNING_RATES[Regime.CONVERGING]),
    "large": lambda spec: book_parameter(EXAMPLE_LEARNING_RATES[Regime.OSCILLATING]),
    "diverging": lambda spec: book_parameter(EXAMPLE_LEARNING_RATES[Regime.DIVERGING]),
    # Where the too-large example's first jump lands: the far side of its bounce.
    "far_side": lambda spec: f"{descend(spec.curve, spec.start, EXAMPLE_LEARNING_RATES[Regime.OSCILLATING], 1).x[-1]:g}",
    "tolerance": lambda spec: book_round(ARRIVAL_TOLERANCE),
    "balanced_arrival": lambda spec: _arrival(spec, Regime.CONVERGING),
    "slow_arrival": lambda spec: _arrival(spec, Regime.SLOW),
}
"""Alt-text field -> how to compute it for a scene."""


def visible_characters(text: str) -> int:
    """How many glyphs ``text`` should draw: characters that are neither space nor format marks.

    Examples
    --------
    >>> visible_characters("שיפוע = \\u2066-8.0\\u2069")
    10
    """
    return sum(1 for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def signed_number(value: float, places: int = 1) -> str:
    """``value`` with an explicit sign, for a live readout: ``+8.0``, ``-2.5``, ``0.0``.

    Examples
    --------
    >>> signed_number(8), signed_number(-2.54), signed_number(-0.01)
    ('+8.0', '-2.5', '0.0')
    """
    text = f"{value:+.{places}f}"
    if float(text) == 0:
        return text[1:]
    return text


def speaker_notes(key: str, language: str, **values: object) -> str:
    """The speaker notes of beat ``key`` in ``language``, with ``values`` filled in (errors as :func:`caption`).

    Examples
    --------
    >>> speaker_notes("comparison.step", "en", number=2, steps=10).startswith("Step 2 of 10:")
    True
    """
    return _fill(SPEAKER_NOTES, "speaker notes", key, language, values)
