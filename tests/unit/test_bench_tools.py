"""The benchmark's own tools, run for real: hyperfine, pyperf, the peak-RSS probe, and the README table.

No timing is asserted against a goal here (that is the benchmark's job); these
tests check that the tools measure what they say, and that the README shows
the table of the committed results.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from bench.benchmark import README_MARKERS, Row, _merge_earlier_run, markdown_table, update_readme
from bench.timing import BenchError, peak_rss_mib, time_commands, time_statement

SLEEP_S: float = 0.3


def test_hyperfine_times_each_command_over_the_asked_runs(tmp_path: Path) -> None:
    timings = time_commands(
        {
            "sleeper": [sys.executable, "-c", f"import time; time.sleep({SLEEP_S})"],
            "spinner": [sys.executable, "-c", "sum(i * i for i in range(3_000_000))"],  # ~0.3 s of CPU
        },
        runs=2, cwd=tmp_path,
    )
    assert list(timings) == ["sleeper", "spinner"]
    sleeper, spinner = timings["sleeper"], timings["spinner"]
    assert len(sleeper.samples_s) == len(spinner.samples_s) == 2
    assert min(sleeper.samples_s) >= SLEEP_S
    # Sleeping costs wall time but little CPU; spinning costs CPU (whatever the load): hyperfine counts the child's.
    assert sleeper.cpu_s < SLEEP_S / 2
    assert spinner.cpu_s > sleeper.cpu_s + 0.1


def test_a_failing_command_is_a_bench_error(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="non-zero exit code"):
        time_commands({"fails": [sys.executable, "-c", "raise SystemExit(3)"]}, runs=1, cwd=tmp_path)


def test_peak_rss_sees_the_biggest_descendant(tmp_path: Path) -> None:
    # The command's own child allocates and touches 300 MiB: the probe must see it, not just the parent.
    grandchild = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])"
    command = [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"]
    big_mib, _ = peak_rss_mib(command, cwd=tmp_path)
    small_mib, wall = peak_rss_mib([sys.executable, "-c", "pass"], cwd=tmp_path)
    assert big_mib >= 300
    assert small_mib < 100
    assert wall > 0


def test_pyperf_times_a_statement(tmp_path: Path) -> None:
    # Short values (10 ms, not pyperf's 100 ms): the test checks the plumbing, not a precise number.
    quick = time_statement("x = 1", "pass", cwd=tmp_path, processes=2, min_time_s=0.01)
    slow = time_statement("sum(range(20000))", "pass", cwd=tmp_path, processes=2, min_time_s=0.01)
    assert 0 < quick["median_s"] < slow["median_s"]
    assert quick["values"] > 1


def test_readme_table_is_replaced_between_its_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    start, end = README_MARKERS
    readme.write_text(f"# title\n\n{start}\nold table\n{end}\n\nafter\n", encoding="utf-8")
    update_readme("| new | table |\n", readme)
    assert readme.read_text(encoding="utf-8") == f"# title\n\n{start}\n| new | table |\n{end}\n\nafter\n"
    readme.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(BenchError, match="markers"):
        update_readme("| new |\n", readme)


def test_a_missed_goal_is_said_in_the_table() -> None:
    rows = [Row(1, "met", "1 s", "2 s", 0.5, "0.50×", "≤ 1×", True),
            Row(2, "missed", "3 s", "2 s", 1.5, "1.50×", "≤ 1×", False, "slow disk"),
            Row(3, "no goal", "1 s", "1 s", 1.0, "1.00×", "—", None)]
    results = {"started": "now", "machine": {"cpus": 2, "python": "3"}, "runs": 3, "load_before": [0],
               "load_after": [0], "command": "bench", "errors": {"memory": "out of memory"}}
    table = markdown_table(rows, results).splitlines()
    assert table[2].endswith("| yes |  |")
    assert table[3].endswith("| **missed** | slow disk |")
    assert "| — |" in table[4]
    assert table[5] == "| | memory | not measured | | | | **missed** | out of memory |"


def test_measuring_one_section_again_keeps_the_other_rows(tmp_path: Path) -> None:
    earlier = {"started": "monday", "command": "bench", "load_before": [1], "load_after": [1], "runs": 3,
               "sections": {"preview": {"x": 1}, "sweep": {"x": 2}},
               "rows": [asdict(Row(1, "preview", "1 s", "1 s", 1.0, "1×", "—", None)),
                        asdict(Row(8, "old sweep", "9 s", "1 s", 9.0, "9×", "≤ 1.1×", False))]}
    earlier_file = tmp_path / "latest.json"
    earlier_file.write_text(json.dumps(earlier), encoding="utf-8")
    results = {"started": "tuesday", "command": "bench --only sweep", "load_before": [2], "load_after": [2],
               "runs": 3, "sections": {"sweep": {"x": 3}}}
    rows = _merge_earlier_run(results, [Row(8, "new sweep", "1 s", "1 s", 1.0, "1×", "≤ 1.1×", True)], earlier_file)
    assert [row.measure for row in rows] == ["preview", "new sweep"]
    assert results["sections"] == {"preview": {"x": 1}, "sweep": {"x": 3}}
    assert results["started"] == "monday" and results["remeasured"]["sweep"]["started"] == "tuesday"


def test_the_readme_shows_the_committed_results_of_every_measure(repo_root: Path) -> None:
    results_dir = repo_root / "bench" / "results"
    table = (results_dir / "latest.md").read_text(encoding="utf-8")
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    start, end = README_MARKERS
    assert f"{start}\n{table}{end}" in readme
    results = json.loads((results_dir / "latest.json").read_text(encoding="utf-8"))
    assert {row["number"] for row in results["rows"]} >= set(range(1, 8))
    assert not results["errors"]
