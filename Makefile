# The two entry points of the README: `make render` and `make test`.
# Both run the idempotent set-up first, so each works on a fresh machine.
.PHONY: setup render test check bench

setup:
	@bash scripts/setup.sh

render: setup
	.venv/bin/gdanim --out out

# The whole suite; ruff and mypy run in it too (tests/unit/test_static_checks.py).
# Two pytest-xdist workers (CI has 2 cores), a test file each at a time: a file's renders,
# shared by its module fixtures, stay in one worker.
test: setup
	.venv/bin/python -m pytest -n 2 --dist loadfile

# ruff and mypy alone.
check: setup
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: setup
	.venv/bin/python bench/benchmark.py --update-readme
