#!/usr/bin/env bash
# t_escapes.sh - a server whose banner carries terminal escapes, a bell, commas, quotes, CR
# and LF, and a client whose greeting does too: real TCP between two network namespaces
# (a Python socket server, nc as the client), recorded by tcpdump, then reported as a table,
# CSV and JSON lines. The table shows every such byte escaped (no raw ESC, BEL, CR, or a
# line break inside a row); the CSV parses back to the same fields; the JSON parses back to
# the same text. (The field-by-field libcsv and jansson round trips of a record like this
# are in tests/unit/test_report.c: "table escapes", "csv round trip", "json round trip".)
# Needs root (network namespaces); without it the test is skipped, never passed.
set -u
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
for c in ip tcpdump nc python3; do
    command -v $c >/dev/null || { echo "skipped: no $c"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }
srv=ps-esc-srv-$$ cli=ps-esc-cli-$$ work=$(mktemp -d)
cleanup() {
    [ -n "${dump_pid:-}" ] && kill "$dump_pid" 2>/dev/null
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
    ip netns del "$srv" 2>/dev/null
    ip netns del "$cli" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$srv" && ip netns add "$cli" || fail "cannot create network namespaces"
ip link add pse0 netns "$srv" type veth peer name pse1 netns "$cli" || exit 1
ip -n "$srv" addr add 10.97.0.1/24 dev pse0 && ip -n "$srv" link set pse0 up && ip -n "$srv" link set lo up
ip -n "$cli" addr add 10.97.0.2/24 dev pse1 && ip -n "$cli" link set pse1 up && ip -n "$cli" link set lo up

# The server greets like SSH, then says hostile things on the same line and the next.
cat >"$work/server.py" <<'PY'
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.97.0.1", 2222))
s.listen(1)
c, _ = s.accept()
c.sendall(b'SSH-2.0-Evil_1.0 \x1b[31mred\x1b[0m, "quoted", bell\x07\r\n'
          b'\x1b]0;pwned\x07second, line\n')
c.recv(4096)
c.close()
PY
ip netns exec "$srv" python3 "$work/server.py" &
server_pid=$!
ip netns exec "$cli" tcpdump -q -U -i pse1 -w "$work/esc.pcap" tcp port 2222 2>"$work/dump.log" &
dump_pid=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/dump.log" && break; sleep 0.1; done
for _ in $(seq 50); do ip netns exec "$srv" ss -ltn | grep -q 10.97.0.1:2222 && break; sleep 0.1; done
printf 'SSH-2.0-\033]0;pwned\007client, "x"\r\n' |
    ip netns exec "$cli" timeout 5 nc -q 1 10.97.0.1 2222 >"$work/got" || true
sleep 0.5
kill "$dump_pid"; wait "$dump_pid" 2>/dev/null; dump_pid=
wait "$server_pid" 2>/dev/null; server_pid=
grep -q 'second, line' "$work/got" || fail "the client did not get the banner: $(cat -v "$work/got")"

banner='SSH-2.0-Evil_1.0 \x1b[31mred\x1b[0m, "quoted", bell\x07\r\n\x1b]0;pwned\x07second, line\n'
"$PS_BIN" -q -F table "$work/esc.pcap" >"$work/table" || fail "table: status $?"
"$PS_BIN" -q -F csv "$work/esc.pcap" >"$work/csv" || fail "csv: status $?"
"$PS_BIN" -q -F json "$work/esc.pcap" >"$work/json" || fail "json: status $?"
cat "$work/table"

# Table: printable ASCII only, three lines (header, one row, summary), the escapes spelled out.
LC_ALL=C grep -q '[^ -~]' "$work/table" && fail "table holds raw control bytes: $(cat -v "$work/table")"
[ "$(wc -l <"$work/table")" -eq 3 ] || fail "table: a banner broke a row into lines"
# (the banner cell is cut at 60 characters, at a whole escape)
grep -qF '  SSH-2.0-Evil_1.0 \x1b[31mred\x1b[0m, "quoted", bell\x07\r...' "$work/table" \
    || fail "table: banner not shown escaped"

python3 - "$work/csv" "$work/json" "$banner" <<'PY' || exit 1
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
header, body = rows[0], rows[1:]
want_banner = sys.argv[3]
if len(body) != 1 or len(header) != 20 or len(body[0]) != 20:
    sys.exit(f"FAIL: CSV: {len(body)} rows, {[len(r) for r in rows]} fields")
r = dict(zip(header, body[0]))
if (r["host"], r["port"], r["service"]) != ("10.97.0.1", "2222", "ssh"):
    sys.exit(f"FAIL: CSV row {r}")
if r["banner"] != want_banner:
    sys.exit(f"FAIL: CSV banner {r['banner']!r}, want {want_banner!r}")
if "\\x1b]0;pwned\\x07client," not in r["info"]:
    sys.exit(f"FAIL: CSV info does not show the client's greeting escaped: {r['info']!r}")
if any(ch < " " or ch > "~" for v in r.values() for ch in v):
    sys.exit("FAIL: CSV field with a raw control byte")
lines = open(sys.argv[2]).read().splitlines()
if len(lines) != 1:
    sys.exit(f"FAIL: JSON: {len(lines)} lines")
j = json.loads(lines[0])
for k, v in r.items():
    if str(j[k]) != v:
        sys.exit(f"FAIL: JSON {k}={j[k]!r}, CSV {v!r}")
if j["ssh"]["server_banner"].find("\\x1b[31m") < 0:
    sys.exit(f"FAIL: JSON ssh.server_banner not escaped: {j['ssh']['server_banner']!r}")
print("CSV and JSON parse back to the escaped banner:", r["banner"])
PY
echo "escape checks passed"
