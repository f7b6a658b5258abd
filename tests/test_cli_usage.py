"""render.py's command line without rendering: help, --list, and every bad input rejected in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from render import cli
from scenes.registry import SCENES


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")) if folder.exists() else []


# (arguments, text the one-line message must contain); every case must exit 2 and write nothing.
BAD_INPUTS: list[tuple[list[str], str]] = [
    (["no-such-scene"], "no-such-scene"),
    (["rolling-descent", "../../etc/passwd"], "../../etc/passwd"),
    (["--quality", "ultra"], "--quality"),
    (["--quality", ""], "--quality"),
    (["-q", "x"], "--quality"),
    (["--format", "webm"], "--format"),
    (["--format", "mov"], "--format"),
    (["--lang", "fr"], "--lang"),
    (["--theme", "sepia"], "--theme"),
    (["--learning-rate", "0"], "--learning-rate"),
    (["--learning-rate", "-0.1"], "--learning-rate"),
    (["--learning-rate", "nan"], "--learning-rate"),
    (["--learning-rate", "inf"], "--learning-rate"),
    (["--learning-rate", "fast"], "--learning-rate"),
    (["--start", "nan"], "--start"),
    (["--start", "-inf"], "--start"),
    (["--start", "1e400"], "--start"),
    (["--start", "abc"], "--start"),
    (["--start", "2e6"], "start"),
    (["--steps", "0"], "--steps"),
    (["--steps", "-3"], "--steps"),
    (["--steps", "501"], "--steps"),
    (["--steps", "2.5"], "--steps"),
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "-1"], "--jobs"),
    (["--jobs", "many"], "--jobs"),
    (["--list", "rolling-descent"], "--list"),
    (["--no-such-option"], "--no-such-option"),
    (["--out"], "--out"),
    (["--out", "/dev/null/clips"], "not writable"),
    (["--out", "/proc/gdanim-out"], "not writable"),
]


@pytest.mark.parametrize(("arguments", "mentions"), BAD_INPUTS, ids=[" ".join(a) or "empty" for a, _ in BAD_INPUTS])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, arguments: list[str], mentions: str
) -> None:
    out_dir = tmp_path / "out"
    if "--out" in arguments:
        extra, out_dir = [], Path(arguments[-1])
    else:
        extra = ["--out", str(out_dir)]
    result = runner.invoke(cli, [*extra, *arguments])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert mentions in lines[0]
    assert "Traceback" not in result.stderr
    assert _files_under(out_dir) == []


def test_out_that_is_a_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep me")
    result = runner.invoke(cli, ["rolling-descent", "--out", str(target)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: Invalid value for '-o' / '--out': {target} is a file, not a folder"]
    assert target.read_text() == "keep me"


def test_out_that_is_not_writable_is_a_usage_error(repo_root: Path, tmp_path: Path) -> None:
    # Root may write anywhere (CI runs as root), so the command runs without any
    # capabilities: then even root meets the folder's permission bits.
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    command = [sys.executable, "render.py", "rolling-descent", "--out", str(locked / "out")]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", *command]
    result = subprocess.run(command, cwd=repo_root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"Error: Invalid value for '-o' / '--out': {locked} is not writable"]
    assert list(locked.iterdir()) == []


def test_help_lists_every_option_with_defaults(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for option in ("--quality", "--format", "--out", "--lang", "--theme", "--learning-rate", "--start",
                   "--steps", "--jobs", "--force", "--quiet", "--list"):
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
    assert not (tmp_path / "out").exists() or _files_under(tmp_path / "out") == []


def test_choices_are_case_insensitive(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--list", "-q", "LOW", "--format", "GIF", "--lang", "EN", "--theme", "Dark"])
    assert result.exit_code == 0
