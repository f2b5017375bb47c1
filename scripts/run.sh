#!/usr/bin/env bash
# The main job: installs what is missing, builds in release, trains two encoders of TD-MPC2 world models on the
# counting environment side by side (P-JEPA's joint-reward and a transition-only control) and prints what they
# kept. Usage: scripts/run.sh [RUN_DIR] [UPDATES]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product TrainCounting
export OPENBLAS_NUM_THREADS=1
.build/release/TrainCounting "${1:-runs/counting-main}" ${2:+"$2"}
