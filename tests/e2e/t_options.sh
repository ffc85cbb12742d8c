#!/usr/bin/env bash
# t_options.sh - the options that shape a run's result: --fail-on (exit status 3 on
# pcaps/disguised.pcap, 0 on the clean pcaps/standard.pcap), --only (filters rows, not the
# table's summary), -o FILE (the report in the file, nothing on stdout, CSV unless -F),
# --ports FILE (a site convention changes a verdict; a bad row is an error naming file:line).
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$ROOT" || exit 1
D=pcaps/disguised.pcap S=pcaps/standard.pcap

# verdicts FILE: the verdict column of a CSV report, one per line
verdicts() { python3 -c 'import csv,sys; [print(r["verdict"]) for r in csv.DictReader(open(sys.argv[1]))]' "$1"; }
# row FILE PORT: "service,expected,verdict" of the tcp row for PORT on 10.99.0.1
row() { python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])):
    if (r["host"], r["port"], r["transport"]) == ("10.99.0.1", sys.argv[2], "tcp"):
        print(",".join((r["service"], r["expected"], r["verdict"])))' "$1" "$2"; }

# --- --fail-on ---------------------------------------------------------------------------
"$PS_BIN" -q -F csv "$D" >"$work/all.csv"; [ $? -eq 0 ] || fail "disguised.pcap without --fail-on: want 0"
mismatches=$(verdicts "$work/all.csv" | grep -c '^mismatch$')
[ "$mismatches" -ge 10 ] || fail "disguised.pcap: only $mismatches mismatches"
"$PS_BIN" -q -F csv --fail-on mismatch "$D" >"$work/failon.csv"; rc=$?
[ $rc -eq 3 ] || fail "--fail-on mismatch on disguised.pcap: status $rc, want 3"
cmp -s "$work/all.csv" "$work/failon.csv" || fail "--fail-on changed the report"
"$PS_BIN" -q -F csv --fail-on mismatch "$S" >/dev/null; rc=$?
[ $rc -eq 0 ] || fail "--fail-on mismatch on standard.pcap: status $rc, want 0"
"$PS_BIN" -q -F csv --fail-on unknown,nonstandard "$D" >/dev/null; rc=$?
[ $rc -eq 3 ] || fail "--fail-on unknown,nonstandard on disguised.pcap (FTP on 2121): status $rc"
"$PS_BIN" -q -F csv --fail-on unknown "$D" >/dev/null; rc=$?
[ $rc -eq 0 ] || fail "--fail-on unknown on disguised.pcap (nothing unknown): status $rc"

# --- --only ------------------------------------------------------------------------------
"$PS_BIN" -q -F csv --only mismatch "$D" >"$work/only.csv"
[ "$(verdicts "$work/only.csv" | sort -u)" = mismatch ] || fail "--only mismatch shows other verdicts"
[ "$(verdicts "$work/only.csv" | wc -l)" -eq "$mismatches" ] || fail "--only mismatch lost rows"
"$PS_BIN" -q -F csv --only ok,nonstandard "$D" >"$work/rest.csv"
[ $(($(verdicts "$work/rest.csv" | wc -l) + mismatches)) -eq "$(verdicts "$work/all.csv" | wc -l)" ] \
    || fail "--only ok,nonstandard and --only mismatch do not add up to the whole report"
verdicts "$work/rest.csv" | grep -q mismatch && fail "--only ok,nonstandard shows a mismatch"
"$PS_BIN" -q -F table --only mismatch "$D" >"$work/only.txt"
[ "$(grep -c ' mismatch ' "$work/only.txt")" -eq "$mismatches" ] || fail "table --only mismatch rows"
grep -q ' ok \| nonstandard ' "$work/only.txt" && fail "table --only mismatch shows other verdicts"
tail -n 1 "$work/only.txt" | grep -q "^23 endpoints, 23 identified, $mismatches mismatches, 1 nonstandard" \
    || fail "the table summary should count every endpoint: $(tail -n 1 "$work/only.txt")"

# --- -o FILE -----------------------------------------------------------------------------
"$PS_BIN" -q -o "$work/out.csv" "$D" >"$work/stdout"; rc=$?
[ $rc -eq 0 ] || fail "-o: status $rc"
[ -s "$work/stdout" ] && fail "-o: something on stdout: $(head -c 200 "$work/stdout")"
cmp -s "$work/out.csv" "$work/all.csv" || fail "-o without -F is not the CSV report"
"$PS_BIN" -q -F json -o "$work/out.json" --fail-on mismatch "$D" >"$work/stdout"; rc=$?
[ $rc -eq 3 ] || fail "-o with --fail-on: status $rc, want 3"
[ -s "$work/stdout" ] && fail "-o -F json: something on stdout"
[ "$(wc -l <"$work/out.json")" -eq "$(verdicts "$work/all.csv" | wc -l)" ] || fail "-o -F json: row count"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/out.json" \
    || fail "-o -F json: not JSON lines"
"$PS_BIN" -q -o /nonexistent-dir/x.csv "$S" >/dev/null 2>"$work/err"; rc=$?
[ $rc -ne 0 ] && grep -q /nonexistent-dir/x.csv "$work/err" || fail "-o into a missing directory: status $rc, $(cat "$work/err")"

# --- --ports FILE ------------------------------------------------------------------------
[ "$(row "$work/all.csv" 2121)" = "ftp,,nonstandard" ] || fail "2121 before: $(row "$work/all.csv" 2121)"
[ "$(row "$work/all.csv" 443)" = "redis,https ssl/http ssl,mismatch" ] || fail "443 before: $(row "$work/all.csv" 443)"
[ "$(row "$work/all.csv" 2222)" = "ssh,ssh,ok" ] || fail "2222 before: $(row "$work/all.csv" 2222)"
cat >"$work/site.csv" <<'CSV'
# this site: FTP on 2121, Redis behind 443, and 2222 is for the web UI only
tcp,2121,ftp,strong
tcp,443,redis,strong
tcp,2222,http,strong
CSV
"$PS_BIN" -q -F csv --ports "$work/site.csv" "$D" >"$work/site.out"
[ "$(row "$work/site.out" 2121)" = "ftp,ftp,ok" ] || fail "--ports: 2121 $(row "$work/site.out" 2121)"
[ "$(row "$work/site.out" 443)" = "redis,redis,ok" ] || fail "--ports: 443 $(row "$work/site.out" 443)"
[ "$(row "$work/site.out" 2222)" = "ssh,http,mismatch" ] || fail "--ports: 2222 $(row "$work/site.out" 2222)"
[ "$(row "$work/site.out" 80)" = "$(row "$work/all.csv" 80)" ] || fail "--ports changed a row it does not name"
printf 'tcp,2121,ftp,strong\ntcp,99999,x,strong\n' >"$work/bad.csv"
"$PS_BIN" -q -F csv --ports "$work/bad.csv" "$D" >/dev/null 2>"$work/err"; rc=$?
[ $rc -eq 2 ] || fail "--ports with a bad row: status $rc, want 2"
grep -q 'bad.csv:2' "$work/err" || fail "--ports bad row not named: $(cat "$work/err")"
echo "option checks passed"
