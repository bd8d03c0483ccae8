# Two entry points for a fresh machine: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint typecheck unit bootstrap bench

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	$(BIN)/persona demo -o demo.mp4

test: bootstrap check

check: lint typecheck unit

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck:
	$(BIN)/mypy

# pytest exits 5 when it collects no tests; that is not a failure.
unit:
	@$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; rc=0; fi; exit $$rc

bench: bootstrap
	$(BIN)/python benchmarks/engine.py
