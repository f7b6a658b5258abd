# The two entry points of the README: `make render` and `make test`.
# Both run the idempotent set-up first, so each works on a fresh machine.
.PHONY: setup render test bench

setup:
	@bash scripts/setup.sh

render: setup
	.venv/bin/gdanim --out out

test: setup
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/python bench/benchmark.py --update-readme
