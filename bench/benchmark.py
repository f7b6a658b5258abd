"""Run every ``bench/bench_*.py`` in turn (``make bench``); each prints its table and saves ``bench/results/*.json``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH_DIR: Path = Path(__file__).resolve().parent


def main() -> int:
    """Run each benchmark script; return the number that failed."""
    failed = 0
    for script in sorted(BENCH_DIR.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        completed = subprocess.run([sys.executable, str(script)], cwd=BENCH_DIR.parent, check=False)
        if completed.returncode != 0:
            print(f"{script.name} failed with exit status {completed.returncode}", file=sys.stderr)
            failed += 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
