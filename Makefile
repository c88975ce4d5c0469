# Everything runs from a virtual environment this Makefile creates itself.
# `make demo` installs only what running needs; `make test` and `make lint` add the test tools.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: demo test lint install clean

# uv installs the whole set in seconds where pip takes minutes; it is itself one wheel.
# Bytecode is compiled once at install (the packages' and accords' own): without it, and where
# Python may not write it (PYTHONDONTWRITEBYTECODE), every command spends about 3 s compiling
# its imports again.
$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e .
	$(BIN)/python -m compileall -q src
	touch $@

$(DEV): $(RUNTIME)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	touch $@

install: $(DEV)

demo: $(RUNTIME)
	$(BIN)/accords simulate

test: $(DEV)
	$(BIN)/python -m pytest -q -n 2

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV)
