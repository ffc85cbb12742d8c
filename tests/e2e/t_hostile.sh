#!/usr/bin/env bash
# t_hostile.sh - captures that lie get a clear message, never a crash, and everything honest
# in them is still used: the report of each lie is the report of its honest twin (what an
# honest capture of the same packets would be). hostile/make.py writes both from a real
# capture of the corpus (pcaps/demo.pcap) by rewriting headers.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 "$ROOT/tests/e2e/hostile/make.py" "$work" || fail "could not write the captures"

run() { # files... -> status in $rc, report in $work/out, messages in $work/err
    "$PS_BIN" -q -F csv "$@" 2>"$work/err" | tr -d '"' >"$work/out"
    rc=${PIPESTATUS[0]}
    [ $rc -lt 128 ] || fail "$*: killed by a signal ($rc): $(cat "$work/err")"
}
first() { awk -v f="$1" '$1 == f { print $2 }' "$work/lies.txt"; }
# same_as_honest NAME: the lie's report equals its twin's, and the twin reports something.
same_as_honest() {
    "$PS_BIN" -q -F csv "$work/$1.honest" 2>/dev/null | tr -d '"' >"$work/want"
    [ "$(wc -l <"$work/want")" -gt 2 ] || fail "$1: the honest twin reports nothing"
    diff -u --label "honest $1" --label "$1" "$work/want" "$work/out" >"$work/diff" ||
        fail "$1: the report lost or changed what the honest packets say: $(cat "$work/diff" "$work/err")"
}
says() { # NAME PATTERN: the warnings name the file and say PATTERN
    grep -q -- "$work/$1: .*$2" "$work/err" || fail "$1: no message matching '$2': $(cat "$work/err")"
}

# A packet longer than what is left of the file: everything before it, and where it stopped.
run "$work/cut.pcap"
[ $rc -eq 0 ] || fail "cut.pcap: status $rc"
says cut.pcap "capture cut off at byte [0-9]* after $(($(first cut.pcap) - 1)) packets"
same_as_honest cut.pcap

# Records longer than the file's snapshot length: cut to it, the records after stay in step.
run "$work/caplen-over-snaplen.pcap"
[ $rc -eq 0 ] || fail "caplen-over-snaplen.pcap: status $rc"
says caplen-over-snaplen.pcap "[0-9]* packets\? recorded longer than the snapshot length 200 (first: packet $(first caplen-over-snaplen.pcap)); cut to 200 bytes"
same_as_honest caplen-over-snaplen.pcap
# The same from a pipe (the magic number and the offsets come through the counting stream).
"$PS_BIN" -q -F csv -r - <"$work/caplen-over-snaplen.pcap" 2>"$work/err" | tr -d '"' >"$work/out"
grep -q "standard input: .*longer than the snapshot length 200 (first: packet $(first caplen-over-snaplen.pcap))" "$work/err" ||
    fail "caplen over snaplen on standard input: $(cat "$work/err")"
same_as_honest caplen-over-snaplen.pcap

run "$work/over-snaplen.pcapng"
[ $rc -eq 0 ] || fail "over-snaplen.pcapng: status $rc"
says over-snaplen.pcapng "longer than the snapshot length 200 (first: packet $(first over-snaplen.pcapng))"
grep -q 'stopped reading' "$work/err" && fail "over-snaplen.pcapng: stopped at the long record: $(cat "$work/err")"
same_as_honest over-snaplen.pcapng

run "$work/zero-length.pcap"
[ $rc -eq 0 ] || fail "zero-length.pcap: status $rc"
says zero-length.pcap "packets\? with no captured bytes (first: packet $(first zero-length.pcap))"
same_as_honest zero-length.pcap

# Zero, invalid and future timestamps take the last believable time; the flows stay whole.
run "$work/bad-times.pcap"
[ $rc -eq 0 ] || fail "bad-times.pcap: status $rc"
says bad-times.pcap "packets\? with a zero, invalid or future timestamp (first: packet $(first bad-times.pcap))"
same_as_honest bad-times.pcap
grep -q '2037' "$work/out" && fail "bad-times.pcap: a future time reached the report"

run "$work/two-linktypes.pcapng"
[ $rc -eq 0 ] || fail "two-linktypes.pcapng: status $rc"
says two-linktypes.pcapng "interfaces of different link types (0: EN10MB, 1: RAW)"
same_as_honest two-linktypes.pcapng

# Not captures: one line naming the file, status 1, and the files around it still read.
for bad in random.bin empty.pcap; do
    run "$work/$bad"
    [ $rc -eq 1 ] || fail "$bad: status $rc, wanted 1"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$bad: wanted one line: $(cat "$work/err")"
    says "$bad" "not a capture file"
    run "$work/$bad" "$work/zero-length.pcap.honest"
    [ $rc -eq 1 ] || fail "$bad then a good file: status $rc, wanted 1"
    cp "$work/out" "$work/zero-length.pcap.out"
    run "$work/zero-length.pcap.honest"
    diff -q "$work/out" "$work/zero-length.pcap.out" >/dev/null || fail "$bad: the good file after it was not read whole"
done
run "$work/empty.pcap"
says empty.pcap "not a capture file (empty file)"

# A record header that is noise: the packets before it, the damage skipped to the next good
# record, and the packets after it; when only noise follows, where reading stopped.
run "$work/huge-caplen.pcap"
[ $rc -eq 0 ] || fail "huge-caplen.pcap: status $rc"
says huge-caplen.pcap "damaged record at byte [0-9]* after $(($(first huge-caplen.pcap) - 1)) packets (invalid packet capture length 2147483632[^)]*): [0-9]* bytes skipped to the next good record$"
same_as_honest huge-caplen.pcap

run "$work/noise-inside.pcap"
[ $rc -eq 0 ] || fail "noise-inside.pcap: status $rc"
says noise-inside.pcap "damaged record at byte [0-9]* after $(($(first noise-inside.pcap) - 1)) packets (.*): [0-9]* bytes skipped to the next good record; 2 damaged stretches, [0-9]* bytes skipped in all$"
same_as_honest noise-inside.pcap
"$PS_BIN" -q -F csv -r - <"$work/noise-inside.pcap" 2>"$work/err" | tr -d '"' >"$work/out"
grep -q "standard input: damaged record at byte" "$work/err" || fail "noise on standard input: $(cat "$work/err")"
same_as_honest noise-inside.pcap

run "$work/random-after-header.pcap"
[ $rc -eq 0 ] || fail "random-after-header.pcap: status $rc"
says random-after-header.pcap "stopped reading at byte [0-9]* after $(($(first random-after-header.pcap) - 1)) packets (invalid packet capture length [^;]*; no good record after it)"
same_as_honest random-after-header.pcap
echo "every lying capture was reported and its honest part used"
