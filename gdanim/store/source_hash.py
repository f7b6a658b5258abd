"""What a clip's pixels depend on in the project's own code, hashed without comments and docstrings.

A clip is drawn by its scene's module, the project modules that module imports
(followed through every ``import`` statement, those inside functions too, without
importing anything: manim stays unloaded), all of :mod:`gdmath`, and the render
code (:data:`RENDER_SOURCES`). Each Python file is hashed as its syntax tree
(``ast.dump``) with docstrings dropped, so a comment, a docstring or a blank line
changes no clip, and an edit to one scene changes only that scene's clips.

Texts that are never drawn (:data:`PAGE_ONLY_NAMES`) are dropped from the tree
too: the scenes' alt texts, which the gallery and the Hugo export read when they
write, and the speaker notes, which the decks and the recording script fill again
from the catalogue when they are exported. An edit there re-exports pages and
decks without re-rendering a clip.

The drawn texts' catalogue (:data:`CATALOGUE_NAMES`: ``scenes.captions.CAPTIONS``)
is hashed entry by entry, and a clip hashes only the entries its code names
(:func:`drawn_keys`): a key written out (``"slope_tangent.zero"``), its namespace
(``"steepness"``), or an f-string that can spell it (``f"steepness.{size}_{sign}"``).
An edit to one scene's caption re-renders that scene; an edit to a caption every
scene draws (``axis.error``) re-renders them all. A render checks afterwards that
its scene drew no caption outside that set (:func:`gdanim.clip.scene_render.render_scene`),
so a key built some other way fails the render that would have missed it.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import hashlib
from dataclasses import dataclass
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Final

__all__ = [
    "CATALOGUE_NAMES",
    "PAGE_ONLY_NAMES",
    "PROJECT_PACKAGES",
    "RENDER_SOURCES",
    "catalogue_entries",
    "clip_sources",
    "digest_files",
    "drawn_keys",
]

PROJECT_PACKAGES: Final[tuple[str, ...]] = ("gdmath", "scenes", "gdanim")
"""Top-level packages whose imports are followed."""

RENDER_SOURCES: Final[tuple[str, ...]] = ("gdmath/*.py", "gdanim/options.py", "gdanim/clip/*.py")
"""Files every clip depends on: the maths, the choices, and the code that runs manim and writes the files."""

DATA_FILES: Final[dict[str, str]] = {"scenes/listings.py": "scenes/book_listings/*.txt"}
"""Data a module reads: a clip that imports the module depends on these files too."""

PAGE_ONLY_NAMES: Final[frozenset[str]] = frozenset({"SCENE_ALT_TEXT", "_ALT_TEXT_FIELDS", "SPEAKER_NOTES"})
"""Module-level names whose values are never drawn, left out of the hash: the alt texts the pages read, and the
speaker notes the decks fill again from the catalogue (:func:`gdanim.lecture.deck.current_notes`)."""

CATALOGUE_NAMES: Final[frozenset[str]] = frozenset({"CAPTIONS"})
"""Module-level catalogues of drawn texts (``{key: {language: text}}``), hashed per entry: a clip
hashes the entries its code names (:func:`drawn_keys`), :func:`~gdanim.store.cache.hash_code` all."""


def _without_docstrings(tree: ast.Module) -> ast.Module:
    """``tree`` with every module, class and function docstring and every page-only assignment removed."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body = body[1:] or [ast.Pass()]
            if isinstance(node, ast.Module):
                body = [statement for statement in body
                        if not _assigns_page_only_name(statement) and _catalogue_entries(statement) is None]
            node.body = body
    return tree


def _assigns_page_only_name(statement: ast.stmt) -> bool:
    targets = statement.targets if isinstance(statement, ast.Assign) else \
        [statement.target] if isinstance(statement, ast.AnnAssign) else []
    while targets and isinstance(targets[0], (ast.Subscript, ast.Attribute)):  # NAME[...] = …, NAME.x = …
        targets = [targets[0].value]
    return any(isinstance(target, ast.Name) and target.id in PAGE_ONLY_NAMES for target in targets)


