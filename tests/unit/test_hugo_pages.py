"""Reading a Hugo site's ``gd-clip`` shortcodes, and the rule for which exported variant a page shows."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from gdanim.publish.hugo import hugo_site_problem
from gdanim.publish.pages import ClipUse, PageError, chosen_variants, find_clip_uses, site_theme


def _site(tmp_path: Path, page: str, config: str = "") -> Path:
    (tmp_path / "content" / "docs").mkdir(parents=True)
    (tmp_path / "hugo.toml").write_text(config, encoding="utf-8")
    (tmp_path / "content" / "docs" / "ch10.md").write_text(page, encoding="utf-8")
    return tmp_path


def test_every_form_of_the_shortcode_is_read_and_a_commented_one_is_not(tmp_path: Path) -> None:
    page = "\n".join([
        "---", "title: x", "---",
        '{{< gd-clip "rolling-descent" >}}',
        "{{% gd-clip scene=`slope-tangent` lang=en theme=\"dark\" quality=\"low\" mode=\"gif\" %}}",
        '{{</* gd-clip "book-code" */>}}',
        '{{<gd-clip scene="local-view">}}',
    ])
    uses = find_clip_uses(_site(tmp_path, page))
    assert [(use.line, use.scene, use.language, use.theme, use.quality, use.mode) for use in uses] == [
        (4, "rolling-descent", "he", "light", None, "video"),
        (5, "slope-tangent", "en", "dark", "low", "gif"),
        (7, "local-view", "he", "light", None, "video"),
    ]
    assert uses[0].page == Path("content/docs/ch10.md") and uses[1].formats == ("gif", "png")


@pytest.mark.parametrize(("config", "theme"), [
    ("", "light"), ('[params]\nBookTheme = "auto"\n', "auto"), ('[params]\nbooktheme = "my-dark"\n', "dark"),
])
def test_the_default_theme_is_the_sites_book_theme(tmp_path: Path, config: str, theme: str) -> None:
    site = _site(tmp_path, '{{< gd-clip "rolling-descent" >}}', config)
    assert site_theme(site) == theme
    (use,) = find_clip_uses(site)
    assert use.theme == theme and use.themes == (("light", "dark") if theme == "auto" else (theme,))


@pytest.mark.parametrize(("shortcode", "words"), [
    ('{{< gd-clip scene="rolling-descent" lang="fr" >}}', "lang='fr' is not one of: he, en"),
    ('{{< gd-clip scene="rolling-descent" mode="webm" >}}', "mode='webm' is not one of: video, gif"),
    ('{{< gd-clip "rolling-descent" "extra" >}}', "one positional parameter"),
    ('{{< gd-clip lang="en" >}}', "names no scene"),
])
def test_a_bad_shortcode_names_its_page_and_line(tmp_path: Path, shortcode: str, words: str) -> None:
    with pytest.raises(PageError, match=re.escape("content/docs/ch10.md:2: ")) as raised:
        find_clip_uses(_site(tmp_path, f"text\n{shortcode}\n"))
    assert words in str(raised.value)


def _variant(theme: str, quality: str, language: str = "he") -> dict:
    return {"id": f"rolling-descent/{language}-{theme}-{quality}", "language": language, "theme": theme,
            "quality": quality}


def _use(theme: str = "auto", quality: str | None = None) -> ClipUse:
    return ClipUse(Path("content/a.md"), 1, "rolling-descent", "he", theme, quality, "video")


def test_the_variant_rule_depends_on_the_set_exported_not_its_order() -> None:
    variants = [_variant(theme, quality) for theme in ("light", "dark") for quality in ("low", "high", "medium")]
    variants.append(_variant("light", "medium", "en"))
    for seed in range(5):
        shuffled = sorted(variants, key=lambda _: random.Random(seed).random())
        assert [v["id"] for v in chosen_variants(shuffled, _use())] == [
            "rolling-descent/he-light-medium", "rolling-descent/he-dark-medium"
        ]
    assert [v["id"] for v in chosen_variants(variants, _use("dark", "high"))] == ["rolling-descent/he-dark-high"]
    no_medium = [v for v in variants if v["quality"] != "medium"]
    assert [v["id"] for v in chosen_variants(no_medium, _use("light"))] == ["rolling-descent/he-light-low"]
    only_dark = [v for v in variants if v["theme"] == "dark"]
    assert [v["id"] for v in chosen_variants(only_dark, _use())] == ["rolling-descent/he-dark-medium"]
    assert chosen_variants(variants, _use("light", "4k")) == []


def test_a_hugo_site_has_a_configuration_file(tmp_path: Path) -> None:
    assert hugo_site_problem(tmp_path / "missing") is not None
    assert "is not a Hugo site" in (hugo_site_problem(tmp_path) or "")
    (tmp_path / "config" / "_default").mkdir(parents=True)
    assert hugo_site_problem(tmp_path) is None
