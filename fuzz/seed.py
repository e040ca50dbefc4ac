#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the test fixtures (tests/fixtures/**) and the shared
indicator files (../shared/iocs, read in place, never copied into the repository).

    python3 fuzz/seed.py OUT_DIR      # writes OUT_DIR/<target>/seed-*; existing files are kept

Nothing here is committed: fuzz/run.sh calls it for fuzz/corpus/ (git-ignored)."""
import datetime
import glob
import hashlib
import io
import json
import os
import plistlib
import sqlite3
import struct
import sys
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
IOCS = os.path.join(ROOT, "..", "shared", "iocs")
MAC_EPOCH = datetime.datetime(2001, 1, 1)


def write(out, target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def plist_value(v):
    """Fixture JSON (DEVELOPERS.md conventions) to plistlib values."""
    if isinstance(v, dict):
        if set(v) == {"$date"}:
            return MAC_EPOCH + datetime.timedelta(seconds=v["$date"])
        if set(v) == {"$data"}:
            return bytes.fromhex(v["$data"])
        if set(v) == {"$uid"}:
            return plistlib.UID(v["$uid"])
        if set(v) == {"$bplist"}:
            return plistlib.dumps(plist_value(v["$bplist"]), fmt=plistlib.FMT_BINARY)
        return {k: plist_value(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [plist_value(x) for x in v if x is not None]
    return v


def plist_bytes(value, fmt=plistlib.FMT_BINARY):
    try:
        return plistlib.dumps(value, fmt=fmt, sort_keys=False)
    except (TypeError, ValueError, OverflowError):
        return None


def mbfile(path, birth=1600000000, modified=1600000000, key=None):
    obj = {"$class": plistlib.UID(3), "Birth": birth, "LastModified": modified, "LastStatusChange": modified,
           "Mode": 33188, "Size": 12, "RelativePath": plistlib.UID(2), "InodeNumber": 1234, "UserID": 501,
           "GroupID": 501, "ProtectionClass": 3, "Flags": 0}
    if key is not None:
        obj["EncryptionKey"] = plistlib.UID(4)
    objects = ["$null", obj, path, {"$classname": "MBFile", "$classes": ["MBFile", "NSObject"]}]
    if key is not None:
        objects.append({"NS.data": key, "$class": plistlib.UID(5)})
        objects.append({"$classname": "NSMutableData", "$classes": ["NSMutableData", "NSData", "NSObject"]})
    return plistlib.dumps({"$version": 100000, "$archiver": "NSKeyedArchiver", "$top": {"root": plistlib.UID(1)},
                           "$objects": objects}, fmt=plistlib.FMT_BINARY)


def db_image(setup):
    """A small SQLite image (512-byte pages) built by `setup(connection)`."""
    path = "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp"
    path = os.path.join(path, "lumiere-seed-%d.sqlite" % os.getpid())
    if os.path.exists(path):
        os.remove(path)
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA page_size=512")
        setup(con)
        con.commit()
        con.execute("VACUUM")
        con.close()
        with open(path, "rb") as f:
            return f.read()
    except sqlite3.Error:
        con.close()
        return None
    finally:
        if os.path.exists(path):
            os.remove(path)


def manifest_image(files):
    def setup(con):
        con.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, "
                    "file BLOB)")
        con.execute("CREATE INDEX FilesDomainIdx ON Files(domain)")
        con.execute("CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)")
        for domain, path, flags, birth, modified in files:
            file_id = hashlib.sha1(("%s-%s" % (domain, path)).encode()).hexdigest()
            con.execute("INSERT INTO Files VALUES (?,?,?,?,?)",
                        (file_id, domain, path, flags, mbfile(path, birth, modified)))
    return db_image(setup)


def fixture_cases():
    for case in sorted(glob.glob(os.path.join(FIXTURES, "*", "*", "case.json"))):
        with open(case) as f:
            yield os.path.dirname(case), json.load(f)


def seed_stix(out):
    bundles = sorted(glob.glob(os.path.join(IOCS, "**", "*.stix2"), recursive=True))
    patterns = {}
    for path in bundles:
        try:
            with open(path, encoding="utf-8") as f:
                bundle = json.load(f)
        except (OSError, ValueError):
            continue
        objects = bundle.get("objects", [])
        # Small bundles: the non-indicator objects plus a few indicators and their relationships.
        head = [o for o in objects if o.get("type") not in ("indicator", "relationship")][:4]
        indicators = [o for o in objects if o.get("type") == "indicator"]
        relationships = [o for o in objects if o.get("type") == "relationship"][:4]
        for start in range(0, min(len(indicators), 60), 6):
            small = dict(bundle)
            small["objects"] = head + indicators[start:start + 6] + relationships
            write(out, "fuzz_stix", json.dumps(small, indent=2))
        for o in indicators:
            p = o.get("pattern", "")
            key = p.split(":", 1)[0] + ("AND" if " AND " in p else "") + ("OR" if " OR " in p else "")
            patterns.setdefault(key, []).append(p)
    for _, case in fixture_cases():
        if "iocs_inline" in case:
            write(out, "fuzz_stix", json.dumps(case["iocs_inline"]))
            for o in case["iocs_inline"].get("objects", []):
                if "pattern" in o:
                    write(out, "fuzz_stix", o["pattern"])
    for key, found in patterns.items():
        for p in found[:8]:
            write(out, "fuzz_stix", p)
    for p in ["[domain-name:value = 'a.com'] OR [url:value LIKE 'http://%.b/x'] WITHIN 10 SECONDS",
              "([file:hashes.'SHA-256' = 'ab' AND file:name = 'x\\'y'] AND [process:name IN ('a','b')])",
              "[ipv4-addr:value ISSUBSET '10.0.0.0/8'] REPEATS 2 TIMES START t'2020-01-01T00:00:00Z' "
              "STOP t'2021-01-01T00:00:00Z'",
              "[email-addr:value MATCHES '^a.*@b\\\\.com$'] FOLLOWEDBY [x-ios:bundle != 'c']"]:
        write(out, "fuzz_stix", p)


def seed_plists(out):
    for _, case in fixture_cases():
        backup = case.get("backup", {})
        values = [f["plist"] for f in backup.get("files", []) if "plist" in f]
        if "info" in backup:
            values.append({k: v for k, v in backup["info"].items() if v is not None})
        for v in values:
            converted = plist_value(v)
            for fmt in (plistlib.FMT_BINARY, plistlib.FMT_XML):
                data = plist_bytes(converted, fmt)
                if data is not None and len(data) <= 65536:
                    write(out, "fuzz_plist", data)
            # nested $bplist payloads are plists too
            stack = [v]
            while stack:
                x = stack.pop()
                if isinstance(x, dict):
                    if set(x) == {"$bplist"}:
                        data = plist_bytes(plist_value(x["$bplist"]))
                        if data is not None:
                            write(out, "fuzz_plist", data)
                    stack.extend(x.values())
                elif isinstance(x, list):
                    stack.extend(x)
    write(out, "fuzz_plist", mbfile("Library/SMS/sms.db"))
    write(out, "fuzz_plist", mbfile("Library/Keychains/x", key=bytes(range(44))))
    cyclic = {"$version": 100000, "$archiver": "NSKeyedArchiver", "$top": {"root": plistlib.UID(1)},
              "$objects": ["$null", {"NS.objects": [plistlib.UID(1), plistlib.UID(2)], "$class": plistlib.UID(3)},
                           "x", {"$classname": "NSArray", "$classes": ["NSArray", "NSObject"]}]}
    write(out, "fuzz_plist", plistlib.dumps(cyclic, fmt=plistlib.FMT_BINARY))


def tlv(tag, value):
    if isinstance(value, int):
        value = struct.pack(">I", value)
    return tag.encode() + struct.pack(">I", len(value)) + value


def seed_keybag(out):
    def keybag(classes, double=True):
        data = tlv("VERS", 4) + tlv("TYPE", 1) + tlv("UUID", bytes(16)) + tlv("HMCK", bytes(40)) + tlv("WRAP", 0)
        data += tlv("SALT", bytes(range(20))) + tlv("ITER", 1)
        if double:
            data += tlv("DPWT", 1) + tlv("DPIC", 1) + tlv("DPSL", bytes(range(20)))
        for n in classes:
            data += tlv("UUID", bytes([n]) * 16) + tlv("CLAS", n) + tlv("WRAP", 2) + tlv("KTYP", 0)
            data += tlv("WPKY", bytes([n]) * 40)
        return data
    write(out, "fuzz_keybag", keybag([1, 2, 3]))
    write(out, "fuzz_keybag", keybag(range(1, 12)))
    write(out, "fuzz_keybag", keybag([3], double=False))


def seed_sqlite(out):
    sqls = sorted(glob.glob(os.path.join(FIXTURES, "**", "*.sql"), recursive=True))
    for sql_file in sqls:
        with open(sql_file, encoding="utf-8") as f:
            script = f.read()
        image = db_image(lambda con, s=script: con.executescript(s))
        if image is None:
            continue
        target = "fuzz_manifest" if os.path.basename(sql_file).startswith("manifest") else "fuzz_module_db"
        if len(image) <= 262144:
            write(out, target, image)
        # attributedBody blobs (typedstream)
        con = sqlite3.connect(":memory:")
        try:
            con.executescript(script)
            for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                cols = [r[1] for r in con.execute("PRAGMA table_info(\"%s\")" % table)]
                if "attributedBody" in cols:
                    for (blob,) in con.execute("SELECT attributedBody FROM \"%s\"" % table):
                        if isinstance(blob, bytes) and blob:
                            write(out, "fuzz_typedstream", blob)
        except sqlite3.Error:
            pass
        con.close()
    for _, case in fixture_cases():
        files = case.get("backup", {}).get("files", [])
        if not files:
            continue
        rows = [(f["domain"], f["path"], 2 if f.get("directory") else 1, f.get("birth", 1600000000),
                 f.get("modified", 1600000000)) for f in files]
        image = manifest_image(rows)
        if image is not None:
            write(out, "fuzz_manifest", image)


def seed_archives(out):
    manifest = manifest_image([("HomeDomain", "Library/SMS/sms.db", 1, 1600000000, 1600000000)]) or b""
    info = plistlib.dumps({"Product Version": "17.4"}, fmt=plistlib.FMT_XML)
    layouts = {
        "backup": {"00008030-001/Manifest.db": manifest, "00008030-001/Info.plist": info},
        "sysdiagnose": {"sysdiagnose_2024/logs/ps.txt": b"USER PID\nroot 1 launchd\n",
                        "sysdiagnose_2024/summaries/crashes_and_spins.log": b"x\n"},
        "filesystem": {"private/var/mobile/Library/SMS/sms.db": b"SQLite format 3\0",
                       "private/var/root/x": b""},
        "hostile": {"../escape.txt": b"outside", "/etc/absolute": b"x", "a/../../b": b"y"},
    }
    for name, members in layouts.items():
        for mode in ("w", "w:gz", "w:bz2", "w:xz"):
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode=mode) as tar:
                for member, data in members.items():
                    ti = tarfile.TarInfo(member)
                    ti.size = len(data)
                    tar.addfile(ti, io.BytesIO(data))
                if name == "hostile":
                    link = tarfile.TarInfo("link")
                    link.type = tarfile.SYMTYPE
                    link.linkname = "/etc/passwd"
                    tar.addfile(link)
            write(out, "fuzz_archive", buf.getvalue())
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for member, data in members.items():
                z.writestr(member, data)
        write(out, "fuzz_archive", buf.getvalue())
    write(out, "fuzz_archive", b"ANDROID BACKUP\n5\n1\nnone\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    seed_stix(out)
    seed_plists(out)
    seed_keybag(out)
    seed_sqlite(out)
    seed_archives(out)
    for target in sorted(os.listdir(out)):
        print("%-18s %d files" % (target, len(os.listdir(os.path.join(out, target)))))


if __name__ == "__main__":
    main()
