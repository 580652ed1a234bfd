#!/usr/bin/env python3
"""Write a scaled copy of the T11/AII 001-2020 scheme for load and timing runs (issue 14).

    scripts/gen-scheme.py OUT_DIR ITEMS [VARIANT]

writes OUT_DIR/t11-aii-001-2020/, the shipped scheme whose tables of VARIANT (default
odm-oem, 331 items) are repeated row by row until the variant has about ITEMS indicators
(each table grows in proportion; a copy keeps the original's path, content, category and
seed line, with the next serial number and the id `<table>-<serial>`). The other variants and
every other file are copied as they are; the counts files are left out (only tests read them,
and they would no longer match). Serve it with `tianping --schemes-dir OUT_DIR …` (or
TIANPING_SCHEMES_DIR): the folder replaces the shipped scheme of the same id.

Not a standard: a benchmark fixture only. Needs Python 3.11 (tomllib).
"""

import json
import shutil
import sys
import tomllib
from pathlib import Path

SCHEME = "t11-aii-001-2020"


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r}")


def section(header, d):
    lines = [header]
    for k, v in d.items():
        if isinstance(v, dict):
            raise TypeError(f"nested table {k} not supported")
        lines.append(f"{k} = {toml_value(v)}")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    target = int(sys.argv[2])
    variant = sys.argv[3] if len(sys.argv) == 4 else "odm-oem"
    src = Path(__file__).resolve().parent.parent / "schemes" / SCHEME
    dst = out / SCHEME
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("counts"))
    scheme = tomllib.loads((src / "scheme.toml").read_text(encoding="utf-8"))
    keys = next(v["tables"] for v in scheme["variant"] if v["id"] == variant)
    tables = {}
    for f in (src / "tables").glob("*.toml"):
        t = tomllib.loads(f.read_text(encoding="utf-8"))
        if t["table"]["key"] in keys:
            tables[f.name] = t
    have = sum(len(t["indicator"]) for t in tables.values())
    total = 0
    for name, t in sorted(tables.items()):
        rows = t["indicator"]
        want = max(len(rows), round(len(rows) * target / have))
        key = t["table"]["key"]
        serial = max(int(r["serial"]) for r in rows)
        out_rows = list(rows)
        k = 0
        while len(out_rows) < want:
            r = dict(rows[k % len(rows)])
            serial += 1
            r["serial"] = str(serial)
            r["id"] = f"{key}-{serial}"
            out_rows.append(r)
            k += 1
        total += len(out_rows)
        text = section("[table]", t["table"])
        for i in t.get("interpretation", []):
            text += "\n" + section("[[interpretation]]", i)
        for r in out_rows:
            text += "\n" + section("[[indicator]]", r)
        (dst / "tables" / name).write_text(text, encoding="utf-8")
    print(f"{dst}: variant {variant} has {total} indicators (was {have})", file=sys.stderr)


if __name__ == "__main__":
    main()
