#!/usr/bin/env bash
# t_derived.sh - banners split into tiny TCP segments, and banners sent after a 90 s pause,
# give the same report rows as the capture they were derived from (pcaps/standard.pcap):
# same service, product, version, info, os, cpe and verdict for every endpoint. Only the
# witnesses may differ (nDPI does not read SMTP or MariaDB greetings cut into 1-2 byte
# packets) and, for the pause, the times. First it checks the captures are what
# tests/corpus/derive.py makes of it: many 1-byte segments from 22 and 25, a 90 s silence.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$ROOT" || exit 1

python3 - pcaps/split-banners.pcap pcaps/slow-banners.pcap <<'PY' || fail "derived captures are not what derive.py makes"
import struct, sys
def segments(path):
    d = open(path, 'rb').read()
    off, out = 24, []
    while off + 16 <= len(d):
        sec, usec, cap, _ = struct.unpack('<IIII', d[off:off + 16])
        f = d[off + 16:off + 16 + cap]
        off += 16 + cap
        if len(f) < 54 or f[12:14] != b'\x08\x00' or f[23] != 6:
            continue
        ihl = (f[14] & 15) * 4
        total = struct.unpack('!H', f[16:18])[0]
        tcp = f[14 + ihl:14 + total]
        out.append((sec + usec / 1e6, struct.unpack('!H', tcp[:2])[0], len(tcp) - (tcp[12] >> 4) * 4))
    return out
split = segments(sys.argv[1])
for port in (22, 25):
    ones = sum(1 for _, sport, n in split if sport == port and n == 1)
    assert ones >= 40, f"port {port}: {ones} one-byte segments"
slow = segments(sys.argv[2])
gaps = [b[0] - a[0] for a, b in zip(slow, slow[1:])]
assert sum(1 for g in gaps if 89 < g < 91) >= 4, "no 90 s pauses"
PY

cols='host,port,transport,service,tunnel,product,version,info,os,device,cpe,expected,verdict'
rows() { # rows FILE: the identifying columns of the CSV report, sorted
    "$PS_BIN" -q -F csv "$1" >"$work/out.csv" 2>"$work/err"
    local rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 3 ] || fail "$1: exit status $rc: $(cat "$work/err")"
    python3 -c '
import csv, sys
cols = sys.argv[2].split(",")
rows = sorted(tuple(r[c] for c in cols) for r in csv.DictReader(open(sys.argv[1])))
for r in rows:
    print(",".join(r))' "$work/out.csv" "$cols"
}
rows pcaps/standard.pcap >"$work/standard" || exit 1
[ "$(wc -l <"$work/standard")" -ge 20 ] || fail "standard.pcap: too few rows"
for v in split-banners slow-banners; do
    rows "pcaps/$v.pcap" >"$work/$v" || exit 1
    diff -u --label standard.pcap --label "$v.pcap" "$work/standard" "$work/$v" \
        || fail "$v.pcap: rows differ from standard.pcap"
    grep -q '^10.99.0.1,22,tcp,ssh,,OpenSSH,9.2p1,' "$work/$v" || fail "$v.pcap: no OpenSSH 9.2p1"
done
echo "split and slow banners: same rows as standard.pcap"
