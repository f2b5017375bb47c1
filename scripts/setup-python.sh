#!/usr/bin/env bash
# Creates the Python reference environment in .venv (ignored by git): PyTorch (CPU), Gymnasium, safetensors, numpy,
# pillow. The fixture, probe and benchmark scripts under scripts/ use .venv/bin/python when it exists.
# Usage: scripts/setup-python.sh   (then: .venv/bin/python scripts/fixtures/torch_golden.py, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet torch "gymnasium>=1.1" safetensors numpy pillow
.venv/bin/python -c "import torch, gymnasium, safetensors, numpy, PIL; print('python reference environment ready:', torch.__version__, gymnasium.__version__)"
