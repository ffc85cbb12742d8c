#!/usr/bin/env bash
# t_cli.sh - the command line: help, exit statuses, and messages for bad input.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

"$PS_BIN" --help >"$work/help" || fail "--help exit status"
for opt in -r -i -f --snaplen --no-promisc --duration -s --nmap-probes --ports --data-dir \
    --no-ndpi --list-signatures --head-bytes --max-flows --tcp-timeout --tcp-closed-timeout \
    --udp-timeout --threads -F -o --only --fail-on --clients --stats -q -v -V; do
    grep -q -- "$opt" "$work/help" || fail "--help does not document $opt"
done

"$PS_BIN" >/dev/null 2>"$work/err"; [ $? -eq 2 ] || fail "no input should be status 2"
grep -q 'no input' "$work/err" || fail "no input: message"
"$PS_BIN" --bogus x 2>/dev/null; [ $? -eq 2 ] || fail "unknown option should be status 2"
"$PS_BIN" -F xml x 2>"$work/err"; [ $? -eq 2 ] || fail "bad format should be status 2"
"$PS_BIN" --only maybe x 2>/dev/null; [ $? -eq 2 ] || fail "bad --only should be status 2"

# A missing file and a file that is not a capture: status 1, one line naming it.
"$PS_BIN" -q -F csv /nonexistent.pcap >"$work/out" 2>"$work/err"; [ $? -eq 1 ] || fail "missing file status"
grep -q '/nonexistent.pcap' "$work/err" || fail "missing file not named"
echo "this is not a capture" >"$work/junk.pcap"
"$PS_BIN" -q -F csv "$work/junk.pcap" >"$work/out" 2>"$work/err"; [ $? -eq 1 ] || fail "junk file status"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "junk file: expected one line, got: $(cat "$work/err")"
grep -q 'junk.pcap' "$work/err" || fail "junk file not named"
head -n 1 "$work/out" | grep -q '^host,port,transport,service,tunnel,product,version,info,os,device,cpe,expected,verdict,confidence,source,flows,clients,first_seen,last_seen,banner$' \
    || fail "CSV header is not the contract's"

# An empty file.
: >"$work/empty.pcap"
"$PS_BIN" -q -F csv "$work/empty.pcap" >/dev/null 2>"$work/err"; [ $? -eq 1 ] || fail "empty file status"
grep -q 'empty.pcap' "$work/err" || fail "empty file not named"

# A missing interface: status 1 and a message that says which.
"$PS_BIN" -q -i ps-no-such-if0 --duration 1 >/dev/null 2>"$work/err"; [ $? -eq 1 ] || fail "missing interface status"
grep -q "ps-no-such-if0" "$work/err" || fail "missing interface not named: $(cat "$work/err")"

# A bad line in our own signature files names file and line.
printf 'Probe TCP NULL q||\nmatch ssh m|^SSH-| p/x/\nmatch broken m|unterminated\n' >"$work/bad.sig"
"$PS_BIN" -q -s "$work/bad.sig" -F csv "$work/empty.pcap" >/dev/null 2>"$work/err"; [ $? -eq 2 ] || fail "bad signature status"
grep -q 'bad.sig:3' "$work/err" || fail "bad signature line not named: $(cat "$work/err")"

"$PS_BIN" --list-signatures >"$work/list" || fail "--list-signatures status"
grep -q 'ssh' "$work/list" || fail "--list-signatures shows no ssh"
echo "all command-line checks passed"
