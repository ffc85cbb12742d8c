#!/usr/bin/env bash
# run.sh - end-to-end tests: the binary on real captures, compared with expected reports.
#
#   tests/e2e/run.sh BINARY [--update]
#
# Two kinds of test, both data-driven:
#   cases/NAME.args + cases/NAME.csv   run `BINARY -q -F csv <args>` from the repository root
#                                      and compare its CSV with NAME.csv (a readable diff on
#                                      failure); --update rewrites NAME.csv (review the diff!)
#   t_NAME.sh                          a script: exit 0 passed, 77 skipped, anything else failed;
#                                      it gets PS_BIN (the binary) and ROOT (the repository)
# The last line is "N passed, N failed, N skipped"; the exit status is 1 if any failed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:?usage: run.sh BINARY [--update]}
UPDATE=${2:-}
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
export PS_BIN="$BIN" ROOT PORTSLEUTH_DATA="$ROOT/signatures"
cd "$ROOT" || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0 failed=0 skipped=0 failures=()

for args in tests/e2e/cases/*.args; do
    [ -e "$args" ] || continue
    name=$(basename "$args" .args)
    want=tests/e2e/cases/$name.csv
    # shellcheck disable=SC2046  # the args file is words, one case per file
    "$BIN" -q -F csv $(grep -v '^#' "$args") >"$out/$name.csv" 2>"$out/$name.err"
    rc=$?
    if [ "$UPDATE" = --update ]; then
        cp "$out/$name.csv" "$want"
    fi
    if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
        echo "FAIL $name: exit status $rc"; sed 's/^/    /' "$out/$name.err"
        failed=$((failed + 1)); failures+=("$name"); continue
    fi
    if diff -u --label "expected $want" --label "got" "$want" "$out/$name.csv" >"$out/$name.diff"; then
        echo "ok   $name"; passed=$((passed + 1))
    else
        echo "FAIL $name: the report differs from $want"; sed 's/^/    /' "$out/$name.diff"
        failed=$((failed + 1)); failures+=("$name")
    fi
done

for t in tests/e2e/t_*.sh; do
    [ -e "$t" ] || continue
    name=$(basename "$t" .sh)
    bash "$t" >"$out/$name.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "ok   $name"; passed=$((passed + 1))
    elif [ $rc -eq 77 ]; then
        echo "skip $name: $(tail -n 1 "$out/$name.log")"; skipped=$((skipped + 1))
    else
        echo "FAIL $name (status $rc)"; sed 's/^/    /' "$out/$name.log"
        failed=$((failed + 1)); failures+=("$name")
    fi
done

[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
