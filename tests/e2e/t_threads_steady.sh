#!/usr/bin/env bash
# t_threads_steady.sh - with --threads, a worker's long classified flows are handed over
# without payload (shard.c, "steady flows"); nothing the report depends on may be lost when
# the same ports then carry a new conversation: after FINs and a new handshake, or after a
# silence past the idle timeout, picked up mid-stream. steady/make.py derives the capture
# from the real SSH, HTTP and SMTP conversations of pcaps/standard.pcap (eight servers, each
# an SSH conversation of 12,000 packets followed by HTTP or SMTP on the same ports). The report must
# be the one of a single thread, byte for byte, run after run (the flows land on the workers
# by a random seed), and each server's record must show its two flows and both services.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cap=$work/steady.pcap
python3 "$ROOT/tests/e2e/steady/make.py" "$cap" || fail "could not write the capture"

"$PS_BIN" -q -F json --clients "$cap" >"$work/one" 2>"$work/err" || fail "one thread: $(cat "$work/err")"
python3 - "$work/one" <<'EOF' || fail "one thread: the report lacks what the capture says: $(cut -c1-300 "$work/one")"
import json, sys
recs = {r["host"]: r for r in (json.loads(l) for l in open(sys.argv[1]) if l.strip()) if "host" in r}
for i in range(8):
    rec = recs["10.99.1.%d" % i]
    services = {e["service"] for e in rec["evidence"]}
    assert rec["port"] == 22 and rec["flows"] == 2, rec
    assert {"ssh", "http" if i % 2 == 0 else "smtp"} <= services, (i, services)
EOF
for threads in 2 3; do
    for run in 1 2 3; do
        "$PS_BIN" -q -F json --clients --threads $threads "$cap" >"$work/more" 2>"$work/err" ||
            fail "--threads $threads: $(cat "$work/err")"
        cmp -s "$work/one" "$work/more" || {
            echo "FAIL: --threads $threads (run $run) differs from one thread:"
            diff "$work/one" "$work/more" | head -20
            exit 1
        }
    done
done
echo "threads: long flows, then new conversations on their ports: the report of one thread"
