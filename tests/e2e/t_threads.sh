#!/usr/bin/env bash
# t_threads.sh - --threads 2 gives the report of one thread, byte for byte, on every capture
# of the corpus, run after run: the order in which workers classify flows must not show
# (which evidence wins, which banner and detail are kept, when an FTP data channel is known,
# which server and detail the --clients report names for a piece of client software).
set -u
caps=$(ls "$ROOT"/pcaps/*.pcap* 2>/dev/null)
[ -n "$caps" ] || { echo "no captures in pcaps/"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for cap in $caps; do
    "$PS_BIN" -q -F json --clients "$cap" >"$work/one" 2>/dev/null
    for run in 1 2 3; do
        "$PS_BIN" -q -F json --clients --threads 2 "$cap" >"$work/two" 2>/dev/null
        if ! cmp -s "$work/one" "$work/two"; then
            echo "FAIL: $cap: --threads 2 (run $run) differs from one thread:"
            diff "$work/one" "$work/two" | head -20
            exit 1
        fi
    done
done
echo "threads: $(echo "$caps" | wc -w) captures, the same report with 1 and 2 threads"
