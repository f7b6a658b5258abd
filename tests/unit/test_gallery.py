"""The gallery page: every manifest clip, its parameters, GIF and MP4, relative links only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gdanim.publish.gallery import GALLERY_NAME, render_gallery, write_gallery
from gdanim.store.manifest import Manifest, ManifestError, load_manifest
from scenes.captions import scene_alt_text
from tests.html_tags import parse_tags


def _clip(scene: str, language: str, theme: str, kinds: tuple[str, ...], learning_rate: float = 0.1) -> dict:
    stem = f"{language}-{theme}-480p15"
    return {
        "id": f"{scene}/{stem}",
        "scene": scene,
        "language": language,
        "theme": theme,
        "quality": "low",
        "width": 854,
        "height": 480,
        "fps": 15,
        "parameters": {"start": -1.0, "learning_rate": learning_rate, "steps": 10},
        "files": {
            kind: {"path": f"{scene}/{stem}.{kind}", "bytes": 2048, "sha256": "0" * 64, "width": 640, "height": 360}
            for kind in kinds
        },
        "duration": 4.0,
        "hash": "1" * 64,
    }


MANIFEST = {
    "version": 1,
    "clips": [
        _clip("rolling-descent", "he", "light", ("mp4", "gif")),
        _clip("slope-tangent", "en", "dark", ("mp4", "gif", "png"), learning_rate=0.25),
        _clip("overshooting-learning-rate", "he", "dark", ("png",)),
    ],
}


def _typed(manifest: dict) -> Manifest:
    return Manifest.from_json(manifest, Path("manifest.json"))


def test_every_clip_has_a_section_with_its_parameters() -> None:
    page = render_gallery(_typed(MANIFEST))
    sections = [attrs["id"] for tag, attrs in parse_tags(page) if tag == "section"]
    assert sections == [clip["id"] for clip in MANIFEST["clips"]]
    assert "0.25" in page and "learning rate" in page
    assert "854×480, 15 fps" in page


def test_gif_and_mp4_side_by_side_with_sizes_and_relative_links() -> None:
    tags = parse_tags(render_gallery(_typed(MANIFEST)))
    images = [attrs for tag, attrs in tags if tag == "img"]
    sources = [attrs["src"] for tag, attrs in tags if tag == "source"]
    videos = [attrs for tag, attrs in tags if tag == "video"]
    assert [image["src"] for image in images] == [
        "rolling-descent/he-light-480p15.gif",
        "slope-tangent/en-dark-480p15.gif",
        "overshooting-learning-rate/he-dark-480p15.png",
    ]
    assert sources == ["rolling-descent/he-light-480p15.mp4", "slope-tangent/en-dark-480p15.mp4"]
    assert all({"autoplay", "loop", "muted", "playsinline"} <= set(video) for video in videos)
    assert videos[1]["poster"] == "slope-tangent/en-dark-480p15.png"
    assert all(element["width"] == "640" and element["height"] == "360" for element in images + videos)
    links = [attrs.get("src") or attrs.get("href") for tag, attrs in tags if tag in ("img", "source", "a", "video")]
    assert not any(re.match(r"^(/|[a-z]+:)", link or "") for link in links)


def test_alt_text_comes_from_the_caption_catalogue_with_its_direction() -> None:
    tags = parse_tags(render_gallery(_typed(MANIFEST)))
    image = next(attrs for tag, attrs in tags if tag == "img")
    assert image["alt"] == scene_alt_text("rolling-descent", "he")
    alt_paragraphs = [attrs for tag, attrs in tags if tag == "p" and attrs.get("class") == "alt"]
    assert [(p["lang"], p["dir"]) for p in alt_paragraphs] == [("he", "rtl"), ("en", "ltr"), ("he", "rtl")]
    html_tag = next(attrs for tag, attrs in tags if tag == "html")
    assert (html_tag["lang"], html_tag["dir"]) == ("en", "ltr")


def test_paths_and_values_are_escaped() -> None:
    clip = _clip("rolling-descent", "he", "light", ("gif",))
    clip["files"]["gif"]["path"] = 'odd dir/"quote" <x>.gif'
    clip["parameters"]["note"] = "<script>alert(1)</script>"
    page = render_gallery(_typed({"version": 1, "clips": [clip]}))
    assert "<script>alert" not in page and page.count("<script>") == 1  # only the page's own captions script
    image = next(attrs for tag, attrs in parse_tags(page) if tag == "img")
    assert image["src"] == "odd%20dir/%22quote%22%20%3Cx%3E.gif"


def test_write_gallery_reads_the_manifest_and_replaces_the_page(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    (tmp_path / GALLERY_NAME).write_text("old", encoding="utf-8")
    path = write_gallery(tmp_path, load_manifest(tmp_path))
    assert path == tmp_path / GALLERY_NAME
    assert path.read_text(encoding="utf-8") == render_gallery(_typed(MANIFEST))
    assert sorted(p.name for p in tmp_path.iterdir()) == [GALLERY_NAME, "manifest.json"]


def test_no_manifest_gives_an_empty_gallery(tmp_path: Path) -> None:
    page = write_gallery(tmp_path, load_manifest(tmp_path)).read_text(encoding="utf-8")
    assert "No clips rendered yet" in page


@pytest.mark.parametrize("manifest_text", ["not json", json.dumps({"version": 99, "clips": []}), "[]"])
def test_a_foreign_manifest_is_one_clear_error(tmp_path: Path, manifest_text: str) -> None:
    (tmp_path / "manifest.json").write_text(manifest_text, encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.json is not a gdanim manifest: .*; move it away"):
        load_manifest(tmp_path)


def test_each_video_carries_its_cues_in_the_page_and_no_track_file() -> None:
    """Chromium refuses a ``<track>`` file from ``file://``: the cues ride in ``data-cues``, added by the page's script."""
    manifest = {"version": 1, "clips": [_clip("rolling-descent", "he", "light", ("mp4", "vtt")),
                                        _clip("slope-tangent", "en", "dark", ("mp4", "vtt"))]}
    cues = {"rolling-descent/he-light-480p15": [(0.0, 1.5, "\u200fשלום \"<b>\"")],
            "slope-tangent/en-dark-480p15": [(0.5, 2.0, "one"), (2.0, 3.25, "two")]}
    page = render_gallery(_typed(manifest), cues)
    tags = parse_tags(page)
    assert [tag for tag, _ in tags if tag == "track"] == []
    videos = [attrs for tag, attrs in tags if tag == "video"]
    assert [(json.loads(v["data-cues"]), v["data-cues-lang"], v["data-cues-label"]) for v in videos] == [
        ([[0.0, 1.5, "\u200fשלום \"<b>\""]], "he", "עברית"),
        ([[0.5, 2.0, "one"], [2.0, 3.25, "two"]], "en", "English"),
    ]
    assert "addTextTrack" in page and 'track.mode = "hidden"' in page


def test_write_gallery_reads_each_clips_vtt_and_skips_a_broken_one(tmp_path: Path) -> None:
    manifest = {"version": 1, "clips": [_clip("rolling-descent", "he", "light", ("mp4", "vtt")),
                                        _clip("slope-tangent", "en", "dark", ("mp4", "vtt"))]}
    (tmp_path / "rolling-descent").mkdir()
    (tmp_path / "rolling-descent" / "he-light-480p15.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n\u200fצעד\n", encoding="utf-8")
    (tmp_path / "slope-tangent").mkdir()
    (tmp_path / "slope-tangent" / "en-dark-480p15.vtt").write_text("not webvtt", encoding="utf-8")
    page = write_gallery(tmp_path, _typed(manifest)).read_text(encoding="utf-8")
    videos = [attrs for tag, attrs in parse_tags(page) if tag == "video"]
    assert json.loads(videos[0]["data-cues"]) == [[1.0, 2.5, "\u200fצעד"]]
    assert "data-cues" not in videos[1]
