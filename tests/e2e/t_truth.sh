#!/usr/bin/env bash
# t_truth.sh - every service named right, every disguise flagged, no false mismatch,
# against what truly ran in each capture (pcaps/truth.csv). See truth.py.
set -u
[ -f "$ROOT/pcaps/truth.csv" ] || { echo "no pcaps/truth.csv"; exit 1; }
exec python3 "$ROOT/tests/e2e/truth.py" "$PS_BIN" "$ROOT"
