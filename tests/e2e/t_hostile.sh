#!/usr/bin/env bash
# t_hostile.sh - captures that lie get a clear message, never a crash, and what is honest
# in them is still used. The captures are written by hostile/make.py.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 "$ROOT/tests/e2e/hostile/make.py" "$work" || fail "could not write the captures"

run() { # name -> status in $rc, report in $work/out, messages in $work/err
    "$PS_BIN" -q -F csv "$work/$1" 2>"$work/err" | tr -d '"' >"$work/out"
    rc=${PIPESTATUS[0]}
    [ $rc -lt 128 ] || fail "$1: killed by a signal ($rc): $(cat "$work/err")"
}
found_ssh() { grep -q '^10\.9\.0\.1,22,tcp,ssh,' "$work/out" || fail "$1: the honest SSH server was lost: $(cat "$work/out" "$work/err")"; }

run cut.pcap
[ $rc -eq 0 ] || fail "cut.pcap: status $rc"
grep -q 'cut.pcap' "$work/err" && grep -q 'byte [0-9]' "$work/err" || fail "cut.pcap: no warning with the offset: $(cat "$work/err")"
found_ssh cut.pcap

run caplen-over-snaplen.pcap
found_ssh caplen-over-snaplen.pcap

run odd-times.pcap
found_ssh odd-times.pcap

run random.bin
[ $rc -eq 1 ] || fail "random.bin: status $rc, wanted 1"
[ "$(wc -l <"$work/err")" -eq 1 ] && grep -q 'random.bin' "$work/err" || fail "random.bin: wanted one line naming it: $(cat "$work/err")"

run random-after-header.pcap
found_ssh random-after-header.pcap
grep -q 'random-after-header.pcap' "$work/err" || fail "random-after-header.pcap: no warning"

run huge-caplen.pcap
found_ssh huge-caplen.pcap
grep -q 'huge-caplen.pcap' "$work/err" || fail "huge-caplen.pcap: no warning"

run two-linktypes.pcapng
[ $rc -lt 2 ] || fail "two-linktypes.pcapng: status $rc"
grep -q '^10\.9\.0\.1,22,tcp,' "$work/out" || fail "two-linktypes.pcapng: the handshake before the second interface was lost: $(cat "$work/out" "$work/err")"

# A good file after a bad one is still read.
"$PS_BIN" -q -F csv "$work/random.bin" "$work/caplen-over-snaplen.pcap" 2>"$work/err" | tr -d '"' >"$work/out"
[ "${PIPESTATUS[0]}" -eq 1 ] || fail "bad then good: status should be 1"
found_ssh "bad then good"
echo "all hostile captures handled"
