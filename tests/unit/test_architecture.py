"""The package's shape: imports go one way (no cycles, none hidden inside functions), and each fact has one owner."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from gdanim.options import LANGUAGES, TEXT_DIRECTIONS, THEME_NAMES
from scenes.captions import CAPTIONS, SCENE_ALT_TEXT, SPEAKER_NOTES
from scenes.style import THEMES
from tests.render_runs import REPO_ROOT

PACKAGES: tuple[str, ...] = ("gdanim", "scenes", "gdmath")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in (REPO_ROOT / package).rglob("*.py")}


@functools.cache
def _tree(path: Path) -> ast.Module:
    """The parsed source of ``path``, once per test session (the tests walk every module several times)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module that ``name`` imports anywhere in its source (functions and TYPE_CHECKING blocks too).

    ``from a.b import c`` counts as importing ``a.b.c`` when that is a module,
    else ``a.b``; importing a module also runs its parent packages' ``__init__``.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {module for module in found if module in modules and module != name and not name.startswith(f"{module}.")}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph``, as the modules along it, or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                return [*stack[stack.index(imported):], imported]
            if imported not in state and (found := visit(imported)) is not None:
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)) is not None:
            return found
    return None


@functools.cache
def _graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_even_through_imports_inside_functions() -> None:
    assert _cycle(_graph()) is None


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        ("gdanim.store", "gdanim.clip"),
        ("gdanim.store", "gdanim.run"),
        ("gdanim.clip", "gdanim.run"),
        ("gdanim.clip", "gdanim.publish"),
        ("gdanim.store", "gdanim.publish"),
        ("gdanim.publish", "gdanim.run"),
        ("gdanim.clip", "gdanim.lecture"),
        ("gdanim.store", "gdanim.lecture"),
        ("gdanim.run", "gdanim.lecture"),
        ("gdanim.lecture", "gdanim.run"),
        ("gdanim.options", "gdanim."),
        ("gdanim.task", "gdanim."),
        ("gdanim.errors", "gdanim."),
        ("gdmath", "gdanim"),
        ("gdmath", "scenes"),
        ("scenes", "gdanim"),
    ],
)
def test_imports_go_one_way(lower: str, upper: str) -> None:
    wrong = {
        (module, imported)
        for module, imports in _graph().items()
        if module == lower or module.startswith(f"{lower}.")
        for imported in imports
        if imported.startswith(upper) and not (imported == lower or imported.startswith(f"{lower}."))
        and (imported != "gdanim.errors" or lower == "scenes")  # every gdanim layer may raise gdanim's errors
    }
    assert wrong == set()


MANIM_RUNNERS = {"gdanim.clip.scene_render", "gdanim.clip.layers", "gdanim.clip.manim_adapter"}
"""The one place that runs manim: the clip render, the renderer it hands manim, and the adapter to manim's internals."""


def _importers(module: str) -> set[str]:
    """gdanim modules importing ``module`` or a submodule of it."""
    def names(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        if isinstance(node, ast.ImportFrom) and node.module:
            return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        return []

    return {
        name for name, path in _project_modules().items() if name.startswith("gdanim")
        for node in ast.walk(_tree(path))
        if any(imported == module or imported.startswith(module + ".") for imported in names(node))
    }


def test_only_the_clip_render_imports_manim() -> None:
    assert _importers("manim") == MANIM_RUNNERS
    # The renderer and writer are reached only through the clip render, which imports manim once a render is certain.
    assert _importers("gdanim.clip.layers") == _importers("gdanim.clip.encoding") == {"gdanim.clip.scene_render"}
    assert _importers("gdanim.clip.manim_adapter") == {"gdanim.clip.scene_render", "gdanim.clip.encoding"}


def test_every_option_the_scenes_know_is_defined_once() -> None:
    assert set(THEMES) == set(THEME_NAMES)
    assert set(TEXT_DIRECTIONS) == set(LANGUAGES)
    assert all(set(texts) == set(LANGUAGES) for texts in [*CAPTIONS.values(), *SCENE_ALT_TEXT.values(), *SPEAKER_NOTES.values()])
