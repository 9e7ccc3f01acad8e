# Two commands do all the set-up:  `make lab` (install, open the notebooks)
# and `make test` (install, run unit tests + every notebook in fast mode).
PYTHON ?= python3
VENV ?= .venv
# The CPU build of PyTorch is enough; override, e.g. make lab TORCH=torch==2.11.0
TORCH ?= torch==2.13.0
# On Linux pip's default torch wheel is the CUDA build (several GB of libraries a CPU
# course never uses); PyTorch's own CPU index serves the ~200 MB CPU build. Where that
# index cannot be reached within 5 s (a machine with only a package mirror), pip's
# default index is used instead, and the install says which. For a CUDA build:
#   make lab TORCH_INDEX=https://download.pytorch.org/whl/cu128   (or TORCH_INDEX= : pip's default)
TORCH_INDEX ?= $(if $(filter Linux,$(shell uname -s)),https://download.pytorch.org/whl/cpu)
BIN := $(VENV)/bin

.PHONY: install install-test lab test test-real lint format sync student slides site clean

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@if [ -n "$(TORCH_INDEX)" ] && $(BIN)/python -c "import urllib.request; \
		urllib.request.urlopen('$(TORCH_INDEX)/torch/', timeout=5)" 2>/dev/null; then \
		echo "PyTorch: $(TORCH) from $(TORCH_INDEX)"; \
		$(BIN)/python -m pip install --quiet --index-url "$(TORCH_INDEX)" "$(TORCH)"; \
	else \
		echo "PyTorch: $(TORCH) from pip's default index ($(if $(TORCH_INDEX),$(TORCH_INDEX) not reachable within 5 s,TORCH_INDEX is empty))"; \
		$(BIN)/python -m pip install --quiet "$(TORCH)"; \
	fi
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The test tools and the site's: pyproject's [test] and [docs] extras
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,docs]"
	touch $@

# As root (a container, a lab machine image) Jupyter refuses to start without --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: install
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

# The suite runs every notebook once (nbval, fast mode) and keeps what it ran; the
# site is built from those copies and then opened in a browser (tests/test_site.py).
test: install-test lint
	rm -rf _build/executed
	TUTORIAL_FAST=1 NOTEBOOKS_EXECUTED_OUT=_build/executed \
		$(BIN)/python -m pytest -p no:cacheprovider -m "not site"
	TUTORIAL_FAST=1 $(BIN)/python docs/build_site.py --executed _build/executed \
		--out _build/site-fast
	SITE_DIR=_build/site-fast $(BIN)/python -m pytest -p no:cacheprovider -m site \
		tests/test_site.py

# The rendered course with the real settings: every notebook run top to bottom (two at
# a time; a rebuild reruns only notebooks whose code changed), then
# _build/site/index.html. About as long as make test-real the first time.
site: install-test
	$(BIN)/python docs/build_site.py --out _build/site

# Every notebook with its real settings (the numbers its prose quotes, the asserts'
# real-mode thresholds), one notebook per core, each on one thread: 5 min on 2 cores
# (259 cells passed in 303 s on this 2-core CPU, 2026-11-29).
JOBS ?= $(shell nproc)
test-real: install-test
	env -u TUTORIAL_FAST OMP_NUM_THREADS=1 $(BIN)/python -m pytest -p no:cacheprovider \
		-n $(JOBS) --dist loadfile --durations=0 notebooks/

# Lint (pyflakes and friends) and formatting, over the library, tests, benchmarks and
# the notebooks' .py sources; `make format` rewrites them.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# After editing a notebook's .py source, regenerate its .ipynb pair.
sync: install
	$(BIN)/jupytext --update --to ipynb notebooks/*.py  # the .py is the source

# Copies of the notebooks without the solution cells, for a lecturer to hand out.
student: install
	$(BIN)/python -m tutorial_lib handout --out student

# The lecture's figures at projector size (labels of 14 pt or more, checked) and a
# reveal.js deck of the notebooks' cells tagged "slide", in the git-ignored slides/.
slides: install
	$(BIN)/python -m tutorial_lib slides --out slides --force

clean:
	rm -rf $(VENV) .pytest_cache _build
