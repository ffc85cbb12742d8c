#!/usr/bin/env bash
# t_tls_cert.sh - the JSON record of nginx's HTTPS endpoint in tls.pcap carries the real
# certificate. Its first flow is TLS 1.3 (certificate encrypted), a later one TLS 1.2
# (certificate in clear): the record keeps the first flow's handshake and takes the
# certificate from the later flow. The expected names are those make-pcaps.sh gives the
# certificate (make_material: CN and SANs, -days 3650, self-signed); where tshark is
# installed, the validity must also be the dates tshark reads from the same capture.
set -u
cap=$ROOT/pcaps/tls.pcap
[ -f "$cap" ] || { echo "no $cap"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$PS_BIN" -q -F json "$cap" >"$work/one.json" || { echo "portsleuth failed on $cap"; exit 1; }
"$PS_BIN" -q -F json --threads 2 "$cap" >"$work/two.json" || { echo "portsleuth --threads 2 failed"; exit 1; }
: >"$work/tshark"
if command -v tshark >/dev/null; then
    tshark -r "$cap" -Y 'ip.src==10.99.0.1 && tcp.srcport==443 && tls.handshake.certificate' \
        -T fields -e x509af.utcTime 2>/dev/null | head -n 1 >"$work/tshark"
fi
python3 - "$work/one.json" "$work/two.json" "$work/tshark" <<'EOF'
import datetime, json, sys

def record(path):
    for line in open(path):
        r = json.loads(line)
        if (r["host"], r["port"], r["transport"]) == ("10.99.0.1", 443, "tcp"):
            return r
    sys.exit(f"{path}: no record for 10.99.0.1:443/tcp")

fails = []
def check(what, got, want):
    if got != want:
        fails.append(f"{what}: got {got!r}, want {want!r}")

for path in sys.argv[1:3]:
    r = record(path)
    tls = r.get("tls")
    if not tls:
        sys.exit(f"{path}: the 443 record has no tls object")
    cert = tls.get("cert")
    if not cert:
        sys.exit(f"{path}: the 443 record has no certificate: {json.dumps(tls)}")
    # The first flow's handshake stays: TLS 1.3 to the name curl asked for.
    check("version (of the first flow)", tls["version"], "TLSv1.3")
    check("sni", tls["sni"], "www.portsleuth.test")
    # The certificate, from the TLS 1.2 flow.
    rdns = sorted(cert["subject"].split(","))
    check("subject", rdns, ["CN=www.portsleuth.test", "O=portsleuth corpus"])
    check("issuer (self-signed: the subject)", cert["issuer"], cert["subject"])
    check("self_signed", cert["self_signed"], True)
    check("sans", cert["sans"], ["www.portsleuth.test", "mail.portsleuth.test", "10.99.0.1", "fd99::1"])
    t = "%Y-%m-%dT%H:%M:%SZ"
    nb = datetime.datetime.strptime(cert["not_before"], t)
    na = datetime.datetime.strptime(cert["not_after"], t)
    check("validity (openssl req -days 3650)", (na - nb).days, 3650)
    seen = open(sys.argv[3]).read().strip()
    if seen:  # "2026-11-21 14:54:15 (UTC),2036-11-18 14:54:15 (UTC)"
        want = [s.replace(" (UTC)", "").replace(" ", "T") + "Z" for s in seen.split(",")]
        check("validity as tshark reads it", [cert["not_before"], cert["not_after"]], want)
if fails:
    print("\n".join("FAIL " + f for f in fails))
    sys.exit(1)
print("tls.pcap 443: certificate subject, issuer, SANs, validity and self-signed, 1 and 2 threads")
EOF
