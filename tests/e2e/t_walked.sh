#!/usr/bin/env bash
# t_walked.sh - a classic pcap read by its path is walked by capture_pcap.c; read from a
# pipe it goes through libpcap. Both must give the same report and the same messages, for
# every capture of the corpus and every lie of hostile/make.py (cuts, records over the
# snapshot length, empty records, absurd times, noise over record headers).
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 "$ROOT/tests/e2e/hostile/make.py" "$work/hostile" || fail "could not write the captures"
# Several of the walker's windows long (capture_pcap.c PCAP_WINDOW): the corpus's demo capture
# again and again, each pass an hour after the one before.
python3 - "$ROOT/pcaps/demo.pcap" "$work/hostile/long.pcap" <<'PY' || fail "could not write long.pcap"
import struct, sys
data = open(sys.argv[1], "rb").read()
out = [data[:24]]
size = 24
passes = 0
while size < 5 << 20:
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        rec = struct.pack("<IIII", sec + 3600 * passes, usec, incl, orig) + data[off + 16:off + 16 + incl]
        out.append(rec)
        size += len(rec)
        off += 16 + incl
    passes += 1
open(sys.argv[2], "wb").write(b"".join(out))
PY
n=0
for f in "$ROOT"/pcaps/*.pcap "$ROOT"/tests/data/capture/*.pcap "$ROOT"/tests/data/decode/*.pcap \
    "$work"/hostile/*.pcap; do
    [ -s "$f" ] || continue # an empty file is told apart before libpcap sees it
    "$PS_BIN" -q -F csv "$f" >"$work/path.csv" 2>"$work/path.err"
    rc_path=$?
    "$PS_BIN" -q -F csv -r - <"$f" >"$work/pipe.csv" 2>"$work/pipe.raw"
    rc_pipe=$?
    sed "s|standard input|$f|g" "$work/pipe.raw" >"$work/pipe.err"
    [ $rc_path -eq $rc_pipe ] || fail "$f: status $rc_path by path, $rc_pipe from a pipe"
    diff -u --label "pipe $f" --label "path" "$work/pipe.csv" "$work/path.csv" ||
        fail "$f: the report walked by us differs from libpcap's"
    diff -u --label "pipe $f" --label "path" "$work/pipe.err" "$work/path.err" ||
        fail "$f: the messages differ"
    n=$((n + 1))
done
[ $n -gt 30 ] || fail "only $n captures compared"
echo "$n captures: the same report and messages walked by us as through libpcap"
