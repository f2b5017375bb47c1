#!/usr/bin/env bash
# Runs Foresight's test suite (release build, so numerical tests run at full speed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
