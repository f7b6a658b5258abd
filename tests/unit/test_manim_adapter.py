"""The manim adapter: every private name gdanim uses exists with its signature on the installed manim and PyAV."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from gdanim.clip import manim_adapter
from gdanim.clip.manim_adapter import CONTRACT, Requirement, contract_problems

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_manim_and_pyav_meet_the_contract() -> None:
    problems = contract_problems()
    assert not problems, "manim or PyAV moved what gdanim.clip.manim_adapter relies on:\n" + "\n".join(problems)


@pytest.mark.parametrize(("change", "words"), [
    ({"name": "_create_segment_encoder_renamed"}, "SceneFileWriter._create_segment_encoder_renamed is gone"),
    ({"parameters": ("self", "target", "extra")}, "now takes ('self', 'target'), gdanim calls it with"),
    ({"owner": "manim.scene.moved_away:SceneFileWriter"}, "manim.scene.moved_away:SceneFileWriter is gone"),
], ids=["renamed", "new signature", "moved module"])
def test_a_moved_name_is_named_with_where_gdanim_uses_it(
    monkeypatch: pytest.MonkeyPatch, change: dict[str, object], words: str
) -> None:
    moved = dataclasses.replace(CONTRACT[0], **change)  # type: ignore[arg-type]
    monkeypatch.setattr(manim_adapter, "CONTRACT", (moved, *CONTRACT[1:]))
    (problem,) = contract_problems()
    assert words in problem and CONTRACT[0].used_by in problem


def test_an_instance_attribute_manim_no_longer_sets_is_named() -> None:
    gone = Requirement("manim.scene.video_segment_encoder:VideoSegmentEncoder", "self._no_such_thing", None, "nothing")
    assert manim_adapter._problem(gone) == (
        "manim.scene.video_segment_encoder.VideoSegmentEncoder.self._no_such_thing is no longer set; used by nothing"
    )


def _private_attributes(path: Path) -> list[str]:
    """``x._name`` uses in ``path`` where ``x`` is not ``self``/``cls`` (private names of other objects)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls", "sys", "os"})
    ]


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {"manim", "av"}
        and any(part.startswith("_") for part in (node.module or "").split("."))
    ]


def test_only_the_adapter_reaches_into_manim_and_pyav() -> None:
    sources = [path for folder in ("gdanim", "scenes") for path in (REPO_ROOT / folder).rglob("*.py")
               if path.name != "manim_adapter.py"]
    found = [use for path in sources for use in _private_imports(path)]
    assert not found, f"import manim's or PyAV's private modules only in gdanim/clip/manim_adapter.py: {found}"
    manim_users = [path for path in sources if "import manim" in path.read_text(encoding="utf-8")
                   or "from manim" in path.read_text(encoding="utf-8")]
    touched = [use for path in manim_users for use in _private_attributes(path)
               if use.split(" .")[1] in {"_stream", "_container", "_next_pts", "_validate_frame", "_operation_error",
                                         "_create_segment_encoder", "_target", "_origin_shift"}]
    assert not touched, f"manim's private names belong in gdanim/clip/manim_adapter.py: {touched}"
