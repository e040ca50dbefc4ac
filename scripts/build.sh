#!/usr/bin/env bash
# Configures and builds lumiere into ./build (Release with debug info, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache (CMakeLists.txt uses it when installed): paths relative to the checkout, so that clones and
# worktrees share one cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(cd .. && pwd)}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUMIERE_WERROR=ON "$@" >/dev/null
cmake --build build -j "$(nproc)"
