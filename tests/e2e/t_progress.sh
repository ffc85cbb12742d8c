#!/usr/bin/env bash
# t_progress.sh - with stderr on a terminal, reading shows progress: bytes, packets/s, frames
# and the flows active now (one thread and sharded); -q silences it. script(1) gives the
# terminal. The capture comes through a pipe that pauses for a second after 300 packets, so
# the line is redrawn at packet 512 whatever the machine's speed (it is redrawn at most
# every 250 ms, looked at every 256 packets).
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v script >/dev/null || { echo "script(1) is not installed (bsdutils)"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat >"$work/feed.py" <<'EOF'
import struct, sys, time
data = open(sys.argv[1], "rb").read()
off = 24
for _ in range(300):
    off += 16 + struct.unpack("<I", data[off + 8:off + 12])[0]
sys.stdout.buffer.write(data[:off]); sys.stdout.flush()
time.sleep(1)
sys.stdout.buffer.write(data[off:]); sys.stdout.flush()
EOF
cap="$ROOT/pcaps/standard.pcap"
[ -s "$cap" ] || fail "no $cap"

on_tty() { # options... -> what the terminal showed, in $work/tty
    script -qec "python3 '$work/feed.py' '$cap' | '$PS_BIN' $* -r - -F csv -o '$work/out.csv'" /dev/null \
        | tr '\r' '\n' >"$work/tty"
}
for threads in 1 2; do
    on_tty --threads $threads
    line=$(grep -a 'portsleuth: .* 512 frames' "$work/tty") ||
        fail "threads $threads: no progress line at packet 512: $(cat -v "$work/tty")"
    echo "$line" | grep -Eq '^(.\[K)?portsleuth: [0-9.]+ MB, [0-9]+ packets/s, 512 frames, [1-9][0-9]* flows$' ||
        fail "threads $threads: the line lacks bytes, rate, frames or a flow count: $(echo "$line" | cat -v)"
    grep -q '^host,port' "$work/out.csv" || fail "threads $threads: no report"
done
on_tty -q --threads 1
grep -aq 'frames' "$work/tty" && fail "-q still shows progress: $(cat -v "$work/tty")"
echo "progress shows bytes, packets/s, frames and flows; -q silences it"
