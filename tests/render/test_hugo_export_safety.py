"""What ``--hugo-site`` publishes (issue 26): only files inside ``--out`` that match their record and decode,
all or nothing, every concurrent export landing, and only into an existing Hugo site.

Row 6 of the matrix in :mod:`tests.render.test_robustness`. Every clip is a real tiny render, the
session's shared :data:`tests.tiny_clips.TINY_CLIPS` (the Hugo and browser tests use the same ones);
every export is a real ``python render.py`` run, or the API.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdanim.publish.hugo import DATA_NAME, export_to_hugo
from gdanim.clip.request import ClipRequest
from tests.render_runs import REPO_ROOT, debris, probe_video, run_render, sha256, snapshot
from tests.tiny_clips import TINY_CLIPS, TINY_RESOLUTION, render_tiny_clips, tiny_option

SCENE: tuple[str, ...] = ("rolling-descent", "-q", "l", "--steps", "2")
"""The clip every test exports: two steps of the rolling descent."""

VARIANTS: list[tuple[str, str]] = [(str(clip["language"]), str(clip["theme"])) for clip in TINY_CLIPS]
"""The four variants of the tiny clip: Hebrew and English, light and dark."""


def _stem(language: str, theme: str) -> str:
    """The clip id (``scene/stem``) of one variant."""
    return ClipRequest.create("rolling-descent", "low", language, theme, steps=2, test_size=TINY_RESOLUTION).clip_id


def _new_site(folder: Path) -> Path:
    """An empty Hugo site: a folder with ``hugo.toml``."""
    folder.mkdir(parents=True)
    (folder / "hugo.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    return folder


def _export_command(out_dir: Path, site: Path, *arguments: str) -> list[str]:
    return [sys.executable, "render.py", *SCENE, *arguments, "--out", str(out_dir), "--hugo-site", str(site),
            "--quiet", *tiny_option()]


def _export(out_dir: Path, site: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_render(*SCENE, *arguments, "--out", str(out_dir), "--hugo-site", str(site), "--quiet", *tiny_option(),
                      tiny=False)


def _site_data(site: Path) -> dict:
    return json.loads((site / "data" / DATA_NAME).read_text(encoding="utf-8"))


def _edit_record(out_dir: Path, clip_id: str, kind: str, **fields: object) -> None:
    """Change one file record of ``OUT/manifest.json`` as an attacker (or a broken tool) would."""
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    (clip,) = [clip for clip in manifest["clips"] if clip["id"] == clip_id]
    clip["files"][kind] |= fields
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def _site_checksums_equal_the_files(site: Path) -> None:
    for variants in _site_data(site)["clips"].values():
        for variant in variants:
            for record in variant["files"].values():
                published = site / "static" / record["url"]
                assert (published.stat().st_size, sha256(published)) == (record["bytes"], record["sha256"]), published


@pytest.fixture(scope="module")
def book_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four variants of the tiny clip, MP4 + GIF + poster, rendered once a session (tests copy the folder)."""
    out_dir = tmp_path_factory.getbasetemp() / "tiny-clips"
    render_tiny_clips(out_dir)
    assert set(VARIANTS) == {("he", "light"), ("en", "light"), ("he", "dark"), ("en", "dark")}
    return out_dir


@pytest.fixture
def out_copy(book_out: Path, tmp_path: Path) -> Path:
    out_dir = tmp_path / "out"
    shutil.copytree(book_out, out_dir)
    return out_dir


def test_a_file_named_by_absolute_path_never_reaches_the_site(out_copy: Path, tmp_path: Path) -> None:
    canary = tmp_path / "canary-outside-out.txt"
    canary.write_bytes(b"CANARY " + os.urandom(16).hex().encode())
    _edit_record(out_copy, _stem("he", "light"), "gif", path=str(canary), bytes=canary.stat().st_size,
                 sha256=sha256(canary))
    site = _new_site(tmp_path / "site")

    done = _export(out_copy, site, "-f", "mp4")

    assert done.returncode == 0, done.stderr
    assert "rendering again before the export" in done.stderr and str(canary) in done.stderr
    assert not [path for path in site.rglob("*") if "canary" in path.name]
    assert not [path for path in site.rglob("*") if path.is_file() and canary.read_bytes() in path.read_bytes()]
    (variant,) = _site_data(site)["clips"]["rolling-descent"]
    assert variant["files"]["gif"]["url"] == f"gdanim/{_stem('he', 'light')}.gif"
    assert (site / "static" / variant["files"]["gif"]["url"]).read_bytes()[:6] == b"GIF89a"
    _site_checksums_equal_the_files(site)