def _catalogue_entries(statement: ast.stmt) -> list[tuple[str, ast.expr]] | None:
    """The ``(key, value)`` entries ``statement`` puts in a catalogue, or ``None`` if it is not such a statement.

    Two forms count: ``NAME = {"key": value, ...}`` (annotated or not, every key a
    string literal) and ``NAME["key"] = value``. Any other statement about a
    catalogue stays in its module's tree, which every clip that imports it hashes.
    """
    targets: list[ast.expr]
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    elif isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    else:
        return None
    if len(targets) != 1:
        return None
    target = targets[0]
    if isinstance(target, ast.Name) and target.id in CATALOGUE_NAMES and isinstance(value, ast.Dict) \
            and all(isinstance(key, ast.Constant) and isinstance(key.value, str) for key in value.keys):
        return [(key.value, entry) for key, entry in zip(value.keys, value.values, strict=True)]  # type: ignore[union-attr]
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in CATALOGUE_NAMES \
            and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
        return [(target.slice.value, value)]
    return None


@dataclass(frozen=True)
class _SourceFacts:
    """What the hash reads of one file, from a single parse (:func:`_facts_of`)."""

    digest: bytes
    """SHA-256 of its syntax tree without docstrings and page-only texts (``ast.dump``), or of its bytes."""
    entries: tuple[tuple[str, bytes], ...]
    """Its catalogue entries (:func:`catalogue_entries`)."""
    literals: frozenset[str]
    """The string literals of its code (docstrings, page-only texts and catalogue entries are not code)."""
    patterns: tuple[str, ...]
    """Its f-strings that start with fixed text, as :mod:`fnmatch` patterns (``*`` for each replacement field)."""
    imports: tuple[tuple[str, int, tuple[str, ...]], ...]
    """Its run-time imports as ``(module, level, names)``: ``import a.b`` is ``("", 0, ("a.b",))``."""


def _facts(path: Path) -> _SourceFacts:
    stat = path.stat()
    return _facts_of(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=512)
def _facts_of(path: Path, size: int, mtime_ns: int) -> _SourceFacts:
    """:class:`_SourceFacts` of ``path``, parsed once while the file is unchanged.

    A file that is not Python, or does not parse, is hashed as its bytes (the render will
    report the error) and names, defines and imports nothing.
    """
    data = path.read_bytes()
    try:
        tree = ast.parse(data, filename=str(path)) if path.suffix == ".py" else None
    except SyntaxError:
        tree = None
    if tree is None:
        return _SourceFacts(hashlib.sha256(data).digest(), (), frozenset(), (), ())
    imports = tuple(("", 0, tuple(alias.name for alias in node.names)) if isinstance(node, ast.Import)
                    else (node.module or "", node.level, tuple(alias.name for alias in node.names))
                    for node in _walk_run_time(tree) if isinstance(node, (ast.Import, ast.ImportFrom)))
    entries = tuple((key, ast.dump(value).encode())
                    for statement in tree.body for key, value in _catalogue_entries(statement) or [])
    code = _without_docstrings(tree)  # in place: read the imports and entries first
    literals, patterns = _named_strings(code)
    return _SourceFacts(hashlib.sha256(ast.dump(code).encode()).digest(), entries, literals, patterns, imports)


def catalogue_entries(path: Path) -> tuple[tuple[str, bytes], ...]:
    """Each catalogue entry ``path`` defines (:data:`CATALOGUE_NAMES`), as its key and its value's syntax tree.

    In the order written (a later entry for a key follows the earlier one); empty
    for a file that is not Python, does not parse, or has no catalogue.
    """
    return _facts(path).entries


