#!/usr/bin/env bash
# t_one_witness.sh - endpoints of the real corpus where only one witness can know, read from
# the JSON evidence list (which witness said what), not only from the chosen service:
#   - a banner on a port nDPI 4.2 reads wrong or not at all: FTP on 2121 (nDPI silent),
#     DNS on udp/123 (nDPI says ntp), SNMP on udp/53 (nDPI says domain): our signatures
#     and parsers name the service, nDPI's other name stays in the evidence and lowers the
#     confidence; Redis on 443, whose port nDPI would guess as TLS: no TLS evidence at all;
#   - nDPI's port guesses never become the service: HTTP on 22 is http and SSH on 80 is
#     ssh, with no piece of evidence naming the port's service;
#   - a protocol no signature of ours covers (Zabbix, zabbix.pcap): nDPI alone names it.
# Run again with --no-ndpi: the first kind keeps its name, Zabbix becomes unknown.
set -u
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for c in disguised midstream-disguised ftp-passive demo cooked cooked-sll2 zabbix; do
    [ -f "$ROOT/pcaps/$c.pcap" ] || { echo "no pcaps/$c.pcap"; exit 1; }
    "$PS_BIN" -q -F json "$ROOT/pcaps/$c.pcap" >"$work/$c.json" || { echo "portsleuth failed on $c.pcap"; exit 1; }
    "$PS_BIN" -q -F json --no-ndpi "$ROOT/pcaps/$c.pcap" >"$work/$c.sig.json" ||
        { echo "portsleuth --no-ndpi failed on $c.pcap"; exit 1; }
done
python3 - "$work" <<'EOF'
import json, os, sys

work = sys.argv[1]
# capture, port, transport, service, verdict, nDPI's part:
#   None          nDPI gave no evidence at all
#   "same"        nDPI agrees
#   "other:NAME"  nDPI named NAME (wrong), kept in the evidence, confidence below 100
# and the names no piece of evidence may carry (the port's service, guessed by port).
cases = [
    ("disguised", 2121, "tcp", "ftp", "nonstandard", None, []),
    ("midstream-disguised", 2121, "tcp", "ftp", "nonstandard", None, []),
    ("ftp-passive", 2121, "tcp", "ftp", "nonstandard", None, []),
    ("disguised", 123, "udp", "domain", "mismatch", "other:ntp", []),
    ("midstream-disguised", 123, "udp", "domain", "mismatch", "other:ntp", []),
    ("disguised", 53, "udp", "snmp", "mismatch", "other:domain", []),
    ("midstream-disguised", 53, "udp", "snmp", "mismatch", "other:domain", []),
    ("demo", 443, "tcp", "redis", "mismatch", "same", ["ssl", "https"]),
    ("disguised", 443, "tcp", "redis", "mismatch", "same", ["ssl", "https"]),
    ("cooked", 443, "tcp", "redis", "mismatch", "same", ["ssl", "https"]),
    ("cooked-sll2", 443, "tcp", "redis", "mismatch", "same", ["ssl", "https"]),
    ("disguised", 22, "tcp", "http", "mismatch", "same", ["ssh"]),
    ("midstream-disguised", 22, "tcp", "http", "mismatch", "same", ["ssh"]),
    ("disguised", 80, "tcp", "ssh", "mismatch", "same", ["http"]),
    ("midstream-disguised", 80, "tcp", "ssh", "mismatch", "same", ["http"]),
    ("zabbix", 10050, "tcp", "zabbix", "ok", "only", []),
    ("zabbix", 3306, "tcp", "zabbix", "mismatch", "only", ["mysql"]),
]
fails = []
for cap, port, tr, service, verdict, ndpi, forbidden in cases:
    where = f"{cap}.pcap 10.99.0.1:{port}/{tr}"
    def record(suffix):
        recs = [json.loads(l) for l in open(os.path.join(work, cap + suffix))]
        key = ("10.99.0.1", port, tr)
        return next((r for r in recs if (r["host"], r["port"], r["transport"]) == key), None)
    rec, alone = record(".json"), record(".sig.json")
    if rec is None or alone is None:
        fails.append(f"{where}: not reported")
        continue
    want_alone = ("", "unknown") if ndpi == "only" else (service, verdict)
    if (alone["service"], alone["verdict"]) != want_alone:
        fails.append(f"{where}: with --no-ndpi {alone['service']} {alone['verdict']}, want {want_alone}")
    ev = rec["evidence"]
    said = {w: {e["service"] for e in ev if e["witness"] == w} for w in ("sig", "parser", "ndpi")}
    if rec["service"] != service or rec["verdict"] != verdict:
        fails.append(f"{where}: {rec['service']} {rec['verdict']}, want {service} {verdict}")
    if ndpi == "only":
        if said["ndpi"] != {service} or said["sig"] or said["parser"] or rec["source"] != "ndpi":
            fails.append(f"{where}: want nDPI alone to name {service}, got {said} source {rec['source']}")
    else:
        if service not in said["sig"] | said["parser"]:
            fails.append(f"{where}: no signature or parser named {service}: {said}")
        if ndpi is None and said["ndpi"]:
            fails.append(f"{where}: nDPI said {said['ndpi']}, expected nothing")
        if ndpi == "same" and said["ndpi"] != {service}:
            fails.append(f"{where}: nDPI said {said['ndpi']}, expected {service}")
        if ndpi and ndpi.startswith("other:"):
            other = ndpi.split(":", 1)[1]
            if said["ndpi"] != {other}:
                fails.append(f"{where}: nDPI said {said['ndpi']}, expected {other} (its misreading)")
            if rec["confidence"] >= 100:
                fails.append(f"{where}: the witnesses disagree but confidence is {rec['confidence']}")
    for name in forbidden:
        if any(e["service"] == name or (name == "ssl" and e["tunnel"] == "tls") for e in ev):
            fails.append(f"{where}: evidence names {name}, the port's service: {ev}")
if fails:
    print("\n".join("FAIL " + f for f in fails))
    sys.exit(1)
print(f"one witness: {len(cases)} endpoints where only one witness can know, each named by it")
EOF
