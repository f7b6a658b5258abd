"""Exporting clips into a Hugo site: static files, ``data/gdanim.json`` and the shortcode."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from gdanim.store.manifest import ClipEntry
from gdanim.publish.hugo import DATA_NAME, SHORTCODE_DIR, build_site_data, export_to_hugo
from scenes.captions import scene_alt_text
from tests.html_tags import parse_tags
from tests.tiny_clips import TINY_CLIPS, render_tiny_clips, tiny_option

REPO_ROOT: Path = Path(__file__).resolve().parents[2]
SITE_FIXTURE: Path = REPO_ROOT / "tests" / "hugo_site"


def _media(kind: str, shade: int) -> bytes:
    """A small real file of this kind (the export decodes what it publishes), its colour set by ``shade``."""
    if kind == "vtt":
        return f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nstep {shade}\n".encode()
    stream = io.BytesIO()
    if kind == "mp4":
        with av.open(stream, "w", format="mp4") as container:
            video = container.add_stream("libx264", rate=5)
            video.width, video.height, video.pix_fmt = 16, 16, "yuv420p"
            for _ in range(2):
                frame = av.VideoFrame.from_ndarray(np.full((16, 16, 3), shade, np.uint8), format="rgb24")
                container.mux(video.encode(frame))
            container.mux(video.encode())
    else:
        Image.new("RGB", (4, 4), (shade, 0, 0)).save(stream, format=kind.upper())
    return stream.getvalue()


def _write_clip(out_dir: Path, scene: str, language: str, kinds: tuple[str, ...], shade: int = 40) -> dict:
    """A manifest entry whose files exist and decode (their pictures do not matter to the export)."""
    stem = f"{language}-light-480p15"
    files = {}
    for kind in kinds:
        path = out_dir / scene / f"{stem}.{kind}"
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = _media(kind, shade)
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
def site(tmp_path: Path) -> Path:
    """An empty Hugo site: a folder with ``hugo.toml``."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "hugo.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    return folder


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


def test_export_copies_files_writes_data_and_installs_the_shortcode(out_dir: Path, site: Path) -> None:
    exported = export_to_hugo(out_dir, site, ["rolling-descent/he-light-480p15"])
    static = site / "static" / "gdanim" / "rolling-descent"
    assert exported == [
        static / "he-light-480p15.mp4",
        static / "he-light-480p15.gif",
        static / "he-light-480p15.png",
        site / "layouts" / "shortcodes" / "gd-clip.html",
        site / "data" / DATA_NAME,
    ]
    source = out_dir / "rolling-descent" / "he-light-480p15.gif"
    assert (static / "he-light-480p15.gif").read_bytes() == source.read_bytes()
    assert not (site / "static" / "gdanim" / "slope-tangent").exists()
    data = json.loads((site / "data" / DATA_NAME).read_text(encoding="utf-8"))
    (variant,) = data["clips"]["rolling-descent"]
    assert variant["alt"] == scene_alt_text("rolling-descent", "he")
    assert variant["files"]["mp4"] == {
        "url": "gdanim/rolling-descent/he-light-480p15.mp4",
        "width": 640,
        "height": 360,
        "bytes": len(_media("mp4", 40)),
        "sha256": hashlib.sha256(_media("mp4", 40)).hexdigest(),
    }
    assert (site / "layouts/shortcodes/gd-clip.html").read_bytes() == (SHORTCODE_DIR / "gd-clip.html").read_bytes()


def test_export_keeps_earlier_scenes_and_replaces_a_re_exported_clip(out_dir: Path, site: Path) -> None:
    export_to_hugo(out_dir, site, ["slope-tangent/en-light-480p15"])
    _write_manifest(out_dir, [_write_clip(out_dir, "rolling-descent", "he", ("gif",), shade=200)])
    export_to_hugo(out_dir, site)
    data = json.loads((site / "data" / DATA_NAME).read_text(encoding="utf-8"))
    assert sorted(data["clips"]) == ["rolling-descent", "slope-tangent"]
    assert (site / "static/gdanim/rolling-descent/he-light-480p15.gif").read_bytes() == _media("gif", 200)


