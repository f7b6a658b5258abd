"""A scene is declared once, in its module; the registry reads it without manim and refuses what it cannot read.

The registry (:mod:`scenes.registry`) reads each ``scenes/*.py`` with :mod:`ast`; the
class (:class:`scenes.common.DescentScene`) reads the same declaration when it is
defined. These tests check that both agree, and that a scene with missing or
unreadable data stops the import with a message naming the file and line instead
of being skipped.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import scenes
from scenes.registry import SCENES, SCENES_DIR, SceneDeclarationError, SceneSpec, declared_scenes

GOOD_SCENE = '''
from gdmath import EXAMPLE_LEARNING_RATES, Regime, book_parameter
from scenes.registry import SceneSpec
from scenes.common import DescentScene


class {class_name}(DescentScene):
    spec = SceneSpec(
        name="{name}",
        order={order},
        title_key="t.title",
        description=f"lr {{book_parameter(EXAMPLE_LEARNING_RATES[Regime.SLOW])}}",
        start=-1.0,
        learning_rate=EXAMPLE_LEARNING_RATES[Regime.SLOW],
        steps=3,
    )
    beat_names = ("one", "two", "three")
'''


def _write(folder: Path, module: str, text: str) -> None:
    (folder / f"{module}.py").write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_declaration_is_read_without_importing_its_module(tmp_path: Path) -> None:
    _write(tmp_path, "drop", GOOD_SCENE.format(class_name="Drop", name="drop", order=2))
    _write(tmp_path, "roll", GOOD_SCENE.format(class_name="Roll", name="roll", order=1))
    _write(tmp_path, "helpers", "import manim\n\nclass NotAScene:\n    spec = 3\n")  # no SceneSpec: not read
    found = declared_scenes(tmp_path, "extra")
    assert list(found) == ["roll", "drop"]  # by order, not by file name
    assert found["drop"] == SceneSpec(
        name="drop", order=2, title_key="t.title", description="lr 0.01", start=-1.0, learning_rate=0.01, steps=3,
        class_name="Drop", module="extra.drop",
    )
    assert "extra.drop" not in sys.modules


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("from scenes.common import DescentScene\n\nclass Bare(DescentScene):\n    pass\n",
         r"bare\.py:3: class Bare is a scene without a declaration"),
        ("from scenes.registry import SceneSpec\nSPEC = None\n\nclass Indirect:\n    spec = SPEC\n",
         r"indirect\.py:4: class Indirect: `spec` must be written as a `SceneSpec\(...\)` call"),
        ("from scenes.registry import SceneSpec\nfrom scenes.captions import CAPTIONS\n\nclass Foreign:\n"
         "    spec = SceneSpec(name='f', order=1, title_key='t', description=CAPTIONS['x'], start=0.0, learning_rate=0.1, steps=1)\n",
         r"foreign\.py:4: class Foreign: its SceneSpec uses 'CAPTIONS', which is neither a literal nor imported from gdmath"),
        ("from scenes.registry import SceneSpec\n\nclass Partial:\n"
         "    spec = SceneSpec(name='p', description='no order', start=0.0, learning_rate=0.1, steps=1)\n",
         r"partial\.py:3: class Partial: its SceneSpec is incomplete or wrong: .*'order'"),
    ],
    ids=["no-spec", "not-a-call", "foreign-name", "missing-field"],
)
def test_a_scene_whose_declaration_cannot_be_read_stops_the_registry(tmp_path: Path, text: str, message: str) -> None:
    module = message.split(r"\.py")[0]
    _write(tmp_path, module, text)
    with pytest.raises(SceneDeclarationError, match=message):
        declared_scenes(tmp_path, "extra")


@pytest.mark.parametrize(("second", "field"), [(("Twin", "drop", 2), "name"), (("Other", "other", 1), "order")])
def test_two_scenes_may_not_share_a_name_or_an_order(tmp_path: Path, second: tuple[str, str, int], field: str) -> None:
    _write(tmp_path, "drop", GOOD_SCENE.format(class_name="Drop", name="drop", order=1))
    class_name, name, order = second
    _write(tmp_path, "twin", GOOD_SCENE.format(class_name=class_name, name=name, order=order))
    with pytest.raises(SceneDeclarationError, match=f"extra.drop.Drop and extra.twin.{class_name} share the {field}"):
        declared_scenes(tmp_path, "extra")


def test_a_broken_scene_module_stops_every_import_of_the_registry_with_the_reason(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(SCENES_DIR, tmp_path / "scenes", ignore=shutil.ignore_patterns("__pycache__"))
    _write(tmp_path / "scenes", "bare", "from scenes.common import DescentScene\n\nclass Bare(DescentScene):\n    pass\n")
    completed = subprocess.run(
        [sys.executable, "-c", "import scenes.registry"], cwd=tmp_path, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": f"{tmp_path}:{Path(scenes.__file__).parents[1]}", "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode != 0
    assert "SceneDeclarationError: bare.py:3: class Bare is a scene without a declaration" in completed.stderr


@pytest.mark.parametrize("command", [["-m", "gdanim", "--list"], ["render.py", "rolling-descent", "-f", "png"]])
def test_the_command_says_what_is_wrong_with_a_broken_declaration_in_one_line(tmp_path: Path, command: list[str]) -> None:
    import shutil

    root = Path(scenes.__file__).parents[1]
    shutil.copytree(SCENES_DIR, tmp_path / "scenes", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "render.py", tmp_path)  # a script's folder comes first on sys.path: the copy's scenes
    _write(tmp_path / "scenes", "bare", "from scenes.common import DescentScene\n\nclass Bare(DescentScene):\n    pass\n")
    completed = subprocess.run(
        [sys.executable, *command], cwd=tmp_path, capture_output=True, text=True,
        check=False, env={"PYTHONPATH": f"{tmp_path}:{root}", "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.startswith("Error: bare.py:3: class Bare is a scene without a declaration"), completed.stderr
    assert completed.stderr.count("\n") == 1, completed.stderr


# --- The registry and the classes agree ------------------------------------------------------


def _scene_classes_in_package() -> dict[str, type]:
    """Every ``DescentScene`` subclass defined in a module of the ``scenes`` package, imported for real."""
    from scenes.common import DescentScene

    found = {}
    for module_info in pkgutil.iter_modules([str(SCENES_DIR)]):
        module = importlib.import_module(f"scenes.{module_info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, DescentScene) and value is not DescentScene and value.__module__ == module.__name__:
                found[value.__name__] = value
    return found


def test_every_scene_class_is_in_the_registry_with_the_declaration_it_holds() -> None:
    classes = _scene_classes_in_package()
    assert sorted(classes) == sorted(spec.class_name for spec in SCENES.values())
    for name, spec in SCENES.items():
        scene_class = classes[spec.class_name]
        assert scene_class.spec == spec, name
        assert getattr(scenes, spec.class_name) is scene_class
        assert (scene_class.start, scene_class.learning_rate, scene_class.steps) == (spec.start, spec.learning_rate,
                                                                                     spec.steps)
        assert scene_class.curve is spec.curve
        assert len(scene_class.beat_names) == len(set(scene_class.beat_names)) >= 3, name
    assert scenes.__all__ == [spec.class_name for spec in SCENES.values()]


def test_a_subclass_keeps_its_own_knobs_and_a_class_without_a_declaration_is_refused() -> None:
    from scenes.common import DescentScene

    variant = type("Variant", (scenes.RollingDescent,), {"steps": 3})
    assert variant.steps == 3 and variant.spec == SCENES["rolling-descent"]
    with pytest.raises(SceneDeclarationError, match="Undeclared is a scene without a declaration"):
        type("Undeclared", (DescentScene,), {})
    spec = SceneSpec(name="x", order=0, title_key="x", description="x", start=0.0, learning_rate=0.1, steps=1)
    with pytest.raises(SceneDeclarationError, match="NoBeats declares no `beat_names`"):
        type("NoBeats", (DescentScene,), {"spec": spec})
