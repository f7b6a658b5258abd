"""Export rendered clips into a Hugo site, for the ``gd-clip`` shortcode to embed.

The export copies each chosen clip's files to ``SITE/static/gdanim/<scene>/`` and
records them in ``SITE/data/gdanim.json``, with their sizes and Hebrew or English
alt text. The shortcode (``gdanim/publish/shortcodes/gd-clip.html``) reads only that
data file, so an author writes ``{{< gd-clip "rolling-descent" >}}`` and nothing else.

What it publishes is checked (issue 26):

- ``SITE`` must be an existing Hugo site (:func:`hugo_site_problem`);
- a file is published only if its manifest record names a file inside ``--out``
  (relative, no ``..``, no symlink leading out), its bytes match the record's size and
  SHA-256 as they are copied, and a decoder reads it (PyAV for the MP4, Pillow for
  the GIF and PNG, webvtt-py for the subtitles); anything else raises
  :class:`UnpublishableFiles`, naming each file, and nothing is written;
- an export is all or nothing: every file is copied into a staging folder under
  ``SITE/static/gdanim/`` and checked there; only then, under an ``flock`` on the
  site's folder, are they moved into place and ``data/gdanim.json`` rewritten, so
  exports running at once into one site all land.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

from gdanim.errors import MESSAGES
from gdanim.store.files import atomic_path, folder_locked, file_digest, is_inside, remove_stale_temporaries, temp_prefix
from gdanim.store.manifest import MANIFEST_NAME, ClipEntry, FileRecord, load_manifest
from scenes.captions import scene_alt_text

__all__ = [
    "DATA_NAME",
    "HUGO_CONFIG_NAMES",
    "SHORTCODE_DIR",
    "STATIC_PREFIX",
    "NotAHugoSite",
    "UnpublishableFiles",
    "build_site_data",
    "export_to_hugo",
    "hugo_site_problem",
    "prune_site",
    "read_site_data",
    "read_transcript",
    "write_site_data",
]

STATIC_PREFIX: str = "gdanim"
"""Folder under the site's ``static/`` (and URL prefix) that holds exported clips."""

DATA_NAME: str = "gdanim.json"
"""Data file under the site's ``data/``; Hugo exposes it as ``site.Data.gdanim``."""

SHORTCODE_DIR: Traversable = resources.files("gdanim.publish") / "shortcodes"
"""The shortcodes gdanim ships (package data); the export installs them into the site."""

HUGO_CONFIG_NAMES: tuple[str, ...] = tuple(
    f"{stem}.{suffix}" for stem in ("hugo", "config") for suffix in ("toml", "yaml", "yml", "json")
)
"""A folder holding one of these files (or ``config/_default/``) is a Hugo site."""

_DATA_VERSION: int = 1
"""Format version of ``data/gdanim.json``."""

_COPY_CHUNK: int = 1 << 20

_KIND_ORDER: tuple[str, ...] = ("mp4", "vtt", "gif", "png")
"""The order the export lists a clip's files in."""


class NotAHugoSite(ValueError):
    """``--hugo-site`` is not a folder with a Hugo configuration file."""


class UnpublishableFiles(ValueError):
    """Files a manifest names that the export refuses to publish; nothing was written.

    Attributes
    ----------
    problems
        ``{clip id: {file kind: reason}}`` for every refused file.
    """

    def __init__(self, problems: dict[str, dict[str, str]]) -> None:
        self.problems = problems
        lines = [reason for kinds in problems.values() for reason in kinds.values()]
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        self.summary = lines[0] + more
        """The first reason, and how many more there are."""
        super().__init__(MESSAGES["export_refused"].format(reasons=self.summary))


