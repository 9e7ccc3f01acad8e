#!/usr/bin/env bash
# Does the course run with what Binder installs, and nothing more?
#
#   bash benchmarks/binder_check.sh            # fast mode: what CI runs after make test
#   MODE=real bash benchmarks/binder_check.sh  # real settings: the peak memory to publish
#
# Binder builds environment.yml with conda; this machine has no conda, so the check
# uses its pip twin, pyproject.toml's dependencies (tests/test_packaging.py checks that
# the two lists agree), in a fresh venv: CPU PyTorch first, then `pip install -e .`
# (environment.yml's own last line) without the [test] extra. It fails if a test tool
# came along, prints the install's time and size, then runs notebooks 01 and 05 top to bottom in that venv's kernel
# (benchmarks/notebook_times.py: seconds and each kernel's peak memory, against
# Binder's usual 2 GB). The venv is thrown away at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TORCH=${TORCH:-torch==2.13.0}
MODE=${MODE:-fast}
VENV=$(mktemp -d)/binder-venv
trap 'rm -rf "$(dirname "$VENV")"' EXIT

began=$(date +%s)
$PYTHON -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "$TORCH"
"$VENV/bin/python" -m pip install --quiet -e .
echo "binder set installed in $(($(date +%s) - began)) s, $(du -sm "$VENV" | cut -f1) MB ($TORCH)"

"$VENV/bin/python" - <<'EOF'
import importlib.util

extra = [m for m in ("pytest", "nbval", "ruff", "playwright", "xdist") if importlib.util.find_spec(m)]
assert not extra, f"the Binder set should carry no test tools, found {extra}"
print("no test tools in the Binder set")
EOF

fast=$([ "$MODE" = fast ] && echo --fast || true)
"$VENV/bin/python" benchmarks/notebook_times.py $fast --threads 1 \
    notebooks/01_restoration_problem.ipynb notebooks/05_inpainting.ipynb
