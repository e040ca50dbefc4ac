#!/usr/bin/env python3
"""clang-tidy over the project's translation units, in parallel, with a cache of clean results.

Usage: tidy.py -p BUILD_DIR [-j N] [PATH...]   (folders or files to check, default src tests fuzz bench)

Every unit of BUILD_DIR/compile_commands.json whose file lies in one of the DIRs is checked with the checks of
.clang-tidy (all warnings are errors there). A unit that comes out clean is recorded in the cache, keyed by a
hash of its preprocessed text (so every header it includes), its compile command, .clang-tidy and the
clang-tidy version; the next run skips a unit whose key is recorded. Only clean results are cached: a unit
with findings is checked again on every run, and a fresh machine (empty cache) checks everything.

Before that, every check that .clang-tidy names without a wildcard must be known to the installed clang-tidy:
a misspelt or newer check would otherwise be silently not enforced.

Cache: $LUMIERE_TIDY_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/lumiere/clang-tidy; LUMIERE_TIDY_CACHE=off
disables it.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLANG_TIDY = os.environ.get("CLANG_TIDY", "clang-tidy")


def listed_checks(config_text):
    """The entries of the `Checks:` value of a .clang-tidy file (a plain or folded scalar)."""
    lines = config_text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Checks:"):
            value = line[len("Checks:"):].strip().strip("'\"")
            parts = [] if value in (">", "|", ">-", "|-") else [value]
            for more in lines[i + 1:]:
                if more and not more[0].isspace():
                    break
                parts.append(more.strip())
            return [c.strip() for c in ",".join(parts).split(",") if c.strip()]
    return []


def verify_checks(config_text):
    named = [c for c in listed_checks(config_text) if not c.startswith("-") and "*" not in c]
    if not named:
        return True
    out = subprocess.run([CLANG_TIDY, "--list-checks", "--checks=-*," + ",".join(named)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    known = {line.strip() for line in out.splitlines()[1:] if line.strip()}
    unknown = [c for c in named if c not in known]
    for check in unknown:
        print(f"lint: .clang-tidy lists {check}, which {CLANG_TIDY} does not have (not enforced)", file=sys.stderr)
    return not unknown


def units(build_dir, dirs):
    wanted = [str((ROOT / d).resolve()) for d in dirs]
    seen = {}
    for entry in json.loads((Path(build_dir) / "compile_commands.json").read_text()):
        file = str((Path(entry["directory"]) / entry["file"]).resolve())
        if any(file == w or file.startswith(w + os.sep) for w in wanted) and file not in seen:
            seen[file] = entry
    return seen


def preprocess_command(entry):
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    if Path(args[0]).name == "ccache":
        args = args[1:]
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if arg in ("-c", "-MD", "-MMD"):
            continue
        out.append(arg)
    return out + ["-E"]


def cache_key(entry, salt):
    command = preprocess_command(entry)
    text = subprocess.run(command, capture_output=True, check=True, cwd=entry["directory"]).stdout
    root = str(ROOT).encode()
    digest = hashlib.sha256(salt)
    digest.update(" ".join(command).replace(str(ROOT), "@ROOT@").encode())
    digest.update(text.replace(root, b"@ROOT@"))
    return digest.hexdigest()


def check(file, entry, build_dir, salt, cache_dir):
    key = None
    if cache_dir is not None:
        try:
            key = cache_key(entry, salt)
        except subprocess.CalledProcessError:
            key = None  # clang-tidy reports why the unit does not compile
        if key is not None and (cache_dir / key[:2] / key).exists():
            return file, True, True, ""
    result = subprocess.run([CLANG_TIDY, "-p", str(build_dir), "--quiet", file], capture_output=True, text=True,
                            cwd=ROOT)
    output = result.stdout + result.stderr
    clean = result.returncode == 0 and not re.search(r"(warning|error):", output)
    if clean and key is not None:
        (cache_dir / key[:2]).mkdir(parents=True, exist_ok=True)
        (cache_dir / key[:2] / key).touch()
    return file, clean, False, output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-p", dest="build_dir", required=True)
    parser.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("dirs", nargs="*", default=["src", "tests", "fuzz", "bench"])
    options = parser.parse_args()

    config = (ROOT / ".clang-tidy").read_text()
    if not verify_checks(config):
        return 1

    cache_setting = os.environ.get("LUMIERE_TIDY_CACHE")
    cache_dir = None
    if cache_setting != "off":
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        cache_dir = Path(cache_setting) if cache_setting else Path(base) / "lumiere" / "clang-tidy"
    version = subprocess.run([CLANG_TIDY, "--version"], capture_output=True, check=True).stdout
    salt = version + b"\0" + config.encode() + b"\0"

    todo = units(options.build_dir, options.dirs)
    failed = []
    cached = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        jobs = [pool.submit(check, f, e, Path(options.build_dir).resolve(), salt, cache_dir) for f, e in todo.items()]
        for job in concurrent.futures.as_completed(jobs):
            file, clean, from_cache, output = job.result()
            cached += from_cache
            if not clean:
                failed.append(file)
                print(f"--- {os.path.relpath(file, ROOT)}")
                print("\n".join(l for l in output.splitlines() if not re.fullmatch(r"\d+ warnings? generated\.", l)),
                      flush=True)
    print(f"clang-tidy: {len(todo)} units ({cached} clean in the cache), {len(failed)} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
