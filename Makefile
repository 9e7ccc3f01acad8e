# Two commands do all the set-up:  `make lab` (install, open the notebooks)
# and `make test` (install, run unit tests + every notebook in fast mode).
PYTHON ?= python3
VENV ?= .venv
# The CPU build of PyTorch is enough; override, e.g. make lab TORCH=torch==2.11.0
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin

.PHONY: install lab test test-real lint format sync student clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# As root (a container, a lab machine image) Jupyter refuses to start without --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: install
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

test: install lint
	TUTORIAL_FAST=1 $(BIN)/python -m pytest -p no:cacheprovider

# Every notebook with its real settings (the numbers its prose quotes, the asserts'
# real-mode thresholds), one notebook per core, each on one thread: 5 min on 2 cores
# (259 cells passed in 303 s on this 2-core CPU, 2026-11-29).
JOBS ?= $(shell nproc)
test-real: install
	env -u TUTORIAL_FAST OMP_NUM_THREADS=1 $(BIN)/python -m pytest -p no:cacheprovider \
		-n $(JOBS) --dist loadfile --durations=0 notebooks/

# Lint (pyflakes and friends) and formatting, over the library, tests, benchmarks and
# the notebooks' .py sources; `make format` rewrites them.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# After editing a notebook's .py source, regenerate its .ipynb pair.
sync: install
	$(BIN)/jupytext --update --to ipynb notebooks/*.py  # the .py is the source

# Copies of the notebooks without the solution cells, for a lecturer to hand out.
student: install
	$(BIN)/python -m tutorial_lib handout --out student

clean:
	rm -rf $(VENV) .pytest_cache