def test_re_export_of_unchanged_clip_does_not_rewrite_files(out_dir: Path, site: Path) -> None:
    export_to_hugo(out_dir, site)
    written = {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()}
    export_to_hugo(out_dir, site)
    assert {path: path.stat().st_mtime_ns for path in written} == written


def test_unknown_clip_id_is_refused_before_writing(out_dir: Path, site: Path) -> None:
    with pytest.raises(ValueError, match="rolling-descent/en-dark-480p15"):
        export_to_hugo(out_dir, site, ["rolling-descent/en-dark-480p15"])
    assert [path.name for path in site.iterdir()] == ["hugo.toml"]


def test_a_manifest_path_escaping_the_static_folder_is_refused(out_dir: Path, site: Path, tmp_path: Path) -> None:
    clip = _write_clip(out_dir, "rolling-descent", "he", ("gif",))
    clip["files"]["gif"]["path"] = "../../../escaped.gif"
    _write_manifest(out_dir, [clip])
    with pytest.raises(ValueError, match="not a file inside"):
        export_to_hugo(out_dir, site)
    assert not (tmp_path / "escaped.gif").exists()
    assert not any(tmp_path.rglob("escaped.gif"))


def test_site_data_groups_variants_by_scene() -> None:
    out = [
        ClipEntry.from_json({**_clip_stub("rolling-descent", "he"), "id": "rolling-descent/he"}),
        ClipEntry.from_json({**_clip_stub("rolling-descent", "en"), "id": "rolling-descent/en"}),
    ]
    data = build_site_data(out)
    # Sorted by id, so the data never depends on the order of exports.
    assert [variant["language"] for variant in data["clips"]["rolling-descent"]] == ["en", "he"]
    assert build_site_data(out[::-1]) == data == build_site_data(out[:1], build_site_data(out[1:]))
    assert data["version"] == 1


def _clip_stub(scene: str, language: str) -> dict:
    return {
        "scene": scene,
        "language": language,
        "theme": "light",
        "quality": "low",
        "width": 2,
        "height": 2,
        "fps": 5,
        "parameters": {},
        "files": {"gif": {"path": f"{scene}/x.gif", "width": 2, "height": 2, "bytes": 1, "sha256": "0"}},
        "duration": 1.0,
        "hash": "0",
    }



# The real thing: tiny gdanim renders, exported by the CLI, built by the real `hugo`.

