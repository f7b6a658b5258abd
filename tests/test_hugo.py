"""Exporting clips into a Hugo site: static files, ``data/gdanim.json`` and the shortcode."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from gdanim.hugo import DATA_NAME, SHORTCODE_DIR, build_site_data, export_to_hugo
from scenes.captions import scene_alt_text

SITE_FIXTURE: Path = Path(__file__).resolve().parent / "hugo_site"


def _write_clip(out_dir: Path, scene: str, language: str, kinds: tuple[str, ...], content: bytes = b"x") -> dict:
    """A manifest entry whose files exist (their bytes do not matter to the export)."""
    stem = f"{language}-light-480p15"
    files = {}
    for kind in kinds:
        path = out_dir / scene / f"{stem}.{kind}"
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = content + kind.encode()
        path.write_bytes(payload)
        files[kind] = {
            "path": f"{scene}/{stem}.{kind}",
            "bytes": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "width": 640,
            "height": 360,
        }
    return {
        "id": f"{scene}/{stem}",
        "scene": scene,
        "language": language,
        "theme": "light",
        "quality": "low",
        "width": 854,
        "height": 480,
        "fps": 15,
        "parameters": {"start": -1.0, "learning_rate": 0.1, "steps": 10},
        "files": files,
        "duration": 4.0,
        "hash": "1" * 64,
    }


def _write_manifest(out_dir: Path, clips: list[dict]) -> None:
    (out_dir / "manifest.json").write_text(json.dumps({"version": 1, "clips": clips}), encoding="utf-8")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    _write_manifest(
        out,
        [
            _write_clip(out, "rolling-descent", "he", ("mp4", "gif", "png")),
            _write_clip(out, "slope-tangent", "en", ("gif",)),
        ],
    )
    return out


def test_export_copies_files_writes_data_and_installs_the_shortcode(out_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    exported = export_to_hugo(out_dir, site, ["rolling-descent/he-light-480p15"])
    static = site / "static" / "gdanim" / "rolling-descent"
    assert exported == [
        static / "he-light-480p15.mp4",
        static / "he-light-480p15.gif",
        static / "he-light-480p15.png",
        site / "layouts" / "shortcodes" / "gd-clip.html",
        site / "data" / DATA_NAME,
    ]
    assert (static / "he-light-480p15.gif").read_bytes() == (out_dir / "rolling-descent/he-light-480p15.gif").read_bytes()
    assert not (site / "static" / "gdanim" / "slope-tangent").exists()
    data = json.loads((site / "data" / DATA_NAME).read_text(encoding="utf-8"))
    (variant,) = data["clips"]["rolling-descent"]
    assert variant["alt"] == scene_alt_text("rolling-descent", "he")
    assert variant["files"]["mp4"] == {
        "url": "gdanim/rolling-descent/he-light-480p15.mp4",
        "width": 640,
        "height": 360,
        "bytes": 4,
        "sha256": hashlib.sha256(b"xmp4").hexdigest(),
    }
    assert (site / "layouts/shortcodes/gd-clip.html").read_bytes() == (SHORTCODE_DIR / "gd-clip.html").read_bytes()


def test_export_keeps_earlier_scenes_and_replaces_a_re_exported_clip(out_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    export_to_hugo(out_dir, site, ["slope-tangent/en-light-480p15"])
    _write_manifest(out_dir, [_write_clip(out_dir, "rolling-descent", "he", ("gif",), content=b"new")])
    export_to_hugo(out_dir, site)
    data = json.loads((site / "data" / DATA_NAME).read_text(encoding="utf-8"))
    assert sorted(data["clips"]) == ["rolling-descent", "slope-tangent"]
    assert (site / "static/gdanim/rolling-descent/he-light-480p15.gif").read_bytes() == b"newgif"


def test_re_export_of_unchanged_clip_does_not_rewrite_files(out_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    export_to_hugo(out_dir, site)
    written = {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()}
    export_to_hugo(out_dir, site)
    assert {path: path.stat().st_mtime_ns for path in written} == written


def test_unknown_clip_id_is_refused_before_writing(out_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with pytest.raises(ValueError, match="rolling-descent/en-dark-480p15"):
        export_to_hugo(out_dir, site, ["rolling-descent/en-dark-480p15"])
    assert not site.exists()


def test_site_data_groups_variants_by_scene() -> None:
    out = [
        {**_clip_stub("rolling-descent", "he"), "id": "rolling-descent/he"},
        {**_clip_stub("rolling-descent", "en"), "id": "rolling-descent/en"},
    ]
    data = build_site_data(out)
    assert [variant["language"] for variant in data["clips"]["rolling-descent"]] == ["he", "en"]
    assert data["version"] == 1


def _clip_stub(scene: str, language: str) -> dict:
    return {
        "scene": scene,
        "language": language,
        "theme": "light",
        "quality": "low",
        "files": {"gif": {"path": f"{scene}/x.gif", "width": 2, "height": 2, "bytes": 1, "sha256": "0"}},
    }