def test_a_refused_file_leaves_the_site_exactly_as_it_was(out_copy: Path, tmp_path: Path) -> None:
    site = _new_site(tmp_path / "site")
    export_to_hugo(out_copy, site, [_stem("he", "light")])
    before = snapshot(site)
    outside = tmp_path / "outside.gif"
    shutil.copyfile(out_copy / f"{_stem('he', 'dark')}.gif", outside)
    _edit_record(out_copy, _stem("he", "dark"), "gif", path="../outside.gif")

    with pytest.raises(ValueError, match="not a file inside"):
        export_to_hugo(out_copy, site)  # en-dark and en-light come first: the old code had copied them

    assert snapshot(site) == before
    assert debris(site) == []


def test_a_garbage_mp4_is_never_published(out_copy: Path, tmp_path: Path) -> None:
    mp4 = out_copy / f"{_stem('he', 'light')}.mp4"
    garbage = os.urandom(mp4.stat().st_size)
    mp4.write_bytes(garbage)  # the manifest still records the good clip
    site = _new_site(tmp_path / "site")

    done = _export(out_copy, site, "-f", "gif")

    assert done.returncode == 0, done.stderr
    published = site / "static" / "gdanim" / f"{_stem('he', 'light')}.mp4"
    assert published.read_bytes() != garbage
    assert probe_video(published)["frames"] > 0
    _site_checksums_equal_the_files(site)


def test_a_garbage_mp4_whose_record_was_rewritten_to_match_still_is_not_published(
    out_copy: Path, tmp_path: Path
) -> None:
    mp4 = out_copy / f"{_stem('en', 'dark')}.mp4"
    garbage = os.urandom(20_000)
    mp4.write_bytes(garbage)
    _edit_record(out_copy, _stem("en", "dark"), "mp4", bytes=len(garbage), sha256=hashlib.sha256(garbage).hexdigest())
    site = _new_site(tmp_path / "site")
    with pytest.raises(ValueError, match="cannot be decoded"):
        export_to_hugo(out_copy, site, [_stem("en", "dark")])
    assert not (site / "static" / "gdanim" / f"{_stem('en', 'dark')}.mp4").exists()

    done = _export(out_copy, site, "-f", "mp4", "--lang", "en", "--theme", "dark")

    assert done.returncode == 0, done.stderr
    published = site / "static" / "gdanim" / f"{_stem('en', 'dark')}.mp4"
    assert probe_video(published)["frames"] > 0
    _site_checksums_equal_the_files(site)


@pytest.mark.parametrize("round_number", range(3))
def test_four_exports_at_once_into_one_site_all_land(out_copy: Path, tmp_path: Path, round_number: int) -> None:
    site = _new_site(tmp_path / "site")
    runs = [
        subprocess.Popen(
            _export_command(out_copy, site, "-f", "both", "--lang", language, "--theme", theme),
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for language, theme in VARIANTS
    ]
    results = [(run.wait(timeout=240), *run.communicate()) for run in runs]

    assert [status for status, _, _ in results] == [0, 0, 0, 0], [stderr for _, _, stderr in results]
    listed = [variant["id"] for variant in _site_data(site)["clips"]["rolling-descent"]]
    assert sorted(listed) == sorted(_stem(language, theme) for language, theme in VARIANTS)
    _site_checksums_equal_the_files(site)
    assert debris(site) == []


@pytest.mark.parametrize("make_site", [lambda folder: folder / "missing", lambda folder: folder])
def test_the_site_must_be_an_existing_hugo_site(out_copy: Path, tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "not-a-site")
    (tmp_path / "not-a-site").mkdir()
    before = snapshot(tmp_path / "not-a-site")

    done = _export(out_copy, site, "-f", "gif")

    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert (line.startswith("Error: --hugo-site") and "Hugo site" in line) or "does not exist" in line
    assert done.stdout == ""
    assert snapshot(tmp_path / "not-a-site") == before and not (tmp_path / "not-a-site" / "missing").exists()
