#!/usr/bin/env bash
# The README's test command: install, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
stage_start=$SECONDS
bash scripts/build.sh
echo "== stage build: $((SECONDS - stage_start)) s"
cd build
stage_start=$SECONDS
ctest --output-on-failure -j "$(nproc)" "$@"
echo "== stage test: $((SECONDS - stage_start)) s"
