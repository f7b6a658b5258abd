"""Start gdanim's local Dask cluster of 2 workers, wait for both, and close it: the fixed cost of ``--scheduler local``.

``bench/bench_sweep.py`` times this with hyperfine beside the sweep itself, so the
table can say how much of Dask's overhead is paid once per run rather than per clip.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gdanim.run.cluster import LOCAL_SCHEDULER, _connect

WORKERS: int = 2


def main() -> None:
    with _connect(LOCAL_SCHEDULER, WORKERS) as client:
        client.wait_for_workers(WORKERS)


if __name__ == "__main__":  # the cluster spawns its workers: they must not run this again
    main()