def hugo_site_problem(site_dir: Path) -> str | None:
    """Why ``site_dir`` is not an existing Hugo site, or ``None`` if it is one.

    Examples
    --------
    >>> hugo_site_problem(Path("/")) is not None
    True
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        return MESSAGES["hugo_site_missing"].format(site=site_dir)
    if any((site_dir / name).is_file() for name in HUGO_CONFIG_NAMES) or (site_dir / "config" / "_default").is_dir():
        return None
    return MESSAGES["hugo_site_not_a_site"].format(site=site_dir)


def _url(path: str) -> str:
    """The site URL (under ``static/``) of a file at ``path`` in the render output."""
    return f"{STATIC_PREFIX}/{PurePosixPath(path).as_posix()}"


def _site_entry(clip: ClipEntry, transcript: list[str] | None = None) -> dict[str, Any]:
    """One clip as the shortcode reads it: URLs under ``static/`` plus sizes, alt text and the transcript."""
    files = {
        kind: {
            "url": _url(file.path),
            # Subtitles (vtt) have no picture size.
            **({"width": file.width, "height": file.height} if file.width is not None else {}),
            "bytes": file.bytes,
            "sha256": file.sha256,
        }
        for kind, file in sorted(clip.files.items())
    }
    return {
        "id": clip.id,
        "scene": clip.scene,
        "language": clip.language,
        "theme": clip.theme,
        "quality": clip.quality,
        "height": clip.height,
        "parameters": dict(sorted(clip.parameters.items())),
        "alt": scene_alt_text(clip.scene, clip.language),
        "files": files,
        **({"transcript": transcript} if transcript else {}),
    }


def build_site_data(
    clips: Iterable[ClipEntry],
    previous: dict[str, Any] | None = None,
    transcripts: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Merge clips into the site's data, keyed by scene, one list of variants each.

    A variant with the same clip id as an earlier export replaces it; the others
    are kept, so exporting one scene never forgets another. Scenes and their
    variants are sorted (by id), so the data does not depend on export order.

    Parameters
    ----------
    clips
        Manifest clips to add.
    previous
        The site's current ``data/gdanim.json``, if any.
    transcripts
        Clip id → the text of its subtitles, one cue a line (:func:`read_transcript`).

    Returns
    -------
    dict
        ``{"version": 1, "clips": {scene: [variant, ...]}}``.
    """
    scenes: dict[str, dict[str, dict[str, Any]]] = {
        scene: {variant["id"]: variant for variant in variants}
        for scene, variants in (previous or {}).get("clips", {}).items()
    }
    for clip in clips:
        entry = _site_entry(clip, (transcripts or {}).get(clip.id))
        scenes.setdefault(entry["scene"], {})[entry["id"]] = entry
    return {
        "version": _DATA_VERSION,
        "clips": {scene: [variants[key] for key in sorted(variants)] for scene, variants in sorted(scenes.items())},
    }


def read_transcript(vtt_path: Path) -> list[str]:
    """The subtitles' text, one cue a line (a cue repeated by the next one is kept once)."""
    import webvtt

    lines: list[str] = []
    for caption in webvtt.read(str(vtt_path)).captions:
        text = " ".join(caption.text.split())
        if text and (not lines or lines[-1] != text):
            lines.append(text)
    return lines


def _unsafe_source(out_dir: Path, record: FileRecord) -> str | None:
    """Why the file a record names is not a file inside ``out_dir`` (absolute, ``..``, a symlink out), or ``None``."""
    relative = PurePosixPath(record.path)
    source = out_dir / record.path
    if relative.is_absolute() or ".." in relative.parts or not is_inside(source, out_dir):
        return MESSAGES["export_outside"].format(path=record.path, out_dir=out_dir)
    return None


