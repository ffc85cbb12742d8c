#!/usr/bin/env bash
# t_formats.sh - table, CSV and JSON lines give the same rows, for every capture in pcaps/.
#
# For each capture the binary runs three times (-F table, -F csv, -F json). Rows are matched
# by host, port and transport and must be the same set, in the same order (host, then port):
#   - CSV and JSON: every contract column equal (JSON numbers compared as text);
#   - table: host, port/transport, service (ssl/<service> inside TLS), product, version,
#     verdict, confidence, flows and banner equal to the CSV's, where "-" stands for an empty
#     cell and a cell cut to its column cap ends in "..." after a prefix of the CSV's text;
#   - the table's summary line counts the CSV's rows (endpoints, identified, verdicts).
# A table line ends without blanks, so a banner's trailing spaces are not in the table.
set -u
cd "$ROOT" || exit 1
exec python3 - "$PS_BIN" pcaps/*.pcap pcaps/*.pcapng <<'PY'
import csv, io, json, re, subprocess, sys

binary, captures = sys.argv[1], sys.argv[2:]
COLS = ("host,port,transport,service,tunnel,product,version,info,os,device,cpe,expected,"
        "verdict,confidence,source,flows,clients,first_seen,last_seen,banner").split(",")
CAPS = {"service": 24, "product": 28, "version": 20, "banner": 60}  # report_table.c
failures = []

def run(fmt, path):
    p = subprocess.run([binary, "-q", "-F", fmt, path], capture_output=True)
    if p.returncode not in (0, 3):
        raise SystemExit(f"FAIL: {path} -F {fmt}: exit status {p.returncode}: {p.stderr.decode()}")
    return p.stdout.decode("ascii")  # every report is escaped text

def table_rows(text):
    lines = text.rstrip("\n").split("\n")
    header, body, summary = lines[0], lines[1:-1], lines[-1]
    starts = {m.group(): m.start() for m in re.finditer(r"\S+", header)}
    order = ["HOST", "PORT", "SERVICE", "PRODUCT", "VERSION", "VERDICT"]
    rows = []
    for line in body:
        r = {}
        for a, b in zip(order, order[1:]):
            r[a] = line[starts[a]:starts[b]].rstrip()
        mid = line[starts["VERDICT"]:starts["BANNER"]].split()
        if len(mid) != 3:
            raise ValueError(f"cannot read the table line: {line!r}")
        r["VERDICT"], r["CONF"], r["FLOWS"] = mid
        r["BANNER"] = line[starts["BANNER"]:]
        rows.append(r)
    return rows, summary

def same_cell(table, full, cap):
    """The table shows full (escaped text), "-" if empty, or a prefix of it and "..." if cut."""
    if not full:
        return table in ("-", "")
    if cap and len(full) > cap:
        return table.endswith("...") and len(table) <= cap and full.startswith(table[:-3])
    return table == full

for path in captures:
    rows_csv = list(csv.DictReader(io.StringIO(run("csv", path))))
    rows_json = [json.loads(l) for l in run("json", path).splitlines() if l.strip()]
    rows_table, summary = table_rows(run("table", path))
    where = path
    if not rows_csv:
        failures.append(f"{where}: no rows")
        continue
    if not (len(rows_csv) == len(rows_json) == len(rows_table)):
        failures.append(f"{where}: {len(rows_csv)} CSV rows, {len(rows_json)} JSON, {len(rows_table)} table")
        continue
    for c, j, t in zip(rows_csv, rows_json, rows_table):
        key = f"{where} {c['host']}:{c['port']}/{c['transport']}"
        for col in COLS:
            if col not in j or str(j[col]) != c[col]:
                failures.append(f"{key}: JSON {col}={j.get(col)!r}, CSV {c[col]!r}")
        service = c["service"]
        if c["tunnel"] and service:
            service = ("ssl" if c["tunnel"] == "tls" else c["tunnel"]) + "/" + service
        checks = [("HOST", c["host"], None), ("PORT", f"{c['port']}/{c['transport']}", None),
                  ("SERVICE", service, CAPS["service"]), ("PRODUCT", c["product"], CAPS["product"]),
                  ("VERSION", c["version"], CAPS["version"]), ("VERDICT", c["verdict"], None),
                  ("CONF", c["confidence"], None), ("FLOWS", c["flows"], None),
                  ("BANNER", c["banner"], CAPS["banner"])]
        for name, full, cap in checks:
            if name == "BANNER" and not (cap and len(full) > cap):
                full = full.rstrip(" ")  # a table line ends without blanks
            if not same_cell(t[name], full, cap):
                failures.append(f"{key}: table {name}={t[name]!r}, CSV {full!r}")
    counts = (len(rows_csv), sum(1 for r in rows_csv if r["service"]),
              *(sum(1 for r in rows_csv if r["verdict"] == v) for v in ("mismatch", "nonstandard", "unknown")))
    want = "%d endpoints, %d identified, %d mismatches, %d nonstandard, %d unknown" % counts
    if summary != want:
        failures.append(f"{where}: table summary {summary!r}, rows say {want!r}")
    print(f"ok {where}: {len(rows_csv)} rows alike in table, CSV and JSON")

for f in failures[:40]:
    print("FAIL:", f)
sys.exit(1 if failures or len(captures) < 15 else 0)
PY
