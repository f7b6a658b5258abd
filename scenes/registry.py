"""The scene catalogue: CLI names, classes, one-line descriptions and default knobs.

A scene is declared once, in its own module, as the ``spec`` class attribute of
its scene class::

    class RollingDescent(DescentScene):
        spec = SceneSpec(name="rolling-descent", order=2, title_key="rolling_descent.title",
                         description="Ch. 10: ...", start=-1.0, learning_rate=0.1, steps=10)

This module finds those declarations without importing the scene modules (which
import manim, seconds of start-up), so the CLI can list scenes, validate
arguments and decide that a clip is up to date in a fraction of a second: it
reads every ``scenes/*.py`` with :mod:`ast` and evaluates each ``SceneSpec(...)``
call with only the names the module imports from :mod:`gdmath` and from this
module. A declaration that cannot be read that way, two scenes with one name or
one order, or a scene class without a declaration stop the import with a
:class:`SceneDeclarationError` naming the file and line; no scene is skipped.
``DescentScene.__init_subclass__`` (:mod:`scenes.common`) reads the same
declaration at run time and fills in the class's knobs from it.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gdmath import BOOK_CURVE, START_RANGE_WIDTHS, Curve, start_range
from scenes.declaration_error import SceneDeclarationError

__all__ = ["SCENES", "SceneDeclarationError", "SceneSpec", "declared_scenes", "get_spec"]

SCENES_DIR: Path = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SceneSpec:
    """A scene's declaration: what the rest of gdanim knows about it without importing it.

    A scene module writes it as its class's ``spec``, without ``class_name``
    and ``module``: the registry (and the class, at run time) fill those in.

    Attributes
    ----------
    name
        CLI name, e.g. ``"rolling-descent"``.
    order
        Where the scene comes in the catalogue (``--list``, a run of every
        scene, lectures, the gallery): the scenes sort by it; no two share one.
    title_key
        The :data:`scenes.captions.CAPTIONS` key of the title the scene shows
        (``self.get_title(key)``); it also names its title card and chapter in a lecture.
    description
        One line for ``--list``.
    start, learning_rate, steps
        Default knobs; the CLI overrides them per render.
    curve
        The error curve the scene descends (its class's ``curve``); it bounds
        the starts a render may ask for (:func:`gdmath.start_range`).
    start_widths
        How far beyond the curve's plot range, in widths of it, a start may lie;
        0 keeps every start on screen.
    fixed_knobs
        The scene shows the book's own numbers (a code listing), so a render
        may not change ``start``, ``learning_rate`` or ``steps``.
    class_name
        Name of the ``Scene`` subclass that declares it (exported by :mod:`scenes`).
    module
        Module that defines the class, e.g. ``"scenes.rolling_descent"``.
    """

    name: str
    order: int
    title_key: str
    description: str
    start: float
    learning_rate: float
    steps: int
    curve: Curve = BOOK_CURVE
    start_widths: float = START_RANGE_WIDTHS
    fixed_knobs: bool = False
    class_name: str = ""
    module: str = ""

    @property
    def start_range(self) -> tuple[float, float]:
        """The ``(low, high)`` starts a render of this scene accepts."""
        return start_range(self.curve, self.start_widths)

    @property
    def source_file(self) -> Path:
        """The file that holds the scene class (hashed to skip unchanged renders)."""
        return SCENES_DIR / (self.module.rsplit(".", 1)[-1] + ".py")



SPEC_ATTRIBUTE: str = "spec"
"""The class attribute that holds a scene's :class:`SceneSpec`."""

SCENE_BASE: str = "DescentScene"
"""The base class of every scene (:mod:`scenes.common`); a class deriving from it must declare a ``spec``."""

_READABLE_MODULES: tuple[str, ...] = ("gdmath",)
"""Packages whose names a declaration may use (besides this module's): imported here, they load no manim."""


def _declaration_names(tree: ast.Module) -> dict[str, Any]:
    """The names a declaration may use: those the module imports from :mod:`gdmath` or this module."""
    names: dict[str, Any] = {}
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module and statement.level == 0:
            if statement.module == __name__:
                source = globals()
            elif statement.module.split(".")[0] in _READABLE_MODULES:
                source = vars(importlib.import_module(statement.module))
            else:
                continue
            for alias in statement.names:
                if alias.name != "*" and alias.name in source:
                    names[alias.asname or alias.name] = source[alias.name]
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name.split(".")[0] in _READABLE_MODULES:
                    names[alias.asname or alias.name.split(".")[0]] = importlib.import_module(alias.name.split(".")[0])
    return names


def _spec_value(cls: ast.ClassDef) -> ast.expr | None:
    """The expression assigned to ``spec`` in the body of ``cls``, if any."""
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == SPEC_ATTRIBUTE for target in statement.targets
        ):
            return statement.value
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                and statement.target.id == SPEC_ATTRIBUTE and statement.value is not None:
            return statement.value
    return None


