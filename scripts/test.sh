#!/usr/bin/env bash
# Runs Foresight's test suite (release build, so numerical tests run at full speed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
# Gymnasium's MuJoCo model files, from the installed gymnasium package (unless the caller chose a directory).
if [ -z "${FORESIGHT_MUJOCO_MODELS:-}" ]; then
  python=python3
  if [ -x .venv/bin/python ] && .venv/bin/python -c "import gymnasium" 2>/dev/null; then python=.venv/bin/python; fi
  FORESIGHT_MUJOCO_MODELS="$("$python" -c 'import gymnasium, os; print(os.path.join(os.path.dirname(gymnasium.__file__), "envs", "mujoco", "assets"))')"
  export FORESIGHT_MUJOCO_MODELS
fi
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
