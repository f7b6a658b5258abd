"""``--sweep`` without Dask: parsing, the product of variants, and a sweep through the local ``--jobs`` path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from gdanim.clip.render import theme_colours
from gdanim.clip.request import ClipRequest
from gdanim.run.sweep import SWEEP_FIELDS, split_sweep, sweep_variants
from render import cli
from tests.render_runs import TINY_OPTION, TINY_TAG, debris, manifest_json

# (--sweep text, name, values as text)
GOOD_SWEEPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("learning-rate=0.01,0.1,0.9", "learning-rate", ("0.01", "0.1", "0.9")),
    ("Learning-Rate = 0.5", "learning-rate", ("0.5",)),
    ("start=-1, 5", "start", ("-1", "5")),
    ("steps=1,10,500", "steps", ("1", "10", "500")),
    ("lang=he,en", "lang", ("he", "en")),
    ("theme=dark", "theme", ("dark",)),
]

BAD_SWEEPS: list[str] = ["learning-rate", "=0.1", "lr=0.1", "language=he", "steps=", "steps=1,", "steps=,1", ""]


@pytest.mark.unit
@pytest.mark.parametrize(("text", "name", "values"), GOOD_SWEEPS)
def test_split_sweep_reads_name_and_values(text: str, name: str, values: tuple[str, ...]) -> None:
    assert split_sweep(text) == (name, values)


@pytest.mark.unit
@pytest.mark.parametrize("text", BAD_SWEEPS)
def test_split_sweep_refuses_what_is_not_name_equals_values(text: str) -> None:
    with pytest.raises(ValueError, match="NAME=V1,V2"):
        split_sweep(text)


@pytest.mark.unit
def test_sweep_names_are_the_single_options_and_request_fields() -> None:
    option_names = {opt for param in cli.params for opt in param.opts}
    assert {f"--{name}" for name in SWEEP_FIELDS} <= option_names
    request = ClipRequest.create("rolling-descent", quality="low")
    assert set(SWEEP_FIELDS.values()) <= set(request.as_dict())


@pytest.mark.unit
def test_sweep_variants_is_the_product_first_sweep_slowest() -> None:
    variants = sweep_variants([("learning-rate", [0.01, 0.1, 0.9]), ("lang", ["he", "en"]), ("theme", ["light", "dark"])])
    assert len(variants) == 12
    assert variants[0] == {"learning_rate": 0.01, "language": "he", "theme": "light"}
    assert variants[1] == {"learning_rate": 0.01, "language": "he", "theme": "dark"}
    assert variants[-1] == {"learning_rate": 0.9, "language": "en", "theme": "dark"}
    assert len({tuple(sorted(variant.items())) for variant in variants}) == 12


@pytest.mark.unit
def test_every_variant_gets_its_own_file_name() -> None:
    variants = sweep_variants([("learning-rate", [0.01, 0.1, 0.9]), ("start", [-1.0, 5.0]), ("steps", [3, 10]),
                               ("lang", ["he", "en"]), ("theme", ["light", "dark"])])
    stems = {ClipRequest.create("rolling-descent", quality="low", **variant).stem for variant in variants}
    assert len(stems) == len(variants) == 48


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sweeps", "message"),
    [
        ([("lang", ["he"]), ("lang", ["en"])], "--sweep lang is given twice"),
        ([("steps", [2, 3, 2])], "--sweep steps lists 2 twice"),
        ([("learning-rate", [0.1, 0.10])], "lists 0.1 twice"),
    ],
)
def test_sweep_variants_refuses_repeats(sweeps: list[tuple[str, list[object]]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sweep_variants(sweeps)


def test_a_sweep_without_scheduler_renders_through_local_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(
        cli, ["slope-tangent", "--sweep", "theme=light,dark", "--format", "png", "--lang", "en", "--jobs", "2",
              "--out", str(tmp_path), "--quiet", *TINY_OPTION],
    )
    assert result.exit_code == 0, result.output
    posters = {theme: tmp_path / "slope-tangent" / f"en-{theme}-{TINY_TAG}.png" for theme in ("light", "dark")}
    assert sorted(result.stdout.splitlines()) == sorted(str(path) for path in posters.values())
    assert result.stderr == ""
    for theme, poster in posters.items():
        with Image.open(poster) as image:
            assert image.size == (160, 90)
            background = image.convert("RGB").getpixel((1, 1))
        assert background == tuple(int(theme_colours(theme)["background"][i : i + 2], 16) for i in (1, 3, 5))
    assert sorted(clip["theme"] for clip in manifest_json(tmp_path)["clips"]) == ["dark", "light"]
    assert debris(tmp_path) == []