def _copy_checked(source: Path, staged: Path, record: FileRecord) -> str | None:
    """Copy ``source`` to ``staged``, hashing as it goes; why it does not match ``record``, or ``None``."""
    staged.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        with source.open("rb") as reader, staged.open("wb") as writer:
            while chunk := reader.read(_COPY_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
    except FileNotFoundError:
        return MESSAGES["export_missing"].format(path=source)
    if (size, digest.hexdigest()) != (record.bytes, record.sha256):
        return MESSAGES["export_mismatch"].format(path=source, size=size, recorded=record.bytes)
    return None


def _decoder_problem(path: Path, kind: str) -> str | None:
    """Why a decoder cannot read the staged file of this kind, or ``None`` (MP4 and GIF: first and last frames)."""
    try:
        if kind == "mp4":
            import av

            with av.open(str(path)) as container:
                if not container.streams.video or next(container.decode(video=0), None) is None:
                    return "no video frame"
        elif kind in ("gif", "png"):
            from PIL import Image

            with Image.open(path) as image:
                if image.format != kind.upper():
                    return f"it is {image.format}, not {kind.upper()}"
                image.seek(getattr(image, "n_frames", 1) - 1)
                image.load()
        elif kind == "vtt":
            import webvtt

            webvtt.read(str(path))
    except Exception as error:  # noqa: BLE001 - each decoder has its own errors; any one means "not publishable"
        return f"{type(error).__name__}: {error}"[:200]
    return None


def _stage_clip(out_dir: Path, stage: Path, clip: ClipEntry) -> dict[str, str]:
    """Copy and check one clip's files into ``stage``; ``{kind: reason}`` for those refused."""
    problems: dict[str, str] = {}
    for kind, record in sorted(clip.files.items()):
        problem = _unsafe_source(out_dir, record)
        if problem is None:
            staged = stage / record.path
            problem = _copy_checked(out_dir / record.path, staged, record)
            if problem is None and (decoded := _decoder_problem(staged, kind)) is not None:
                problem = MESSAGES["export_undecodable"].format(path=out_dir / record.path, reason=decoded)
        if problem is not None:
            problems[kind] = problem
    return problems




def _install_shortcodes(site_dir: Path) -> list[Path]:
    """Copy the shipped shortcodes into ``SITE/layouts/shortcodes/`` when they differ."""
    installed = []
    for shortcode in sorted(SHORTCODE_DIR.iterdir(), key=lambda item: item.name):
        if not shortcode.name.endswith(".html"):
            continue
        target = site_dir / "layouts" / "shortcodes" / shortcode.name
        content = shortcode.read_bytes()
        if not target.exists() or target.read_bytes() != content:
            with atomic_path(target) as temporary:
                temporary.write_bytes(content)
        installed.append(target)
    return installed


def _read_site_data(data_path: Path) -> dict[str, Any] | None:
    """The site's ``data/gdanim.json``, ``None`` if there is none; ``ValueError`` naming it if unreadable."""
    try:
        data = json.loads(data_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as error:
        raise ValueError(MESSAGES["site_data_unreadable"].format(path=data_path, reason=error)) from None
    if not isinstance(data, dict) or not isinstance(data.get("clips"), dict):
        # A ValueError like every other unreadable data file: the CLI reports those in one line.
        raise ValueError(MESSAGES["site_data_unreadable"].format(path=data_path, reason="it has no clips object"))  # noqa: TRY004
    return data


def write_site_data(data_path: Path, data: dict[str, Any]) -> None:
    """Atomically write the site data (sorted keys, so equal data gives equal bytes) unless it is unchanged."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if data_path.exists() and data_path.read_text(encoding="utf-8") == text:
        return
    with atomic_path(data_path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _move_in(staged: Path, target: Path, record: FileRecord) -> None:
    """Move a checked file into the site, unless the site already holds exactly these bytes (left untouched)."""
    try:
        if target.stat().st_size == record.bytes and file_digest(target) == (record.bytes, record.sha256):
            return
    except OSError:
        pass  # not there yet
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)


def export_to_hugo(out_dir: Path, site_dir: Path, clip_ids: Iterable[str] | None = None) -> list[Path]:
    """Copy rendered clips into a Hugo site and record them for the ``gd-clip`` shortcode.

    Parameters
    ----------
    out_dir
        The render output folder holding ``manifest.json``.
    site_dir
        The Hugo site's top folder (the one with ``hugo.toml`` or ``config.toml``).
    clip_ids
        Manifest clip ids to export; ``None`` exports every clip in the manifest.

    Returns
    -------
    list of Path
        The site's files for these clips, written now or already up to date: media
        files, the shortcodes and the data file.

    Raises
    ------
    NotAHugoSite
        If ``site_dir`` is not an existing Hugo site.
    UnpublishableFiles
        If a file a clip's record names is outside ``out_dir``, missing, differs
        from its record or does not decode; the site is left as it was.
    ValueError
        If a requested clip id is not in the manifest, or the site's data file is unreadable.
    """
    out_dir, site_dir = Path(out_dir).resolve(), Path(site_dir)
    problem = hugo_site_problem(site_dir)
    if problem is not None:
        raise NotAHugoSite(problem)
    manifest_clips = {clip.id: clip for clip in load_manifest(out_dir).clips}
    wanted = list(manifest_clips) if clip_ids is None else list(dict.fromkeys(clip_ids))
    missing = [clip_id for clip_id in wanted if clip_id not in manifest_clips]
    if missing:
        raise ValueError(MESSAGES["not_in_manifest"].format(manifest=out_dir / MANIFEST_NAME, clips=", ".join(missing)))
    clips = [manifest_clips[clip_id] for clip_id in wanted]

    static_root = site_dir / "static" / STATIC_PREFIX
    static_root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=temp_prefix("export"), dir=static_root))
    try:
        problems = {clip.id: found for clip in clips if (found := _stage_clip(out_dir, stage, clip))}
        if problems:
            raise UnpublishableFiles(problems)
        with folder_locked(site_dir):
            remove_stale_temporaries(static_root)  # the staging folders of killed exports
            data_path = site_dir / "data" / DATA_NAME
            transcripts = {clip.id: read_transcript(stage / clip.files["vtt"].path) for clip in clips if "vtt" in clip.files}
            data = build_site_data(clips, _read_site_data(data_path), transcripts)
            exported = []
            for clip in clips:
                for _, record in sorted(clip.files.items(), key=lambda item: _KIND_ORDER.index(item[0])):
                    target = static_root / record.path
                    if not is_inside(target, static_root):  # a symlink in the site leading out of it
                        raise ValueError(MESSAGES["unsafe_path"].format(path=target, out_dir=static_root))
                    _move_in(stage / record.path, target, record)
                    exported.append(site_dir / "static" / _url(record.path))
            exported += _install_shortcodes(site_dir)
            write_site_data(data_path, data)
            exported.append(data_path)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return exported


def read_site_data(site_dir: Path) -> dict[str, Any]:
    """``SITE/data/gdanim.json`` (empty clips when there is none); ``ValueError`` naming it if unreadable."""
    return _read_site_data(Path(site_dir) / "data" / DATA_NAME) or {"version": _DATA_VERSION, "clips": {}}


def prune_site(site_dir: Path, keep: Iterable[str]) -> list[str]:
    """Remove from the site every exported variant whose id is not in ``keep``: its data entry and its files.

    Runs under the site's lock, like an export. A file still named by a kept
    variant stays. Returns the ids removed, sorted.
    """
    site_dir = Path(site_dir)
    keep = set(keep)
    static_root = site_dir / "static" / STATIC_PREFIX
    with folder_locked(site_dir):
        data_path = site_dir / "data" / DATA_NAME
        data = _read_site_data(data_path)
        if data is None:
            return []
        kept: dict[str, list[dict[str, Any]]] = {}
        removed: list[dict[str, Any]] = []
        for scene, variants in data["clips"].items():
            for variant in variants:
                (kept.setdefault(scene, []) if variant["id"] in keep else removed).append(variant)
        if not removed:
            return []
        still_used = {record["url"] for variants in kept.values() for variant in variants
                      for record in variant["files"].values()}
        write_site_data(data_path, {**data, "clips": kept})
        for variant in removed:
            for record in variant["files"].values():
                path = site_dir / "static" / record["url"]
                if record["url"] not in still_used and is_inside(path, static_root):
                    path.unlink(missing_ok=True)
    return sorted(variant["id"] for variant in removed)
