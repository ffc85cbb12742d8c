#!/usr/bin/env bash
# t_clients.sh - the --clients report on real captures (standard.pcap then tls.pcap, read
# as one), in each format it is written in (CSV, JSON lines, table): the OpenSSH client's
# banner and HASSH, curl's and the browser-like User-Agent with the Host they asked for,
# and every JA3 of a TLS client with its SNI, each named with the server of its earliest
# flow and its number of flows. Where tshark is installed, the expected rows are first
# checked against what tshark reads from the same captures, so they are the captures'
# facts and not a copy of our own output. Without --clients there is no second report.
set -u
caps="$ROOT/pcaps/standard.pcap $ROOT/pcaps/tls.pcap"
for c in $caps; do [ -f "$c" ] || { echo "no $c"; exit 1; }; done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for f in csv json table; do
    # shellcheck disable=SC2086
    "$PS_BIN" -q -F $f --clients $caps >"$work/$f" || { echo "portsleuth -F $f --clients failed"; exit 1; }
done
# shellcheck disable=SC2086
"$PS_BIN" -q -F csv $caps >"$work/plain" || { echo "portsleuth failed"; exit 1; }
: >"$work/tshark.ssh"; : >"$work/tshark.http"; : >"$work/tshark.tls"
if command -v tshark >/dev/null; then
    set -- $caps
    tshark -r "$1" -Y 'tcp.dstport==22 && (ssh.protocol || ssh.kex.hassh)' \
        -T fields -e ssh.protocol -e ssh.kex.hassh >"$work/tshark.ssh" 2>/dev/null
    tshark -r "$1" -Y 'http.request' -T fields -e ip.dst -e tcp.dstport -e http.user_agent \
        -e http.host >"$work/tshark.http" 2>/dev/null
    # 3306 carries nginx's TLS in this capture (a disguise): decode it as TLS too.
    tshark -r "$2" -d tcp.port==3306,tls -Y 'tls.handshake.type==1' -T fields -e ip.dst \
        -e tcp.dstport -e tls.handshake.ja3 -e tls.handshake.extensions_server_name \
        >"$work/tshark.tls" 2>/dev/null
fi
python3 - "$work" <<'EOF'
import collections, csv, io, json, os, sys

work = sys.argv[1]
C = "10.99.0.2"
# client, kind, software, detail, server, flows: what the corpus clients sent.
want = [
    (C, "ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10", "472b5de333ad665af5cbf10ff892c4df", "10.99.0.1:22", 1),
    (C, "http", "curl/7.88.1", "10.99.0.1", "10.99.0.1:80", 2),
    (C, "http", "Mozilla/5.0 (portsleuth corpus)", "www.portsleuth.test", "10.99.0.1:80", 1),
    (C, "tls", "0149f47eabf9a20d0893e2a44e5a6323", "www.portsleuth.test", "10.99.0.1:443", 3),
    (C, "tls", "87b9bfc7da97115ed2276737b09f8d74", "www.portsleuth.test", "10.99.0.1:443", 1),
    (C, "tls", "0732e7ae1e82c99f17258ef97e868d4e", "", "10.99.0.1:993", 4),
    (C, "tls", "a3afc2c46ba4a7d7fbe1cfb7a3031c2f", "10.99.0.1", "10.99.0.1:8883", 6),
]
fails = []

def lines(name):
    return open(os.path.join(work, name)).read().splitlines()

# The expectations against tshark's reading of the captures.
ssh = [l.split("\t") for l in lines("tshark.ssh")]
if ssh:
    banners = {b for b, _ in ssh if b}
    hassh = {h for _, h in ssh if h}
    if banners != {want[0][2]} or hassh != {want[0][3]}:
        fails.append(f"tshark sees SSH client {banners} {hassh}, expected {want[0][2:4]}")
    http = collections.Counter()
    for dst, port, ua, host in (l.split("\t") for l in lines("tshark.http")):
        http[(ua, host, f"{dst}:{port}")] += 1
    mine = {(w[2], w[3], w[4]): w[5] for w in want if w[1] == "http"}
    if dict(http) != mine:
        fails.append(f"tshark sees HTTP clients {dict(http)}, expected {mine}")
    # ClientHellos that open a connection (STARTTLS ones follow a clear-text dialogue
    # that the TLS parser does not read past): per JA3, its first server, SNI and count.
    starttls = {"25", "110", "143", "5432"}
    tls = {}
    for dst, port, ja3, sni in (l.split("\t") for l in lines("tshark.tls")):
        if port in starttls:
            continue
        first = tls.setdefault(ja3, [sni, f"{dst}:{port}", 0])
        first[2] += 1
    mine = {w[2]: [w[3], w[4], w[5]] for w in want if w[1] == "tls"}
    if tls != mine:
        fails.append(f"tshark sees TLS clients {tls}, expected {mine}")
    if fails:
        print("\n".join("FAIL " + f for f in fails))
        sys.exit(1)

def check(fmt, got):
    if got != want:
        fails.append(f"-F {fmt} --clients:\n  got  {got}\n  want {want}")

# CSV: the endpoint report, a blank line, then the client report with its own header.
text = open(os.path.join(work, "csv")).read()
head, sep, tail = text.partition("\n\n")
if not sep:
    fails.append("-F csv: no blank line before the client report")
rows = list(csv.DictReader(io.StringIO(tail)))
if rows and list(rows[0].keys()) != ["client", "kind", "software", "detail", "server", "flows",
                                     "first_seen", "last_seen"]:
    fails.append(f"-F csv: client header {list(rows[0].keys())}")
check("csv", [(r["client"], r["kind"], r["software"], r["detail"], r["server"], int(r["flows"]))
              for r in rows])
if head != open(os.path.join(work, "plain")).read().rstrip("\n"):
    fails.append("-F csv: the endpoint report changed with --clients")
if "client,kind,software" in open(os.path.join(work, "plain")).read():
    fails.append("without --clients the client report is written")

objs = [json.loads(l) for l in lines("json")]
clients = [o for o in objs if o.get("type") == "client"]
if any(o.get("type") == "client" for o in objs[: len(objs) - len(clients)]):
    fails.append("-F json: client lines are not after the endpoint lines")
check("json", [(o["client"], o["kind"], o["software"], o["detail"], o["server"], o["flows"])
               for o in clients])
for o in clients:
    if not (o["first_seen"] <= o["last_seen"] and o["first_seen"].endswith("Z")):
        fails.append(f"-F json: bad times {o}")

table = lines("table")
if "Clients" not in table:
    fails.append("-F table: no Clients section")
else:
    body = table[table.index("Clients") + 2:]
    expect = [f"{c:<39} {k:<5} {s:<22} {v}" + (f"  ({d})" if d else "")
              for c, k, v, d, s, _ in want]
    expect.append(f"1 client hosts, {len(want)} pieces of client software")
    if body[: len(expect)] != expect:
        fails.append("-F table:\n  got  " + "\n       ".join(body) + "\n  want " +
                     "\n       ".join(expect))
if fails:
    print("\n".join("FAIL " + f for f in fails))
    sys.exit(1)
print(f"--clients: {len(want)} pieces of client software right in csv, json and table")
EOF
