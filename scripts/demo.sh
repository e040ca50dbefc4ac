#!/usr/bin/env bash
# The README's run command: install, build, and scan the built-in infected example device.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/lumiere demo "$@"
