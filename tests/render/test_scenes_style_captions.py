"""The manim-free half of the scenes package: themes, the caption catalogue, lazy imports."""

from __future__ import annotations

import re
import subprocess
import sys
from itertools import combinations

import numpy as np
import pytest

from gdmath import Regime
from scenes.captions import (
    CAPTIONS,
    LANGUAGES,
    caption,
    caption_fields,
    caption_keys,
    regime_key,
    scene_alt_text,
    signed_number,
    visible_characters,
)
from scenes.registry import SCENES
from scenes.style import (
    FONT_SIZE_CAPTION,
    FONT_SIZE_LABEL,
    FONT_SIZE_READOUT,
    FONT_SIZE_TITLE,
    MIN_FONT_SIZE,
    THEMES,
    contrast_ratio,
)

TEXT_ROLES = ["text", "muted", "axis"]
MARK_ROLES = ["curve", "ball", "tangent", "step_arrow"]

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
COLOUR_BLINDNESS = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}


def _linear_rgb(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0, 1)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


@pytest.mark.unit
@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES)
@pytest.mark.parametrize("role", TEXT_ROLES)
def test_text_contrast_meets_wcag_aa(theme, role):
    assert contrast_ratio(getattr(theme, role), theme.background) >= 4.5


@pytest.mark.unit
@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES)
@pytest.mark.parametrize("role", MARK_ROLES)
def test_marks_contrast_meets_wcag_non_text(theme, role):
    assert contrast_ratio(getattr(theme, role), theme.background) >= 3.0


@pytest.mark.unit
@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES)
def test_colours_are_hex_and_named(theme):
    colours = theme.colours()
    assert {"background", "text", "curve", "ball", "tangent", "step_arrow", "axis"} <= set(colours)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", value) for value in colours.values())


@pytest.mark.unit
@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES)
@pytest.mark.parametrize("deficiency", COLOUR_BLINDNESS)
def test_marks_stay_apart_for_colour_blind_viewers(theme, deficiency):
    matrix = COLOUR_BLINDNESS[deficiency]
    seen = {role: _to_srgb(matrix @ _linear_rgb(getattr(theme, role))) for role in MARK_ROLES}
    for first, second in combinations(MARK_ROLES, 2):
        assert np.linalg.norm(seen[first] - seen[second]) > 0.15, (first, second)


@pytest.mark.unit
def test_font_sizes_are_readable_at_640_px():
    sizes = [FONT_SIZE_TITLE, FONT_SIZE_CAPTION, FONT_SIZE_READOUT, FONT_SIZE_LABEL]
    assert min(sizes) >= MIN_FONT_SIZE >= 24


@pytest.mark.unit
def test_contrast_ratio_known_values():
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.unit
@pytest.mark.parametrize("key", caption_keys())
def test_every_caption_has_every_language_with_the_same_fields(key):
    assert set(CAPTIONS[key]) == set(LANGUAGES)
    fields = [
        {name for name in re.findall(r"\{(\w+)\}", CAPTIONS[key][language])} for language in LANGUAGES
    ]
    assert all(f == fields[0] for f in fields)
    assert caption_fields(key) == frozenset(fields[0])


@pytest.mark.unit
@pytest.mark.parametrize("key", caption_keys())
def test_hebrew_keeps_numbers_and_latin_inside_left_to_right_isolates(key):
    hebrew = CAPTIONS[key]["he"]
    outside = re.sub("\u2066[^\u2069]*\u2069", "", hebrew)
    assert not re.search(r"[A-Za-z0-9{}]", outside), outside


@pytest.mark.unit
@pytest.mark.parametrize("regime", Regime)
def test_every_regime_has_a_sentence_and_a_short_name(regime):
    assert regime_key(regime) in caption_keys()
    assert regime_key(regime, short=True) in caption_keys()


@pytest.mark.unit
@pytest.mark.parametrize("scene_name", SCENES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_scene_has_alt_text(scene_name, language):
    text = scene_alt_text(scene_name, language)
    assert text.endswith(".") and len(text) > 40


@pytest.mark.unit
def test_caption_fills_values_and_rejects_bad_input():
    assert caption("overshooting.readout", "en", step=1, x="-0.2", error="12.24") == (
        "step 1:  x = \u22120.2   error = 12.24"
    )
    with pytest.raises(ValueError, match="unknown caption key"):
        caption("no.such.key", "en")
    with pytest.raises(ValueError, match="unknown language"):
        caption("axis.error", "fr")
    with pytest.raises(ValueError, match="needs the value"):
        caption("slope_tangent.readout", "en")
    with pytest.raises(ValueError, match="unknown scene"):
        scene_alt_text("no-such-scene", "en")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "expected"), [(8.0, "+8.0"), (-8.0, "-8.0"), (0.0, "0.0"), (-0.04, "0.0"), (2.55, "+2.5")]
)
def test_signed_number(value, expected):
    assert signed_number(value) == expected


@pytest.mark.unit
def test_visible_characters_ignores_spaces_and_direction_marks():
    assert visible_characters("צעד \u20661\u2069:  x") == 6


@pytest.mark.unit
def test_manim_free_modules_do_not_import_manim(repo_root):
    code = (
        "import sys, scenes, scenes.registry, scenes.captions, scenes.style; "
        "print('manim' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=repo_root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
