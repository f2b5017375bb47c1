#!/usr/bin/env bash
# Creates the Python reference environment in .venv (ignored by git): PyTorch (CPU), Gymnasium with MuJoCo 2.3.3 (the
# PyPI wheel closest to Debian's MuJoCo 2.2.2 that Foresight links), safetensors, numpy, pillow. The fixture, probe and benchmark scripts under scripts/ use .venv/bin/python when it exists.
# Usage: scripts/setup-python.sh   (then: .venv/bin/python scripts/fixtures/torch_golden.py, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet torch "gymnasium[mujoco]>=1.1" "mujoco==2.3.3" safetensors numpy pillow
.venv/bin/python -c "import torch, gymnasium, mujoco, safetensors, numpy, PIL; print('python reference environment ready:', torch.__version__, gymnasium.__version__, 'mujoco', mujoco.__version__)"
