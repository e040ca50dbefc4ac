#!/usr/bin/env bash
# Style gate (run by CI after the tests): clang-format must leave every file unchanged, and clang-tidy
# (checks in .clang-tidy, all warnings as errors) must be clean on src/. Needs ./build/compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src tests bench -name '*.cpp' -o -name '*.hpp' | sort)
clang-format --dry-run --Werror "${files[@]}"
run-clang-tidy -p build -j "$(nproc)" -quiet "$(pwd)/src/" > build/clang-tidy.log 2>&1 || {
  grep -E "(warning|error):" build/clang-tidy.log | sort -u
  echo "clang-tidy found problems (full log: build/clang-tidy.log)"
  exit 1
}
echo "lint: clang-format and clang-tidy clean"