def _derives_from_scene_base(cls: ast.ClassDef) -> bool:
    return any((isinstance(base, ast.Name) and base.id == SCENE_BASE)
               or (isinstance(base, ast.Attribute) and base.attr == SCENE_BASE) for base in cls.bases)


def _module_specs(path: Path, module: str) -> Iterator[SceneSpec]:
    """Each :class:`SceneSpec` that the scene classes of the file ``path`` (module ``module``) declare."""
    source = path.read_text(encoding="utf-8")
    if SCENE_BASE not in source and "SceneSpec" not in source:
        return
    tree = ast.parse(source, filename=str(path))
    names: dict[str, Any] | None = None
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        where = f"{path.name}:{cls.lineno}: class {cls.name}"
        value = _spec_value(cls)
        if value is None:
            if _derives_from_scene_base(cls):
                raise SceneDeclarationError(
                    f"{where} is a scene without a declaration: give it `{SPEC_ATTRIBUTE} = SceneSpec(name=..., "
                    "order=..., title_key=..., description=..., start=..., learning_rate=..., steps=...)` (README: Adding a scene)"
                )
            continue
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "SceneSpec"):
            raise SceneDeclarationError(f"{where}: `{SPEC_ATTRIBUTE}` must be written as a `SceneSpec(...)` call, "
                                        "so the registry can read it without importing manim")
        if names is None:
            names = _declaration_names(tree)
        try:
            spec = eval(compile(ast.Expression(value), str(path), "eval"), {"__builtins__": {}, **names})
        except NameError as error:
            raise SceneDeclarationError(
                f"{where}: its SceneSpec uses {error.name!r}, which is neither a literal nor imported from "
                f"gdmath or {__name__} (the registry reads declarations without importing manim)"
            ) from None
        except (TypeError, ValueError, LookupError, ArithmeticError) as error:
            raise SceneDeclarationError(f"{where}: its SceneSpec is incomplete or wrong: {error}") from None
        yield replace(spec, class_name=cls.name, module=module)


def declared_scenes(folder: Path = SCENES_DIR, package: str = "scenes") -> dict[str, SceneSpec]:
    """Every scene declared by the modules in ``folder``, keyed by CLI name, in their declared ``order``.

    Raises
    ------
    SceneDeclarationError
        When a declaration is missing or unreadable, or two scenes share a name or an order.
    """
    specs = [spec for path in sorted(folder.glob("*.py")) if path.name != "__init__.py"
             for spec in _module_specs(path, f"{package}.{path.stem}")]
    for field in ("name", "order"):
        seen: dict[object, SceneSpec] = {}
        for spec in specs:
            other = seen.setdefault(getattr(spec, field), spec)
            if other is not spec:
                raise SceneDeclarationError(
                    f"scenes {other.module}.{other.class_name} and {spec.module}.{spec.class_name} "
                    f"share the {field} {getattr(spec, field)!r}"
                )
    return {spec.name: spec for spec in sorted(specs, key=lambda spec: spec.order)}


SCENES: dict[str, SceneSpec] = declared_scenes()
"""Every scene gdanim renders, keyed by CLI name, in presentation order (each scene's ``order``)."""


def get_spec(name: str) -> SceneSpec:
    """Look up a scene by CLI name, with a message listing the known names."""
    try:
        return SCENES[name]
    except KeyError:
        known = ", ".join(SCENES)
        raise ValueError(f"unknown scene {name!r}; choose from: {known}") from None
