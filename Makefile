# Two entry points for a fresh machine: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint typecheck unit bootstrap bench web

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

# The web studio (web/, React + Vite) built into the package, where `persona serve` finds
# it. Rebuilt only when a source is newer than the build; npm ci only when the lock changed.
WEB_DIST := src/persona/service/studio_dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
	web/index.html web/vite.config.ts web/package.json web/package-lock.json web/tsconfig.json

web: $(WEB_DIST)

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

$(WEB_DIST): web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build
	@touch $@
