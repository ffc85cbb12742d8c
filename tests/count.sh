#!/usr/bin/env bash
# count.sh - the last line of `make check`: how many tests ran and passed, from the logs
# the check target keeps of each suite (LOGDIR/unit.log, e2e.log, fuzz-smoke.log,
# unit-asan.log, e2e-asan.log).
#
#   tests/count.sh LOGDIR
#
# CUnit's run summary gives tests run and passed; run.sh's last line gives passed, failed
# and skipped (a skipped test did not run); each fuzz target that went through its kept
# inputs and its timed run counts as one test. A log without its count is an error, so a
# suite that printed nothing cannot pass for one that passed.
set -u
dir=${1:?usage: count.sh LOGDIR}
run=0 passed=0 skipped=0 parts=()
fail() { echo "check: cannot count: $*" >&2; exit 1; }

for suite in unit e2e fuzz-smoke unit-asan e2e-asan; do
    log=$dir/$suite.log
    [ -r "$log" ] || fail "no $log"
    case $suite in
    unit*)
        read -r r p < <(awk '$1 == "tests" && NF == 6 { print $3, $4 }' "$log" | tail -n 1)
        s=0 ;;
    e2e*)
        read -r p f s < <(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
        r=$((${p:-0} + ${f:-0})) ;;
    fuzz-smoke)
        r=$(grep -c '^fuzz: .* ok$' "$log") p=$r s=0 ;;
    esac
    [ -n "${r:-}" ] && [ -n "${p:-}" ] && [ "$r" -gt 0 ] || fail "$log has no count of tests"
    run=$((run + r)) passed=$((passed + p)) skipped=$((skipped + s))
    parts+=("${suite%-smoke} $r")
    unset r p f s
done
summary=$(IFS=,; echo "${parts[*]}" | sed 's/,/, /g')
echo "check: $run tests run, $passed passed ($summary)$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ "$run" -eq "$passed" ]
