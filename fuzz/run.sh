#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each and prints, per target, executions, coverage (cov:/ft: from
# libFuzzer's final stats), corpus size and crashes (a hang or an out-of-memory counts as a crash).
#
#   fuzz/run.sh SECONDS [TARGET...]        e.g. fuzz/run.sh 60, fuzz/run.sh 600 fuzz_plist fuzz_stix
#
# Builds build-sanitize/ (clang-14, ASan+UBSan, LUMIERE_FUZZ=ON: the same tree scripts/sanitize.sh uses) when
# needed, seeds fuzz/corpus/<target>/ from the fixtures (fuzz/seed.py; git-ignored), runs at most
# FUZZ_JOBS targets at once (default 2) under `nice -n 10`. Crash inputs and logs go to fuzz/artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
build="${LUMIERE_FUZZ_BUILD:-build-sanitize}"
jobs="${FUZZ_JOBS:-2}"
all_targets=(fuzz_stix fuzz_plist fuzz_keybag fuzz_typedstream fuzz_manifest fuzz_module_db fuzz_archive)
targets=("$@")
[ "${#targets[@]}" -eq 0 ] && targets=("${all_targets[@]}")

max_len() {
  case "$1" in
    fuzz_keybag | fuzz_typedstream) echo 4096 ;;
    fuzz_stix) echo 16384 ;;
    fuzz_plist | fuzz_archive) echo 65536 ;;
    fuzz_manifest | fuzz_module_db) echo 131072 ;;
    *) echo 65536 ;;
  esac
}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DLUMIERE_WERROR=ON -DLUMIERE_SANITIZE=ON -DLUMIERE_FUZZ=ON >/dev/null || exit 1
fi
[ -n "${FUZZ_SKIP_BUILD:-}" ] || nice -n 10 ninja -C "$build" -j "$(nproc)" "${targets[@]}" >/dev/null || { echo "build failed" >&2; exit 1; }

python3 fuzz/seed.py fuzz/corpus >/dev/null || exit 1
mkdir -p fuzz/artifacts
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
  local target="$1" log="fuzz/artifacts/$1.log" start
  mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
  start=$(date +%s)
  # A crash, a hang (-timeout), an out-of-memory (-rss_limit_mb) or a leak ends the run and is saved under
  # fuzz/artifacts/<target>/ (fix it, add a regression test, run again).
  nice -n 10 "$build/fuzz/$target" "fuzz/corpus/$target" -max_total_time="$seconds" -max_len="$(max_len "$target")" \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="fuzz/artifacts/$target/" -print_final_stats=1 >"$log" 2>&1
  echo "$? $(($(date +%s) - start))" >"fuzz/artifacts/$target.rc"
}

running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

printf '%-18s %8s %12s %8s %8s %8s %8s\n' target seconds executions cov ft corpus crashes
status=0
for target in "${targets[@]}"; do
  log="fuzz/artifacts/$target.log"
  # libFuzzer's last status line: "#N  DONE  cov: C ft: F corp: ..." (or the last pulse before a crash).
  last=$(grep -E '^#[0-9]+\s.*cov: ' "$log" | tail -1)
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}')
  [ -n "$execs" ] || execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  cov=$(sed -E 's/.* cov: ([0-9]+).*/\1/' <<<"$last")
  ft=$(sed -E 's/.* ft: ([0-9]+).*/\1/' <<<"$last")
  wall=$(awk '{print $2}' "fuzz/artifacts/$target.rc" 2>/dev/null)
  corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
  crashes=$(find "fuzz/artifacts/$target" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
    -o -name 'leak-*' -o -name 'slow-unit-*' \) | wc -l)
  printf '%-18s %8s %12s %8s %8s %8s %8s\n' "$target" "${wall:-?}" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" \
    "$crashes"
  [ "$crashes" -eq 0 ] && [ -n "$last" ] || status=1
done
exit "$status"
