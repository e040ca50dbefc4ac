#!/usr/bin/env bash
# Scale benchmark (issue #8): for N in 1 10 100 (or the N given as arguments), generates a realistic backup
# with gen_backup (cached under $LUMIERE_BENCH_DIR, default build/bench-data), runs
#   lumiere ios check-backup -i ../shared/iocs -o OUT BACKUP
# and measures wall time, CPU time (user+sys), peak RSS and records/s; then the floor, measured in the same
# run: the sqlite3 command-line tool reading every table of the databases the modules read (SELECT * into
# /dev/null), and the --hashes figure: lumiere hashing every file of the backup against sha256sum.
# Every measurement is taken REPEAT times (default 2) and the last (warm page cache) is kept: the floor is
# warm too.
# Usage: bench/run_scale.sh [N...]   (env: BUILD=build dir, JOBS=--jobs value (default the core count),
#                                          REPEAT=runs per measurement, LUMIERE=binary to measure)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${BUILD:-$root/build}"
lumiere="${LUMIERE:-$build/lumiere}"
repeat="${REPEAT:-2}"
gen="$build/bench/gen_backup"
iocs="$(cd "$root/../shared/iocs" && pwd)"
data="${LUMIERE_BENCH_DIR:-$build/bench-data}"
jobs="${JOBS:-$(nproc)}"
scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(1 10 100)

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for peak RSS)" >&2
  sudo apt-get install -y time >/dev/null 2>&1 || apt-get install -y time >/dev/null
fi
for tool in "$lumiere" "$gen"; do
  [ -x "$tool" ] || { echo "missing $tool: build with -DLUMIERE_BUILD_BENCH=ON (targets lumiere gen_backup)" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "missing the sqlite3 command-line tool (apt-get install sqlite3)" >&2; exit 2; }
mkdir -p "$data"

# The file ID of a backup file: SHA-1 of "domain-relativePath".
blob() { local id; id="$(printf '%s-%s' "$1" "$2" | sha1sum | cut -c1-40)"; echo "$3/${id:0:2}/$id"; }

# "wall user sys maxrss_kb" of a command (its output discarded), second of two runs.
measure() {
  local out
  out="$(mktemp)"
  for _ in $(seq "$repeat"); do
    /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>&1 || true
  done
  tail -n 1 "$out"
  rm -f "$out"
}

printf '%-5s %8s %8s %8s %8s %8s %8s %10s %7s %7s %7s\n' N records wall_s cpu_s rss_MB floor_w floor_c recs_per_s x_wall x_cpu hash_x
for n in "${scales[@]}"; do
  backup="$data/backup-$n"
  if [ ! -f "$backup/.complete" ]; then
    rm -rf "$backup"
    echo "generating N=$n into $backup" >&2
    "$gen" "$n" "$backup"
    touch "$backup/.complete"
  fi
  out="$data/out-$n"

  # lumiere
  rm -rf "$out"
  read -r wall user sys rss < <(measure "$lumiere" ios check-backup --jobs "$jobs" -i "$iocs" -o "$out" "$backup")
  records="$(python3 - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
skip = {"alerts.json", "info.json", "urls.json", "backup_info.json"}
total = 0
for name in os.listdir(out):
    if name.endswith(".json") and not name.endswith("_detected.json") and name not in skip:
        with open(os.path.join(out, name)) as f:
            data = json.load(f)
        total += len(data) if isinstance(data, (list, dict)) else 0
print(total)
EOF
)"

  # The floor: every table of every database the modules read, with the sqlite3 tool.
  script="$data/floor-$n.sh"
  {
    echo "set -e"
    for spec in \
      "HomeDomain|Library/SMS/sms.db" \
      "HomeDomain|Library/Safari/History.db" \
      "WirelessDomain|Library/Databases/DataUsage.sqlite" \
      "AppDomain-com.apple.mobilesafari|Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db" \
      "AppDomainGroup-group.net.whatsapp.WhatsApp.shared|ChatStorage.sqlite" \
      "AppDomainGroup-group.net.whatsapp.WhatsApp.shared|LID.sqlite" \
      "AppDomain-com.google.chrome.ios|Library/Application Support/Google/Chrome/Default/History"; do
      db="$(blob "${spec%%|*}" "${spec#*|}" "$backup")"
      tables="$(sqlite3 -readonly "$db" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")"
      sql=""
      for t in $tables; do sql+="SELECT * FROM \"$t\";"; done
      printf "sqlite3 -readonly '%s' '%s' >/dev/null\n" "$db" "$sql"
    done
    printf "sqlite3 -readonly '%s' 'SELECT * FROM Files;' >/dev/null\n" "$backup/Manifest.db"
  } >"$script"
  read -r fwall fuser fsys _ < <(measure bash "$script")

  # --hashes: lumiere's hashing (a run of the one cheapest module with and without it) against sha256sum.
  read -r h1 _ _ _ < <(measure "$lumiere" ios check-backup --jobs "$jobs" -m backup_info -H -o "$data/hash-$n" "$backup")
  read -r h0 _ _ _ < <(measure "$lumiere" ios check-backup --jobs "$jobs" -m backup_info -o "$data/nohash-$n" "$backup")
  read -r s1 _ _ _ < <(measure bash -c "find '$backup' -type f -print0 | xargs -0 sha256sum")
  rm -rf "$data/hash-$n" "$data/nohash-$n"

  python3 - "$n" "$records" "$wall" "$user" "$sys" "$rss" "$fwall" "$fuser" "$fsys" "$h1" "$h0" "$s1" <<'EOF'
import sys
n, records = sys.argv[1], int(sys.argv[2])
wall, user, sys_, rss, floor, fuser, fsys, h1, h0, s1 = map(float, sys.argv[3:])
cpu, fcpu = user + sys_, fuser + fsys
hash_time = max(h1 - h0, 0.0)
print(f"{n:<5} {records:8d} {wall:8.2f} {cpu:8.2f} {rss / 1024:8.1f} {floor:8.2f} {fcpu:8.2f} "
      f"{records / wall if wall else 0:10.0f} {wall / floor if floor else 0:7.2f} {cpu / fcpu if fcpu else 0:7.2f} "
      f"{hash_time / s1 if s1 else 0:7.2f}")
print(f"#     hashes: lumiere {hash_time:.2f} s (run with -H {h1:.2f} s minus without {h0:.2f} s), "
      f"sha256sum {s1:.2f} s", file=sys.stderr)
EOF
done
