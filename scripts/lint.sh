#!/usr/bin/env bash
# Style gate (run by CI after the tests): clang-format must leave every file unchanged, every check that
# .clang-tidy names must exist in the installed clang-tidy, and clang-tidy (all warnings as errors) must be
# clean on every translation unit of $LINT_DIRS (default: src). scripts/tidy.py runs the units in parallel and
# caches clean results in ${XDG_CACHE_HOME:-~/.cache}/lumiere/clang-tidy, so a fresh machine checks everything.
# The compile commands come from $LINT_BUILD_DIR (default ./build-lint), configured here and never built: one
# unit per source file (no unity batches: the static analyzer only analyses the functions of a unit's main
# file), benchmarks on, and with clang-14 (scripts/install-deps.sh --sanitize) the fuzz targets too.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${LINT_BUILD_DIR:-build-lint}"
read -r -a dirs <<<"${LINT_DIRS:-src}"
mapfile -t files < <(find src tests fuzz bench -name '*.cpp' -o -name '*.hpp' | sort)
clang-format --dry-run --Werror "${files[@]}"
config=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUMIERE_WERROR=ON -DLUMIERE_UNITY=OFF -DLUMIERE_BUILD_BENCH=ON)
if command -v clang++-14 >/dev/null; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja "${config[@]}" -DLUMIERE_FUZZ=ON >/dev/null
else
  cmake -S . -B "$build_dir" -G Ninja "${config[@]}" >/dev/null
fi
python3 scripts/tidy.py -p "$build_dir" -j "$(nproc)" "${dirs[@]}" >"$build_dir/clang-tidy.log" 2>&1 || {
  grep -E "(warning|error):|^lint:" "$build_dir/clang-tidy.log" | sort -u
  tail -n 1 "$build_dir/clang-tidy.log"
  echo "clang-tidy found problems (full log: $build_dir/clang-tidy.log)"
  exit 1
}
tail -n 1 "$build_dir/clang-tidy.log"
echo "lint: clang-format and clang-tidy clean"
