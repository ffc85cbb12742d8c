#!/usr/bin/env bash
# t_stats.sh - what --stats says about flows, stream heads and memory, on real captures,
# and the --max-memory option.
#
# The counts must add up (every flow seen timed out, closed, was evicted or was still
# active at the end), and each counter must move when its cause is there: evictions with
# a small --max-flows, timeouts with short timeouts on a capture that lasts two seconds,
# heads with gaps where the snap length cut payload away (pcaps/snaplen96.pcap).
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# stats NAME ARGS...: run with --stats; NAME.stats holds what it printed.
stats() {
    local name=$1
    shift
    "$PS_BIN" -q --stats -F csv -o "$work/$name.csv" "$@" 2>"$work/$name.stats"
    local rc=$?
    [ $rc = 0 ] || { cat "$work/$name.stats"; fail "$name: exit status $rc"; }
}
# flows NAME -> "seen peak timed_out closed evicted at_end"
flows() {
    sed -n 's/^flows: \([0-9]*\) seen, \([0-9]*\) peak active, \([0-9]*\) timed out, \([0-9]*\) closed, \([0-9]*\) evicted, \([0-9]*\) active at the end$/\1 \2 \3 \4 \5 \6/p' \
        "$work/$1.stats"
}
gaps() { sed -n 's/^streams: \([0-9]*\) heads with gaps, .*/\1/p' "$work/$1.stats"; }
# check NAME: the flows line is there and adds up; sets seen peak tout closed evicted atend.
check() {
    read -r seen peak tout closed evicted atend <<<"$(flows "$1")"
    [ -n "${atend:-}" ] || { cat "$work/$1.stats"; fail "$1: no flows line of the expected form"; }
    [ $((tout + closed + evicted + atend)) = "$seen" ] \
        || fail "$1: $seen seen, but $tout + $closed + $evicted + $atend left the table"
    [ -n "$(gaps "$1")" ] || fail "$1: no streams line"
    grep -q '^memory: [0-9]* KiB peak (flow table, stream heads, nDPI state), [0-9]* flows evicted over --max-memory; at the end [0-9]* KiB, 0 bytes in stream heads, 0 in nDPI state$' \
        "$work/$1.stats" || { cat "$work/$1.stats"; fail "$1: no memory line, or heads or nDPI state left at the end"; }
}

stats standard pcaps/standard.pcap
check standard
[ "$tout$closed$evicted" = 000 ] || fail "standard: a 2-second capture with the default timeouts lost flows early"
[ "$peak" = "$seen" ] && [ "$atend" = "$seen" ] || fail "standard: every flow should be active at the end"
[ "$(gaps standard)" = 0 ] || fail "standard: whole captures have no gaps"
all=$seen

stats evict --max-flows 16 pcaps/standard.pcap
check evict
[ "$seen" = "$all" ] && [ "$peak" = 16 ] && [ "$evicted" -gt 0 ] && [ "$atend" = 16 ] \
    || fail "evict: --max-flows 16 on $all flows: $(flows evict)"

stats timeouts --tcp-timeout 1 --tcp-closed-timeout 1 --udp-timeout 1 pcaps/standard.pcap
check timeouts
[ "$seen" = "$all" ] && [ "$tout" -gt 0 ] && [ "$closed" -gt 0 ] && [ "$evicted" = 0 ] \
    || fail "timeouts: one-second timeouts over two seconds: $(flows timeouts)"

stats snaplen pcaps/snaplen96.pcap
check snaplen
[ "$(gaps snaplen)" -gt 0 ] || fail "snaplen96: payload cut by the snap length leaves heads with gaps"

stats threads --threads 2 pcaps/snaplen96.pcap
check threads
[ "$(flows threads | cut -d' ' -f1)" = "$(flows snaplen | cut -d' ' -f1)" ] \
    && [ "$(gaps threads)" = "$(gaps snaplen)" ] || fail "--threads 2 counts other flows or gaps than one thread"

# --max-memory: documented, bounded, and a small cap on a real capture changes nothing.
"$PS_BIN" --help | grep -q -- '--max-memory MIB' || fail "--help does not document --max-memory"
for bad in 0 15 abc -1 1048577; do
    "$PS_BIN" --max-memory "$bad" pcaps/standard.pcap >/dev/null 2>"$work/err"
    [ $? -eq 2 ] || fail "--max-memory $bad should be status 2"
    grep -q -- '--max-memory wants 16 to 1048576 MiB' "$work/err" || fail "--max-memory $bad: message"
done
stats small --max-memory 16 --max-flows 1000 pcaps/standard.pcap
check small
cmp -s "$work/small.csv" "$work/standard.csv" || fail "--max-memory 16 changed the report of a small capture"
exit 0
