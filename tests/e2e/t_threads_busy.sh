#!/usr/bin/env bash
# t_threads_busy.sh - the whole corpus through running workers gives the report of one thread.
#
# t_threads.sh reads each capture alone; a small one may be done before the workers have
# even set up their engines (tens of milliseconds). Here the threads are kept busy first:
# 20,000 conversations of the bench's mixed capture (tests/bench/gen.c, deterministic),
# then every capture of pcaps/, all in one run. Between files packet time goes back, and
# the same conversations come more than once (standard.pcap, standard.pcapng, the captures
# derived from it): when a flow expires, and which of two equal flows a record keeps, must
# not depend on which thread saw what. The report (and --clients) of 2 and 3 threads, run
# after run (the seed is random), must be that of one thread, byte for byte.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 "$ROOT/tests/bench/gen.c" -o "$work/gen" -lpcap ||
    fail "cannot build tests/bench/gen.c"
"$work/gen" mixed "$work/warm.pcap" 20000 2>/dev/null || fail "gen mixed failed"
caps=$(ls "$ROOT"/pcaps/*.pcap* 2>/dev/null)
[ -n "$caps" ] || fail "no captures in pcaps/"
# shellcheck disable=SC2086  # one word per capture
"$PS_BIN" -q -F json --clients "$work/warm.pcap" $caps >"$work/one" 2>"$work/err" ||
    [ $? -eq 3 ] || fail "one thread: $(cat "$work/err")"
[ "$(wc -l <"$work/one")" -gt 100 ] || fail "one thread: a short report: $(head -3 "$work/one")"
for threads in 2 3; do
    for run in 1 2 3; do
        # shellcheck disable=SC2086
        "$PS_BIN" -q -F json --clients --threads $threads "$work/warm.pcap" $caps \
            >"$work/more" 2>/dev/null
        cmp -s "$work/one" "$work/more" || {
            echo "FAIL: --threads $threads (run $run) differs from one thread:"
            diff "$work/one" "$work/more" | head -20 | cut -c1-200
            exit 1
        }
    done
done
echo "threads: the corpus after a warm-up, through running workers: the report of one thread"
