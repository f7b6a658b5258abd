"""The ``gd-clip`` embeds of a Hugo site's pages, and the clip variants they use.

``gdanim --hugo-site SITE --from-pages`` reads every ``{{< gd-clip … >}}`` (or
``{{% gd-clip … %}}``) in ``SITE/content/``, checks its parameters the way the
shortcode does (a bad one is a usage error naming the page and line), and
renders and exports exactly the variants they ask for; ``--prune`` then removes
exported variants no page uses. Which exported variant a page embeds is the
shortcode's rule, mirrored by :func:`chosen_variants`:

- ``theme``: the shortcode's, else the site's ``params.BookTheme`` (hugo-book's
  setting; a name ending in ``dark`` is dark, in ``auto`` auto), else ``light``;
  ``auto`` embeds the light variant and, when exported, the dark one for readers
  who prefer dark (so ``--from-pages`` renders both);
- ``quality``: the shortcode's, else the first exported of
  :data:`QUALITY_PREFERENCE` (``--from-pages`` renders ``--quality``, by default
  ``medium``).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdanim.options import LANGUAGES, QUALITIES, THEME_NAMES
from scenes.registry import SCENES

__all__ = [
    "CONTENT_SUFFIXES",
    "MODES",
    "QUALITY_PREFERENCE",
    "ClipUse",
    "PageError",
    "chosen_variants",
    "find_clip_uses",
    "site_theme",
]

QUALITY_PREFERENCE: tuple[str, ...] = ("medium", "low", "high", "production", "4k")
"""Without ``quality=``, a page embeds the first of these that was exported (720p suits a book's column)."""

MODES: tuple[str, ...] = ("video", "gif")
"""``mode=`` values: a ``<video>`` of the MP4, or the GIF in a ``<picture>``."""

CONTENT_SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".html", ".htm")
"""Content files whose shortcodes are read."""

_THEMES: tuple[str, ...] = (*THEME_NAMES, "auto")
_PARAMETERS: tuple[str, ...] = ("scene", "lang", "theme", "quality", "mode")

_SHORTCODE = re.compile(r"\{\{([<%])-?\s*gd-clip(?=[\s>%-])(.*?)-?\s*[>%]\}\}", re.DOTALL)
"""A ``gd-clip`` call; ``{{</* gd-clip */>}}`` (a commented-out one) does not match."""

_ARGUMENT = re.compile(r'(?:(\w+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)')


class PageError(ValueError):
    """A ``gd-clip`` in a page that the shortcode would refuse; the message names the page and line."""


@dataclass(frozen=True)
class ClipUse:
    """One ``gd-clip`` embed, its parameters resolved the way the shortcode resolves them.

    Attributes
    ----------
    page
        The content file, relative to the site.
    line
        Its line of the shortcode (1-based).
    scene, language, mode
        What the shortcode names (``language`` defaults to ``he``, ``mode`` to ``video``).
    theme
        ``light``, ``dark`` or ``auto`` (both, following the reader).
    quality
        The quality it names, or ``None`` (the rule of :data:`QUALITY_PREFERENCE`).
    """

    page: Path
    line: int
    scene: str
    language: str
    theme: str
    quality: str | None
    mode: str

    @property
    def themes(self) -> tuple[str, ...]:
        """The themes it may show: both under ``auto``, light first."""
        return THEME_NAMES if self.theme == "auto" else (self.theme,)

    @property
    def formats(self) -> tuple[str, ...]:
        """What it needs rendered: the MP4 (its subtitles come with it) or the GIF; the poster either way."""
        return ("mp4", "png") if self.mode == "video" else ("gif", "png")


def _read_config(site_dir: Path) -> dict[str, Any]:
    """The site's top configuration file as a dict (TOML, YAML or JSON); empty when there is none."""
    for stem in ("hugo", "config"):
        for suffix in ("toml", "yaml", "yml", "json"):
            path = site_dir / f"{stem}.{suffix}"
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                if suffix == "toml":
                    return tomllib.loads(text)
                if suffix == "json":
                    return json.loads(text)
                import yaml

                return yaml.safe_load(text) or {}
    params = site_dir / "config" / "_default" / "params.toml"
    return {"params": tomllib.loads(params.read_text(encoding="utf-8"))} if params.is_file() else {}


def _lower_keys(mapping: Any) -> dict[str, Any]:
    """Hugo's configuration keys are case-insensitive."""
    return {str(key).lower(): value for key, value in mapping.items()} if isinstance(mapping, dict) else {}


