#!/usr/bin/env bash
# Installs the system and Python packages Foresight's build and tests need, when missing.
set -euo pipefail
need=()
pkg-config --exists openblas 2>/dev/null || need+=(libopenblas-dev)
pkg-config --exists zlib 2>/dev/null || need+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# MuJoCo 2.2.2 (Debian's libmujoco-dev ships no pkg-config file: ask dpkg).
dpkg-query -W -f='${Status}' libmujoco-dev 2>/dev/null | grep -q "ok installed" || need+=(libmujoco-dev)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y "${need[@]}"
fi
if [ "${1:-}" = "--tests" ]; then
  python3 -c "import safetensors, numpy" 2>/dev/null || python3 -m pip install --quiet safetensors numpy
  # Gymnasium's MuJoCo model files (the tests load them; the MuJoCo Python bindings are not needed).
  if ! { [ -x .venv/bin/python ] && .venv/bin/python -c "import gymnasium" 2>/dev/null; }; then
    python3 -c "import gymnasium" 2>/dev/null || python3 -m pip install --quiet "gymnasium==1.4.0"
  fi
fi
