"""Export rendered clips into a Hugo site, for the ``gd-clip`` shortcode to embed.

The export copies each chosen clip's files to ``SITE/static/gdanim/<scene>/`` and
records them in ``SITE/data/gdanim.json``, with their sizes and Hebrew or English
alt text. The shortcode (``gdanim/publish/shortcodes/gd-clip.html``) reads only that
data file, so an author writes ``{{< gd-clip "rolling-descent" >}}`` and nothing else.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from gdanim.errors import MESSAGES
from gdanim.store.files import atomic_path, is_inside
from gdanim.store.manifest import MANIFEST_NAME, ClipEntry, load_manifest
from scenes.captions import scene_alt_text

__all__ = ["DATA_NAME", "SHORTCODE_DIR", "STATIC_PREFIX", "build_site_data", "export_to_hugo"]

STATIC_PREFIX: str = "gdanim"
"""Folder under the site's ``static/`` (and URL prefix) that holds exported clips."""

DATA_NAME: str = "gdanim.json"
"""Data file under the site's ``data/``; Hugo exposes it as ``site.Data.gdanim``."""

SHORTCODE_DIR: Traversable = resources.files("gdanim.publish") / "shortcodes"
"""The shortcodes gdanim ships (package data); the export installs them into the site."""

_DATA_VERSION: int = 1
"""Format version of ``data/gdanim.json``."""


def _url(path: str) -> str:
    """The site URL (under ``static/``) of a file at ``path`` in the render output."""
    return f"{STATIC_PREFIX}/{Path(path).as_posix()}"


def _site_entry(clip: ClipEntry) -> dict[str, Any]:
    """One clip as the shortcode reads it: URLs under ``static/`` plus sizes and alt text."""
    files = {
        kind: {
            "url": _url(file.path),
            # Subtitles (vtt) have no picture size.
            **({"width": file.width, "height": file.height} if file.width is not None else {}),
            "bytes": file.bytes,
            "sha256": file.sha256,
        }
        for kind, file in clip.files.items()
    }
    return {
        "id": clip.id,
        "scene": clip.scene,
        "language": clip.language,
        "theme": clip.theme,
        "quality": clip.quality,
        "parameters": dict(clip.parameters),
        "alt": scene_alt_text(clip.scene, clip.language),
        "files": files,
    }


def build_site_data(clips: Iterable[ClipEntry], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge clips into the site's data, keyed by scene, one list of variants each.

    A variant with the same clip id as an earlier export replaces it; the others
    are kept, so exporting one scene never forgets another.

    Parameters
    ----------
    clips
        Manifest clips to add.
    previous
        The site's current ``data/gdanim.json``, if any.

    Returns
    -------
    dict
        ``{"version": 1, "clips": {scene: [variant, ...]}}``.
    """
    scenes: dict[str, list[dict[str, Any]]] = {
        scene: list(variants) for scene, variants in (previous or {}).get("clips", {}).items()
    }
    for clip in clips:
        entry = _site_entry(clip)
        variants = [variant for variant in scenes.get(entry["scene"], []) if variant["id"] != entry["id"]]
        scenes[entry["scene"]] = [*variants, entry]
    return {"version": _DATA_VERSION, "clips": scenes}


def _copy_if_changed(source: Path, target: Path, sha256: str, previous_sha256: str | None) -> None:
    """Copy ``source`` over ``target`` atomically unless the export already holds it."""
    if target.exists() and previous_sha256 == sha256:
        return
    with atomic_path(target) as temporary:
        shutil.copyfile(source, temporary)


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
    ValueError
        If a requested clip id is not in the manifest, or a manifest path
        would land outside ``SITE/static/gdanim/``.
    """
    out_dir, site_dir = Path(out_dir), Path(site_dir)
    manifest_clips = {clip.id: clip for clip in load_manifest(out_dir).clips}
    wanted = list(manifest_clips) if clip_ids is None else list(dict.fromkeys(clip_ids))
    missing = [clip_id for clip_id in wanted if clip_id not in manifest_clips]
    if missing:
        raise ValueError(MESSAGES["not_in_manifest"].format(manifest=out_dir / MANIFEST_NAME, clips=", ".join(missing)))
    clips = [manifest_clips[clip_id] for clip_id in wanted]

    data_path = site_dir / "data" / DATA_NAME
    previous = json.loads(data_path.read_text(encoding="utf-8")) if data_path.exists() else None
    previous_sha256 = {
        file["url"]: file["sha256"]
        for variants in (previous or {}).get("clips", {}).values()
        for variant in variants
        for file in variant["files"].values()
    }
    data = build_site_data(clips, previous)

    exported = []
    for clip in clips:
        for file in clip.files.values():
            url = _url(file.path)
            target = site_dir / "static" / url
            if not is_inside(target, site_dir / "static" / STATIC_PREFIX):
                raise ValueError(MESSAGES["unsafe_path"].format(path=target, out_dir=site_dir / "static" / STATIC_PREFIX))
            _copy_if_changed(out_dir / file.path, target, file.sha256, previous_sha256.get(url))
            exported.append(target)
    exported += _install_shortcodes(site_dir)
    if data != previous:
        with atomic_path(data_path) as temporary:
            temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    exported.append(data_path)
    return exported
