#!/usr/bin/env bash
# The sanitizer build: clang-14 with AddressSanitizer + UndefinedBehaviorSanitizer (LUMIERE_SANITIZE) in
# build-sanitize/, which also builds the libFuzzer targets (LUMIERE_FUZZ: every object carries fuzzer
# coverage, only fuzz/ executables link libFuzzer). Builds everything and runs the whole ctest suite; any
# leak, memory error or undefined behaviour aborts the test that hit it. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests --sanitize
# -O1 and line tables only: the usual sanitizer trade-off (fast enough, readable stack traces, quick to build).
stage_start=$SECONDS
CC=clang-14 CXX=clang++-14 cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DLUMIERE_WERROR=ON -DLUMIERE_SANITIZE=ON -DLUMIERE_FUZZ=ON >/dev/null
cmake --build build-sanitize -j "$(nproc)"
echo "== stage sanitizer build: $((SECONDS - stage_start)) s"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-sanitize
stage_start=$SECONDS
ctest --output-on-failure -j "$(nproc)" "$@"
echo "== stage sanitizer tests: $((SECONDS - stage_start)) s"
