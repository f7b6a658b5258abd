"""render.py's command line without rendering: help and --list (bad inputs are in test_robustness.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from render import cli
from scenes.registry import SCENES
from tests.render_runs import files_under


def test_help_lists_every_option_with_defaults(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for option in ("--quality", "--format", "--out", "--lang", "--theme", "--learning-rate", "--start",
                   "--steps", "--jobs", "--force", "--quiet", "--list", "--sweep", "--scheduler"):
        assert option in result.output
    assert "[default: high]" in result.output
    assert "low|medium|high|production|4k|l|m|h|p|k" in result.output
    assert "mp4|gif|both|png" in result.output


def test_list_prints_each_scene_with_its_description(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--list", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(SCENES)
    for line, spec in zip(lines, SCENES.values()):
        assert line.endswith(spec.description)
    assert files_under(tmp_path / "out") == []


def test_choices_are_case_insensitive(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--list", "-q", "LOW", "--format", "GIF", "--lang", "EN", "--theme", "Dark"])
    assert result.exit_code == 0
