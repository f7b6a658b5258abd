"""A static ``index.html`` beside ``manifest.json`` that shows every rendered clip.

The page is plain HTML and CSS with relative links only, so it works when opened
from disk (``file://``) and when the output folder is served or copied anywhere.
Each MP4's subtitle cues are in the page (``data-cues``) and added by a few
lines of script with the TextTrack API: Chromium refuses a ``<track>`` file
from ``file://``. They are off by default (the clip draws its own captions);
C, or the player's captions button, shows them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from gdanim.clip.subtitles import Cue, read_cues
from gdanim.options import LANGUAGE_NAMES, TEXT_DIRECTIONS
from gdanim.store.files import atomic_path
from gdanim.store.manifest import MANIFEST_NAME, ClipEntry, Manifest
from scenes.captions import scene_alt_text

__all__ = ["GALLERY_NAME", "clip_cues", "render_gallery", "write_gallery"]

GALLERY_NAME: str = "index.html"
"""File name of the gallery inside the output folder."""

_STYLE: str = """
body { margin: 2rem; background: #fff; color: #1a1a1a;
       font: 15px/1.45 "DejaVu Sans", system-ui, sans-serif; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.summary { color: #555; margin: 0 0 1.5rem; }
.clip { border: 1px solid #ddd; border-radius: 6px; padding: 1rem; margin: 0 0 1.5rem; }
.clip h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.parameters { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; margin: 0 0 .75rem; }
.parameters div { display: flex; gap: .4rem; }
.parameters dt { color: #666; }
.parameters dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; }
.media { display: flex; flex-wrap: wrap; gap: 1rem; direction: ltr; }
.media figure { margin: 0; flex: 1 1 320px; max-width: 640px; }
.media img, .media video { display: block; width: 100%; height: auto; background: #f4f4f4; }
.media figcaption { color: #555; font-size: .85rem; margin-top: .25rem; }
.alt { margin: .5rem 0 0; color: #333; }
kbd { border: 1px solid #bbb; border-bottom-width: 2px; border-radius: 3px; padding: 0 .3em; }
"""

_CAPTIONS_SCRIPT: str = """
(function () {
  "use strict";
  // Cues from data-cues, added with the TextTrack API (no file request, which Chromium refuses from file://).
  var videos = Array.prototype.slice.call(document.querySelectorAll("video[data-cues]"));
  videos.forEach(function (video) {
    var track = video.addTextTrack("captions", video.getAttribute("data-cues-label"), video.getAttribute("data-cues-lang"));
    JSON.parse(video.getAttribute("data-cues")).forEach(function (cue) { track.addCue(new VTTCue(cue[0], cue[1], cue[2])); });
    track.mode = "hidden";
  });
  document.addEventListener("keydown", function (event) {
    if (event.repeat || event.altKey || event.ctrlKey || event.metaKey || (event.key !== "c" && event.key !== "C")) { return; }
    var on = !videos.some(function (video) { return video.textTracks[0].mode === "showing"; });
    videos.forEach(function (video) { video.textTracks[0].mode = on ? "showing" : "hidden"; });
  });
})();
"""
"""Adds each video's captions track, hidden, and toggles them all on C."""


def _href(relative_path: str) -> str:
    """A relative URL for a manifest path, safe in an attribute and from ``file://``."""
    return html.escape(quote(Path(relative_path).as_posix()), quote=True)


def _alt_text(clip: ClipEntry) -> str:
    """The clip's caption-catalogue description, or a plain fallback naming the scene."""
    try:
        return scene_alt_text(clip.scene, clip.language)
    except ValueError:
        return clip.scene


def _format_bytes(size: int) -> str:
    """``1536`` → ``"1.5 KB"``; the gallery shows file sizes to judge web weight."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _parameter_rows(clip: ClipEntry) -> list[tuple[str, str]]:
    """The (label, value) pairs shown above a clip's media."""
    rows = [
        ("language", clip.language),
        ("theme", clip.theme),
        ("quality", f"{clip.quality} ({clip.width}×{clip.height}, {clip.fps} fps)"),
    ]
    rows += [(name.replace("_", " "), str(value)) for name, value in clip.parameters.items()]
    rows.append(("duration", f"{clip.duration:.2f} s"))
    return rows


def _cues_attributes(clip: ClipEntry, cues: list[Cue] | None) -> str:
    """The ``data-cues`` attributes of a clip's ``<video>``: its cues as JSON, their language and label."""
    if not cues:
        return ""
    data = html.escape(json.dumps([list(cue) for cue in cues], ensure_ascii=False), quote=True)
    language = html.escape(clip.language, quote=True)
    label = html.escape(LANGUAGE_NAMES.get(clip.language, clip.language), quote=True)
    return f' data-cues="{data}" data-cues-lang="{language}" data-cues-label="{label}"'


def _media_html(clip: ClipEntry, alt: str, cues: list[Cue] | None = None) -> str:
    """GIF and MP4 (with its captions' cues) side by side, each with its size; a PNG poster when there is no movie."""
    files = clip.files
    poster = files.get("png")
    figures = []
    if "gif" in files:
        gif = files["gif"]
        figures.append(
            f'<figure><img src="{_href(gif.path)}" width="{gif.width}" height="{gif.height}" '
            f'alt="{html.escape(alt)}" loading="lazy">'
            f"<figcaption>GIF · {gif.width}×{gif.height} · {_format_bytes(gif.bytes)}</figcaption></figure>"
        )
    if "mp4" in files:
        mp4 = files["mp4"]
        poster_attribute = f' poster="{_href(poster.path)}"' if poster else ""
        figures.append(
            f'<figure><video autoplay loop muted playsinline controls width="{mp4.width}" '
            f'height="{mp4.height}"{poster_attribute} aria-label="{html.escape(alt)}"{_cues_attributes(clip, cues)}>'
            f'<source src="{_href(mp4.path)}" type="video/mp4"></video>'
            f"<figcaption>MP4 · {mp4.width}×{mp4.height} · {_format_bytes(mp4.bytes)}</figcaption></figure>"
        )
    if poster and not figures:
        figures.append(
            f'<figure><img src="{_href(poster.path)}" width="{poster.width}" height="{poster.height}" '
            f'alt="{html.escape(alt)}">'
            f"<figcaption>PNG poster · {poster.width}×{poster.height} · "
            f"{_format_bytes(poster.bytes)}</figcaption></figure>"
        )
    return f'<div class="media">{"".join(figures)}</div>'


def _clip_html(clip: ClipEntry, cues: list[Cue] | None = None) -> str:
    """One ``<section>`` for one manifest clip."""
    language = clip.language
    direction = TEXT_DIRECTIONS.get(language, "ltr")
    alt = _alt_text(clip)
    rows = "".join(
        f"<div><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd></div>"
        for label, value in _parameter_rows(clip)
    )
    return (
        f'<section class="clip" id="{html.escape(clip.id, quote=True)}">'
        f'<h2>{html.escape(clip.scene)}</h2>'
        f'<dl class="parameters">{rows}</dl>'
        f"{_media_html(clip, alt, cues)}"
        f'<p class="alt" lang="{html.escape(language)}" dir="{direction}">{html.escape(alt)}</p>'
        "</section>"
    )


def render_gallery(manifest: Manifest, cues: Mapping[str, list[Cue]] | None = None) -> str:
    """The gallery page for a manifest, as a string.

    Parameters
    ----------
    manifest
        An output folder's manifest.
    cues
        Each clip's subtitle cues by clip id (:func:`clip_cues`), shipped in the page.

    Returns
    -------
    str
        A complete HTML document listing every clip, in manifest order.

    Examples
    --------
    >>> page = render_gallery(Manifest())
    >>> "No clips rendered yet" in page
    True
    """
    clips = manifest.clips
    cues = cues or {}
    body = "".join(_clip_html(clip, cues.get(clip.id)) for clip in clips) or "<p>No clips rendered yet.</p>"
    count = f"{len(clips)} clip{'s' if len(clips) != 1 else ''}"
    summary = f'{count} · manifest: <a href="{MANIFEST_NAME}">{MANIFEST_NAME}</a> · <kbd>C</kbd> captions'
    return (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>gdanim gallery</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<h1>gdanim gallery</h1>\n<p class="summary">{summary}</p>\n'
        f"{body}\n<script>{_CAPTIONS_SCRIPT}</script>\n</body>\n</html>\n"
    )


def clip_cues(out_dir: Path, manifest: Manifest) -> dict[str, list[Cue]]:
    """Each clip's subtitle cues, read from its ``.vtt`` under ``out_dir``; a clip whose file is missing or broken has none."""
    cues = {}
    for clip in manifest.clips:
        if "vtt" not in clip.files:
            continue
        try:
            cues[clip.id] = read_cues(Path(out_dir) / clip.files["vtt"].path)
        except (OSError, ValueError):
            continue
    return cues


def write_gallery(out_dir: Path, manifest: Manifest) -> Path:
    """Write ``OUT/index.html`` for the clips of ``manifest``, atomically.

    Run after each manifest write (``then`` of :func:`gdanim.store.manifest.update_manifest`).

    Returns
    -------
    Path
        The gallery's path.
    """
    target = Path(out_dir) / GALLERY_NAME
    with atomic_path(target) as temporary:
        temporary.write_text(render_gallery(manifest, clip_cues(out_dir, manifest)), encoding="utf-8")
    return target