def _named_strings(code: ast.Module) -> tuple[frozenset[str], tuple[str, ...]]:
    """The string literals in ``code``, and its f-strings as patterns (``*`` for each replacement field).

    Only an f-string that starts with fixed text (``f"steepness.{size}"``) is a pattern.
    """
    literals: set[str] = set()
    patterns: set[str] = set()
    in_fstrings: set[int] = set()
    for node in ast.walk(code):
        if isinstance(node, ast.JoinedStr):
            parts = [_escape_wildcards(str(part.value)) if isinstance(part, ast.Constant) else "*" for part in node.values]
            in_fstrings.update(id(part) for part in node.values)
            if parts and parts[0] != "*" and any(character.isalpha() for character in parts[0]):
                patterns.add("".join(parts))  # f"{a}.{b}" could spell any key: it names none
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstrings:
            literals.add(node.value)
    return frozenset(literals), tuple(sorted(patterns))


def _escape_wildcards(text: str) -> str:
    """``text`` as an :mod:`fnmatch` pattern that matches only itself."""
    return "".join(f"[{character}]" if character in "*?[" else character for character in text)


def drawn_keys(paths: Iterable[Path]) -> frozenset[str]:
    """The catalogue keys defined in ``paths`` that the code of ``paths`` names, so may draw.

    A key is named by a string literal equal to it or to its namespace (the part
    before its first dot), or by an f-string that starts with fixed text and whose fixed
    parts match it (``f"regime{suffix}.{regime}"`` names ``regime.slow`` and ``regime_short.slow``).
    """
    facts = [_facts(path) for path in paths]
    keys = {key for fact in facts for key, _ in fact.entries}
    literals = frozenset().union(*(fact.literals for fact in facts))
    patterns = {pattern for fact in facts for pattern in fact.patterns}
    return frozenset(key for key in keys
                     if key in literals or key.split(".")[0] in literals
                     or any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns))


def _module_file(root: Path, module: str) -> Path | None:
    """The file under ``root`` that defines ``module``, if it is one of the project's."""
    if module.split(".")[0] not in PROJECT_PACKAGES:
        return None
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(path: Path, module: str) -> frozenset[str]:
    """Every module ``path`` (the module ``module``) imports, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for base, level, names in _facts(path).imports:
        if not base and not level:  # import a.b, c
            found.update(names)
            continue
        if level:
            parent = package.split(".")[: len(package.split(".")) - level + 1]
            base = ".".join([*parent, *([base] if base else [])])
        found.add(base)
        found.update(f"{base}.{name}" for name in names)  # `from pkg import module`
    return frozenset(found)


def _walk_run_time(tree: ast.AST) -> Iterable[ast.AST]:
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:`` (imports for the type checker only)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))


def clip_sources(root: Path, scene_module: str) -> list[Path]:
    """The files a clip of the scene in ``scene_module`` depends on, sorted.

    The scene's module, the project modules it imports transitively (a package's
    ``__init__`` only when the package itself is imported: importing
    ``scenes.common`` does not make every scene a source of every other), the data
    they read (:data:`DATA_FILES`) and :data:`RENDER_SOURCES`.
    """
    files = {path for pattern in RENDER_SOURCES for path in root.glob(pattern)}
    pending = [scene_module]
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _module_file(root, module)
        if path is None:
            continue
        files.add(path)
        for pattern in DATA_FILES.get(path.relative_to(root).as_posix(), "").split() or []:
            files.update(root.glob(pattern))
        pending.extend(_imported_modules(path, module) - seen)
    return sorted(files)


def digest_files(digest: hashlib._Hash, root: Path, paths: Iterable[Path], keys: Collection[str] | None = None) -> None:
    """Feed each file's name under ``root`` and its normalized content's hash into ``digest``, then its catalogue entries.

    ``keys`` picks the catalogue entries (a clip's :func:`drawn_keys`); ``None`` feeds them all.
    """
    paths = list(paths)
    for path in paths:
        stat = path.stat()
        name = path.relative_to(root).as_posix()
        digest.update(name.encode() + b"\0" + _facts_of(path, stat.st_size, stat.st_mtime_ns).digest)
    for path in paths:
        for key, value in _facts(path).entries:
            if keys is None or key in keys:
                digest.update(key.encode() + b"\0" + hashlib.sha256(value).digest())