def site_theme(site_dir: Path) -> str:
    """``light``, ``dark`` or ``auto``: the site's ``params.BookTheme``, as the shortcode reads it (default light)."""
    try:
        params = _lower_keys(_lower_keys(_read_config(Path(site_dir))).get("params"))
    except (OSError, ValueError) as error:
        raise PageError(f"{site_dir}: cannot read the site's configuration: {error}") from None
    name = str(params.get("booktheme") or "light").lower()
    return "dark" if name.endswith("dark") else "auto" if name.endswith("auto") else "light"


def _arguments(text: str, where: str) -> tuple[list[str], dict[str, str]]:
    """The positional and named arguments of a shortcode call, unquoted."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for name, raw in _ARGUMENT.findall(text):
        value = raw[1:-1] if raw[:1] in ('"', "`") else raw
        if name:
            named[name] = value
        else:
            positional.append(value)
    if positional and named:
        raise PageError(f"{where}: gd-clip mixes positional and named parameters; write scene=\"…\" and the others named")
    return positional, named


def _check(where: str, name: str, value: str, valid: Iterable[str]) -> str:
    valid = list(valid)
    if value not in valid:
        raise PageError(f"{where}: gd-clip {name}={value!r} is not one of: {', '.join(valid)}")
    return value


def _use(page: Path, line: int, text: str, default_theme: str) -> ClipUse:
    where = f"{page}:{line}"
    positional, named = _arguments(text, where)
    unknown = sorted(set(named) - set(_PARAMETERS))
    if unknown:
        raise PageError(f"{where}: gd-clip has no parameter {unknown[0]!r}; it takes: {', '.join(_PARAMETERS)}")
    if len(positional) > 1:
        raise PageError(f"{where}: gd-clip takes one positional parameter (the scene), got {len(positional)}")
    scene = positional[0] if positional else named.get("scene", "")
    if not scene:
        raise PageError(f"{where}: gd-clip names no scene; write {{{{< gd-clip \"SCENE\" >}}}}")
    quality = named.get("quality")
    return ClipUse(
        page=page,
        line=line,
        scene=_check(where, "scene", scene, SCENES),
        language=_check(where, "lang", named.get("lang", "he"), LANGUAGES),
        theme=_check(where, "theme", named.get("theme", default_theme), _THEMES),
        quality=None if quality is None else _check(where, "quality", quality, QUALITIES),
        mode=_check(where, "mode", named.get("mode", "video"), MODES),
    )


def find_clip_uses(site_dir: Path) -> list[ClipUse]:
    """Every ``gd-clip`` in ``SITE/content/``, in page and line order.

    Raises
    ------
    PageError
        For a shortcode the page's build would refuse (unknown scene, language,
        theme, quality, mode or parameter), naming the page and line.
    """
    site_dir = Path(site_dir)
    default_theme = site_theme(site_dir)
    uses: list[ClipUse] = []
    content = site_dir / "content"
    pages = sorted(path for path in content.rglob("*") if path.suffix in CONTENT_SUFFIXES and path.is_file())
    for path in pages:
        text = path.read_text(encoding="utf-8")
        for match in _SHORTCODE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            uses.append(_use(path.relative_to(site_dir), line, match.group(2), default_theme))
    return uses


def chosen_variants(variants: Iterable[dict[str, Any]], use: ClipUse) -> list[dict[str, Any]]:
    """The exported variants (``data/gdanim.json`` entries of ``use.scene``) that ``use``'s embed shows.

    The shortcode's rule: the language; the theme (``auto``: light, plus dark when
    exported); the named quality, else the first exported of :data:`QUALITY_PREFERENCE`.
    """
    same_language = [variant for variant in variants if variant.get("language") == use.language]
    base = "dark" if use.theme == "dark" else "light"
    themes = {variant.get("theme") for variant in same_language}
    if use.theme == "auto" and "light" not in themes and "dark" in themes:
        base = "dark"
    candidates = [variant for variant in same_language if variant.get("theme") == base]
    quality = use.quality or next(
        (name for name in QUALITY_PREFERENCE if any(variant.get("quality") == name for variant in candidates)), None
    )
    chosen = [variant for variant in candidates if variant.get("quality") == quality][:1]
    if use.theme == "auto" and base == "light":
        dark = [v for v in same_language if v.get("theme") == "dark" and v.get("quality") == quality]
        chosen += dark[:1]
    return chosen
