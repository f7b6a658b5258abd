"""The executor interface runs any task kind: a new kind is a small dataclass, not a new render loop."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from gdanim.api import choose_executor, run_plan
from gdanim.run.cluster import DaskExecutor
from gdanim.run.executor import InProcessExecutor
from gdanim.run.plan import Plan
from gdanim.run.processes import ProcessExecutor
from gdanim.store.files import atomic_path
from gdanim.store.manifest import MANIFEST_NAME
from gdanim.task import ProgressCallback, ProgressEvent, TaskOutput
from tests.render_runs import debris


@dataclass(frozen=True)
class WriteProcessId:
    """A task kind of its own: write the id of the process that ran it. No clip, so no manifest entry."""

    key: str
    input_hash: str = "none"

    @property
    def label(self) -> str:
        return self.key

    def targets(self, out_dir: Path) -> dict[str, Path]:
        return {"txt": out_dir / "pids" / f"{self.key}.txt"}

    def current_input_hash(self) -> str:
        return self.input_hash

    def run(self, out_dir: Path, on_progress: ProgressCallback | None = None) -> TaskOutput:
        target = self.targets(out_dir)["txt"]
        with atomic_path(target) as temporary:
            temporary.write_text(str(os.getpid()), encoding="utf-8")
        if on_progress is not None:
            on_progress(ProgressEvent(self.key, "done"))
        return TaskOutput({"txt": target})


TASKS = [WriteProcessId(f"task-{index}") for index in range(4)]


@pytest.mark.parametrize("executor", [InProcessExecutor(), ProcessExecutor(2)], ids=["in-process", "processes"])
def test_every_local_executor_runs_a_new_task_kind(executor: InProcessExecutor, tmp_path: Path) -> None:
    events: list[ProgressEvent] = []
    outputs = list(executor.run(TASKS, tmp_path, events.append))
    assert sorted(task.key for task, _ in outputs) == [task.key for task in TASKS]
    pids = {int(output.files["txt"].read_text(encoding="utf-8")) for _, output in outputs}
    if isinstance(executor, ProcessExecutor):
        assert os.getpid() not in pids and len(pids) <= 2
    else:
        assert pids == {os.getpid()}
    assert sorted(event.clip_id for event in events) == [task.key for task in TASKS]
    assert debris(tmp_path) == []


@pytest.mark.unit
def test_the_render_loop_lands_tasks_without_an_entry_and_records_nothing(tmp_path: Path) -> None:
    plan = Plan(tmp_path, ("txt",), [], list(TASKS), len(TASKS))
    assert list(run_plan(plan, InProcessExecutor())) == []
    assert sorted(path.name for path in (tmp_path / "pids").iterdir()) == [f"{task.key}.txt" for task in TASKS]
    assert not (tmp_path / MANIFEST_NAME).exists()


@pytest.mark.unit
def test_one_place_chooses_the_executor() -> None:
    assert type(choose_executor(1)) is InProcessExecutor
    assert type(choose_executor(2)) is ProcessExecutor
    dask = choose_executor(2, "local")
    assert type(dask) is DaskExecutor and not dask.shares_disk
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        choose_executor(0)
