#!/usr/bin/env bash
# t_verbose.sh - -v and signature files: nmap's own probe file loads whole (every line used,
# "0 lines rejected", the counts of test_sig_nmap.c added to ours); a user's nmap-format file
# with bad lines is loaded leniently, and -v names each bad line as file:line; a bad line in
# a strict signature file (-s) stops the run naming file:line, with or without -v.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$ROOT" || exit 1
NMAP=/usr/share/nmap/nmap-service-probes
[ -r "$NMAP" ] || fail "$NMAP is missing: make deps installs Debian's nmap"

# summary FILE WHAT: the number before WHAT in the "portsleuth: signatures: ..." line
summary() {
    sed -n 's/^portsleuth: signatures: //p' "$1" | tr ',' '\n' | sed 's/ (-v lists them)//' |
        awk -v f="$2" '{ n = $1; $1 = ""; sub(/^ /, ""); if ($0 == f) print n }'
}

"$PS_BIN" -v -q -F csv pcaps/demo.pcap >/dev/null 2>"$work/own" || fail "-v alone: exit status $?"
"$PS_BIN" -v -q -F csv --nmap-probes "$NMAP" pcaps/demo.pcap >"$work/nmap.csv" 2>"$work/nmap" \
    || fail "--nmap-probes: exit status $?"
grep -q 'rejected:' "$work/nmap" && fail "nmap's file: lines rejected: $(grep 'rejected:' "$work/nmap" | head -3)"
[ "$(summary "$work/nmap" 'lines rejected')" = 0 ] || fail "nmap's file: summary: $(cat "$work/nmap")"
own_m=$(summary "$work/own" matches); all_m=$(summary "$work/nmap" matches)
own_s=$(summary "$work/own" softmatches); all_s=$(summary "$work/nmap" softmatches)
[ -n "$own_m" ] && [ -n "$all_m" ] || fail "no summary line under -v: $(cat "$work/own" "$work/nmap")"
# nmap 7.93 as Debian 12 ships it: 11,721 match and 196 softmatch lines (test_sig_nmap.c).
[ $((all_m - own_m)) -eq 11721 ] || fail "nmap's matches loaded: $((all_m - own_m)), want 11721"
[ $((all_s - own_s)) -eq 196 ] || fail "nmap's softmatches loaded: $((all_s - own_s)), want 196"
grep -q '^10.99.0.1,22,tcp,ssh,' "$work/nmap.csv" || fail "--nmap-probes: no ssh row"

# A user's file in nmap's grammar, loaded leniently: two bad lines, two good ones.
cat >"$work/site.probes" <<'SIG'
Probe TCP NULL q||
match zork m|^ZORK (\d+)\r\n| p/Zork/ v/$1/
match broken m|unterminated
match badregex m|^(open| p/x/
softmatch zork m|^ZORK |
SIG
"$PS_BIN" -v -q -F csv --nmap-probes "$work/site.probes" pcaps/demo.pcap >/dev/null 2>"$work/site" \
    || fail "lenient file with bad lines: exit status $?"
grep -q "site.probes:3: rejected: " "$work/site" || fail "-v does not name site.probes:3: $(cat "$work/site")"
grep -q "site.probes:4: rejected: regex: " "$work/site" || fail "-v does not name site.probes:4: $(cat "$work/site")"
[ "$(grep -c 'rejected: ' "$work/site")" -eq 2 ] || fail "-v lists good lines as rejected: $(cat "$work/site")"
[ "$(summary "$work/site" 'lines rejected')" = 2 ] || fail "summary: $(cat "$work/site")"
# Without -v the bad lines are counted, not listed, and the summary says how to list them.
"$PS_BIN" -F csv --nmap-probes "$work/site.probes" pcaps/demo.pcap >/dev/null 2>"$work/quiet" \
    || fail "lenient file without -v: exit status $?"
grep -q 'rejected: ' "$work/quiet" && fail "bad lines listed without -v"
grep -q '2 lines rejected (-v lists them)' "$work/quiet" || fail "no count without -v: $(cat "$work/quiet")"

# The same file given with -s is ours to fix: an error naming file and line, status 2.
"$PS_BIN" -v -q -s "$work/site.probes" -F csv pcaps/demo.pcap >/dev/null 2>"$work/strict"
[ $? -eq 2 ] || fail "-s with a bad line: want status 2"
grep -q "site.probes:3: " "$work/strict" || fail "-s -v: the bad line is not named: $(cat "$work/strict")"
echo "verbose and signature-file checks passed"
