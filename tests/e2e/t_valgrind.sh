#!/usr/bin/env bash
# t_valgrind.sh - no leak and no invalid access on the real-traffic corpus, under valgrind
# (the release binary; the ASan build covers the same paths in make check's second half).
set -u
command -v valgrind >/dev/null || { echo "skipped: valgrind is not installed"; exit 77; }
case "$PS_BIN" in */build/asan/*) echo "skipped: the ASan build runs without valgrind"; exit 77 ;; esac
caps=$(ls "$ROOT"/pcaps/*.pcap* 2>/dev/null)
[ -n "$caps" ] || { echo "no captures in pcaps/"; exit 1; }
for cap in $caps; do
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        "$PS_BIN" -q -F json --clients "$cap" >/dev/null 2>"${TMPDIR:-/tmp}/ps-valgrind.$$"
    rc=$?
    if [ $rc -eq 99 ] || [ $rc -ge 128 ]; then
        echo "valgrind found problems on $cap:"; cat "${TMPDIR:-/tmp}/ps-valgrind.$$"
        rm -f "${TMPDIR:-/tmp}/ps-valgrind.$$"; exit 1
    fi
done
rm -f "${TMPDIR:-/tmp}/ps-valgrind.$$"
echo "valgrind: clean on $(echo "$caps" | wc -w) captures"
