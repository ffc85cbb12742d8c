#!/usr/bin/env python3
"""truth.py - property checks of portsleuth's reports against pcaps/truth.csv.

truth.csv says what truly ran where (capture,host,port,transport,service,product,version,
disguise), written by tests/corpus/make-pcaps.sh from what it started. For every capture:
  - every true server endpoint is reported, with the right service (a service inside TLS is
    written "ssl/<service>" in truth.csv; plain "ssl" for it is noted, not failed, since
    without ALPN or a registered port nothing in the bytes names what TLS carries);
  - every disguise (a service on another service's registered port) is flagged mismatch;
  - nothing else is flagged mismatch (no false alarm), not even endpoints truth.csv does
    not list (FTP data channels, for instance);
and product/version agreement is scored and printed (the expected reports in cases/ pin them).
Usage: truth.py BINARY ROOT
"""
import csv
import io
import os
import subprocess
import sys

binary, root = sys.argv[1], sys.argv[2]
# Captures whose snap length cuts away what identifies some endpoints (an FTP 229 reply
# longer than the bytes kept): there "unknown" is honest, a wrong name still fails.
LOSSY = {"snaplen96.pcap"}
truth_path = os.path.join(root, "pcaps", "truth.csv")
rows = list(csv.DictReader(open(truth_path, newline="")))
by_capture = {}
for r in rows:
    by_capture.setdefault(r["capture"], []).append(r)

failures, checked, product_ok, product_total = [], 0, 0, 0
for capture, truths in sorted(by_capture.items()):
    path = os.path.join(root, "pcaps", capture)
    if not os.path.exists(path):
        failures.append(f"{capture}: listed in truth.csv but not in pcaps/")
        continue
    run = subprocess.run([binary, "-q", "-F", "csv", path], capture_output=True, text=True)
    if run.returncode not in (0, 3):
        failures.append(f"{capture}: exit status {run.returncode}: {run.stderr.strip()}")
        continue
    report = {(r["host"], r["port"], r["transport"]): r for r in csv.DictReader(io.StringIO(run.stdout))}
    true_keys = set()
    for t in truths:
        key = (t["host"], t["port"], t["transport"])
        true_keys.add(key)
        checked += 1
        got = report.get(key)
        where = f"{capture} {t['host']}:{t['port']}/{t['transport']}"
        if got is None:
            failures.append(f"{where}: not reported (truly {t['service']})")
            continue
        named = ("ssl/" if got["tunnel"] == "tls" else "") + got["service"]
        if named == "ssl" and t["service"].startswith("ssl/"):
            # Right, but less specific: nothing inside the TLS (ALPN, a registered port)
            # says what it carries.
            print(f"note: {where}: named ssl, truly {t['service']}")
        elif not named and capture in LOSSY:
            print(f"note: {where}: unknown in a capture cut by its snaplen, truly {t['service']}")
        elif named != t["service"]:
            failures.append(f"{where}: named {named or 'nothing'}, truly {t['service']}")
        disguise = t["disguise"].strip().lower() == "yes"
        if disguise and got["verdict"] != "mismatch":
            failures.append(f"{where}: a disguise ({t['service']}) not flagged: verdict {got['verdict']}")
        if not disguise and got["verdict"] == "mismatch":
            failures.append(f"{where}: false mismatch for {t['service']} (expected {got['expected']})")
        if t["product"]:
            product_total += 1
            same_product = t["product"].lower() in got["product"].lower()
            same_version = not t["version"] or t["version"].lower() in got["version"].lower()
            if same_product and same_version:
                product_ok += 1
            else:
                print(f"note: {where}: product/version {got['product']!r} {got['version']!r}, "
                      f"truly {t['product']!r} {t['version']!r}")
    for key, got in report.items():
        if key not in true_keys and got["verdict"] == "mismatch":
            failures.append(f"{capture} {key[0]}:{key[1]}/{key[2]}: false mismatch for an endpoint "
                            f"truth.csv does not list ({got['service']})")

print(f"checked {checked} true endpoints in {len(by_capture)} captures; "
      f"product and version right for {product_ok} of {product_total}")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
