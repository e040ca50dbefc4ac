#!/usr/bin/env bash
# Installs lumiere's build and test dependencies from Debian 12's packages (run as root).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libssl-dev libplist-dev libarchive-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  libpsl-dev publicsuffix libidn2-dev libcurl4-openssl-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-format clang-tidy ccache
)
# `install-deps.sh --tests`: also what only the test suite needs (headless Chromium renders report.html).
# `install-deps.sh --sanitize`: also clang 14 and its sanitizer/libFuzzer runtimes (scripts/sanitize.sh, fuzz/).
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=(chromium) ;;
    --sanitize) packages+=(clang-14 libclang-rt-14-dev) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2 && exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
