#!/usr/bin/env bash
# t_threads_setup.sh - with --threads each worker sets up its own engine while the first thread
# already reads the capture; a worker that cannot (here: its nDPI map file is bad) stops the
# run with status 2 and a message naming the worker and the file's line, and no report.
#
# The map file is a named pipe, so the two engines read different contents: the reading
# thread's engine (set up first, before any worker starts) gets the real map, the worker's a
# bad line. The second writer waits until the first reader has closed the pipe (it is no
# longer among the process's open files), so that each reader gets exactly one content.
set -u
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$ROOT" || exit 1
mkdir "$work/data"
cp signatures/* "$work/data/"
rm "$work/data/ndpi-map.csv"
mkfifo "$work/data/ndpi-map.csv"

PORTSLEUTH_DATA="$work/data" "$PS_BIN" -q -F csv --threads 2 pcaps/standard.pcap \
    >"$work/out.csv" 2>"$work/err" &
pid=$!
# The first reader: the reading thread's engine.
timeout 20 cp signatures/ndpi-map.csv "$work/data/ndpi-map.csv" || fail "nobody read the map"
for _ in $(seq 2000); do
    ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'ndpi-map.csv' || break
    sleep 0.01
done
# The second reader: the worker's engine.
printf 'NoSuchProtocol,ssh\n' | timeout 20 tee "$work/data/ndpi-map.csv" >/dev/null \
    || fail "the worker did not read the map"
wait "$pid"
rc=$?
pid=
[ $rc -eq 2 ] || fail "exit status $rc, want 2; stderr: $(cat "$work/err")"
grep -q "^portsleuth: worker thread 1: $work/data/ndpi-map.csv:1: 'NoSuchProtocol' is not an nDPI protocol name$" \
    "$work/err" || fail "message: $(cat "$work/err")"
[ -s "$work/out.csv" ] && fail "a report was written: $(head -3 "$work/out.csv")"

# The same map read by every engine: the run goes through (the pipe is not the problem).
rm "$work/data/ndpi-map.csv"
cp signatures/ndpi-map.csv "$work/data/"
PORTSLEUTH_DATA="$work/data" "$PS_BIN" -q -F csv --threads 2 pcaps/standard.pcap \
    >"$work/out.csv" 2>"$work/err" || fail "good map: exit status $?: $(cat "$work/err")"
grep -q '^host,port' "$work/out.csv" || fail "good map: no report"
echo "threads: a worker that cannot set up its engine stops the run (status 2, named)"