HUGO = shutil.which("hugo")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, list[str]]:
    """The site built by hugo after ``render.py --hugo-site`` exported the tiny clips.

    Returns the public folder, the render output folder, the clips' manifest
    entries by language, and the lines the exports printed.
    """
    if HUGO is None:
        pytest.skip("hugo is not installed (Debian package hugo; scripts/setup.sh installs it)")
    out_dir = tmp_path_factory.getbasetemp() / "tiny-clips"
    results = render_tiny_clips(out_dir)
    site = tmp_path_factory.mktemp("hugo") / "site"
    shutil.copytree(SITE_FIXTURE, site)
    exported: list[str] = []
    for clip in TINY_CLIPS:
        command = [sys.executable, str(REPO_ROOT / "render.py"), str(clip["scene"]), "--quality", "low"]
        command += ["--lang", str(clip["language"]), "--theme", str(clip["theme"]), "--steps", str(clip["steps"])]
        command += ["--format", "both", "--out", str(out_dir), "--hugo-site", str(site), "--quiet", *tiny_option()]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert completed.returncode == 0, completed.stderr
        exported += completed.stdout.splitlines()
    public = site.parent / "public"
    built = subprocess.run(
        [HUGO, "--quiet", "--source", str(site), "--destination", str(public)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert built.returncode == 0, built.stderr
    entries = {result.entry.language: result.entry.to_json() for result in results}
    return public, out_dir, entries, exported


def _public_file(public: Path, url: str) -> Path:
    """The built file behind a URL of the fixture site (baseURL https://example.org/book/)."""
    assert url.startswith("/book/gdanim/"), url
    return public / url.removeprefix("/book/")


def test_cli_export_prints_the_site_files(built_site: tuple) -> None:
    _, _, entries, exported = built_site
    for kind in ("mp4", "gif", "png"):
        assert any(line.endswith(f"static/gdanim/{entries['he']['files'][kind]['path']}") for line in exported)
    assert any(line.endswith("data/gdanim.json") for line in exported)


def test_shortcode_emits_a_looping_muted_video_with_poster_and_gif_fallback(built_site: tuple) -> None:
    public, out_dir, entries, _ = built_site
    tags = parse_tags((public / "ch10" / "index.html").read_text(encoding="utf-8"))
    (video,) = [attrs for tag, attrs in tags if tag == "video"]
    # It starts moving from script, only for readers who have not asked for reduced motion.
    assert {"loop", "muted", "playsinline", "controls"} <= set(video) and "autoplay" not in video
    mp4, png, vtt = (entries["he"]["files"][kind] for kind in ("mp4", "png", "vtt"))
    assert (video["width"], video["height"]) == (str(mp4["width"]), str(mp4["height"]))
    assert _public_file(public, video["poster"]).read_bytes() == (out_dir / png["path"]).read_bytes()
    index = tags.index(("video", video))
    source, track, fallback = (tags[index + offset][1] for offset in (1, 2, 3))
    assert tags[index + 1][0] == "source" and source["type"] == "video/mp4"
    assert _public_file(public, source["src"]).read_bytes() == (out_dir / mp4["path"]).read_bytes()
    assert tags[index + 2][0] == "track"
    assert (track["kind"], track["srclang"], track["label"]) == ("captions", "he", "עברית") and "default" in track
    assert _public_file(public, track["src"]).read_bytes() == (out_dir / vtt["path"]).read_bytes()
    assert tags[index + 3][0] == "img" and _public_file(public, fallback["src"]).suffix == ".gif"
    assert _public_file(public, fallback["src"]).exists()
    alt = scene_alt_text("rolling-descent", "he")
    assert fallback["alt"] == video["aria-label"] == alt
    assert any("\u0590" <= char <= "\u05ff" for char in alt)
    assert (video["lang"], video["dir"]) == ("he", "rtl")
    buttons = [attrs for tag, attrs in tags if tag == "button"]
    assert [(button["data-pause"], button["data-play"]) for button in buttons] == [
        ("השהיה", "הפעלה"), ("Pause", "Play")
    ]


def test_shortcode_gif_mode_is_a_sized_image_with_english_alt(built_site: tuple) -> None:
    public, _, entries, _ = built_site
    tags = parse_tags((public / "ch10" / "index.html").read_text(encoding="utf-8"))
    gif_images = [attrs for tag, attrs in tags if tag == "img" and attrs.get("class") == "gd-clip"]
    (image,) = gif_images
    gif = entries["en"]["files"]["gif"]
    assert image["src"] == "/book/gdanim/" + gif["path"]
    assert (image["width"], image["height"]) == (str(gif["width"]), str(gif["height"]))
    assert image["alt"] == scene_alt_text("rolling-descent", "en")
    assert (image["lang"], image["dir"]) == ("en", "ltr")
    assert _public_file(public, image["src"]).read_bytes()[:6] == b"GIF89a"
    index = tags.index(("img", image))
    assert tags[index - 2][0] == "picture" and tags[index - 1][0] == "source"
    still = tags[index - 1][1]
    assert still["media"] == "(prefers-reduced-motion: reduce)"
    assert _public_file(public, still["srcset"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_asking_for_a_clip_not_exported_fails_the_build_with_a_clear_message(
    built_site: tuple, tmp_path: Path
) -> None:
    public, _, _, _ = built_site
    site = tmp_path / "site"
    shutil.copytree(public.parent / "site", site)
    page = '---\ntitle: "9"\n---\n{{< gd-clip "slope-tangent" >}}\n'
    (site / "content" / "ch09.md").write_text(page, encoding="utf-8")
    built = subprocess.run(
        [HUGO, "--source", str(site), "--destination", str(tmp_path / "public")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert built.returncode != 0
    (error,) = [line for line in built.stdout.splitlines() if line.startswith("ERROR")]
    assert 'gd-clip: no exported clip "slope-tangent" with lang="he" theme="light"' in error
    assert "python render.py slope-tangent --lang he --theme light --hugo-site DIR" in error
    assert "content/ch09.md:4:1" in error

