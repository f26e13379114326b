# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
.PHONY: demo test lint bench bootstrap mutants

bootstrap:
	@scripts/bootstrap

demo: bootstrap
	.venv/bin/autolink demo

test: bootstrap
	.venv/bin/ruff check ecf_autolink tests bench
	.venv/bin/python -m pytest -q -n 2 -p no:cacheprovider

lint: bootstrap
	.venv/bin/ruff check ecf_autolink tests bench

# CPU per link of the whole process tree (counted in a cgroup), memory and throughput, the
# product against the sequential script (bench/run.py; docs/performance.md), then one
# sign-in per attorney across three courts on each sign-in path (bench/multi_court.py).
# A missed target (exit 1) still lets the sign-in counts run; `make bench` then fails with it.
bench: bootstrap
	.venv/bin/python bench/run.py; status=$$?; \
	.venv/bin/python bench/multi_court.py --attorneys 12 --latency 0.25 || exit $$?; \
	exit $$status

# Deliberate breaks (mutants/list.yaml), each on a temporary copy: fails if the tests miss one.
# Not part of `make test`: it runs each mutant's few tests once more per mutant.
mutants: bootstrap
	.venv/bin/python scripts/mutants
