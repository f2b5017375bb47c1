#!/usr/bin/env bash
# The main job: installs what is missing, builds in release, trains TD-MPC2 on the counting environment
# for a few minutes and prints what it learned. Usage: scripts/run.sh [CONFIG.json] [RUN_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product TrainCounting
export OPENBLAS_NUM_THREADS=1
.build/release/TrainCounting "${1:-examples/configs/counting-quick.json}" "${2:-runs/counting-quick}"
