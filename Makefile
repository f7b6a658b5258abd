# The two entry points of the README: `make render` and `make test`.
# Both run the idempotent set-up first, so each works on a fresh machine.
.PHONY: setup render test check bench

setup:
	@bash scripts/setup.sh

render: setup
	.venv/bin/gdanim --out out

# ruff and mypy first (seconds), then the tests; `make check` is the first two alone.
test: setup check
	.venv/bin/python -m pytest

check: setup
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: setup
	.venv/bin/python bench/benchmark.py --update-readme
