# Two commands set everything up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
# Exact versions and hashes (tools/lock.py); `make lock` after changing pyproject.toml.
LOCK := requirements-dev.lock
UV_COMPILE := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" pyproject.toml -

.PHONY: install run test lint format bench clean chromium lock lock-check

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) tools/lock.py check
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps --requirement $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

install: $(STAMP)

# Resolve again: the dev lock first (keeping its versions where pyproject.toml allows), then
# the image's lock constrained to the same versions; both stamped with what they came from.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet 'uv>=0.9'
	$(PYTHON) tools/lock.py build-requires | $(UV_COMPILE) --extra test --output-file $(LOCK)
	$(PYTHON) tools/lock.py build-requires | $(UV_COMPILE) --constraint $(LOCK) \
		--output-file requirements.lock
	$(PYTHON) tools/lock.py stamp

lock-check:
	$(PYTHON) tools/lock.py check

run: install
	$(BIN)/opm db upgrade
	OPM_DOCS=$${OPM_DOCS:-true} $(BIN)/opm serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

# Chromium first: a machine without it installs it (root) or stops here, before anything runs.
test: chromium lock-check lint
	$(BIN)/pytest -n auto  # one process a core (tests spread one by one: schemathesis gives one id to many)

chromium:
	tools/ensure-chromium

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The API against bare endpoints doing the same database work (bench/api.py), then scoring.
bench: install
	$(BIN)/python bench/api.py
	$(BIN)/python bench/scoring.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
