#!/usr/bin/env bash
# Style gate (run by CI after the tests): clang-format must leave every file unchanged, and clang-tidy
# (checks in .clang-tidy, all warnings as errors) must be clean on src/. Needs $BUILD_DIR/compile_commands.json (default ./build).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
mapfile -t files < <(find src tests bench -name '*.cpp' -o -name '*.hpp' | sort)
clang-format --dry-run --Werror "${files[@]}"
run-clang-tidy -p "$build_dir" -j "$(nproc)" -quiet "$(pwd)/src/" > "$build_dir/clang-tidy.log" 2>&1 || {
  grep -E "(warning|error):" "$build_dir/clang-tidy.log" | sort -u
  echo "clang-tidy found problems (full log: $build_dir/clang-tidy.log)"
  exit 1
}
echo "lint: clang-format and clang-tidy clean"
