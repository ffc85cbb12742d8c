#!/usr/bin/env bash
# bench.sh - how fast portsleuth reads captures, against the libpcap read floor and ndpiReader.
#
#   make bench            (or tests/bench/bench.sh [RUNS])
#
# Builds the two benchmark captures with gen.c (deterministic), then in one run, alternating
# so that the machine's noise falls on every contender alike, times RUNS rounds of:
#   readloop     a bare libpcap loop over every packet (the floor)
#   portsleuth   one thread, our signatures and nDPI
#   portsleuth   with --threads 2 (when the binary has it)
#   portsleuth   with --nmap-probes /usr/share/nmap/nmap-service-probes
#   ndpiReader   Debian's libndpi-bin, quiet
# and prints each median wall time, the ratios, and peak memory (max RSS).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
RUNS=${1:-5}
B=build/bench
mkdir -p "$B"
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror tests/bench/gen.c -o $B/gen -lpcap || exit 1
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror tests/bench/readloop.c -o $B/readloop -lpcap || exit 1
[ -s $B/mixed.pcap ] || $B/gen mixed $B/mixed.pcap || exit 1
[ -s $B/bulk.pcap ] || $B/gen bulk $B/bulk.pcap || exit 1
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)"; exit 1; }
NMAP=/usr/share/nmap/nmap-service-probes
export PORTSLEUTH_DATA="$ROOT/signatures"

threads_ok=0
./portsleuth --help | grep -q -- '--threads' && threads_ok=1

# name|command (the capture is appended)
contenders=(
    "readloop|$B/readloop"
    "portsleuth|./portsleuth -q -F csv -o /dev/null"
)
[ $threads_ok = 1 ] && contenders+=("portsleuth-2t|./portsleuth -q --threads 2 -F csv -o /dev/null")
[ -r $NMAP ] && contenders+=("portsleuth+nmap|./portsleuth -q --nmap-probes $NMAP -F csv -o /dev/null")
command -v ndpiReader >/dev/null && contenders+=("ndpiReader|ndpiReader -q -i")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for cap in mixed bulk; do
    file=$B/$cap.pcap
    echo
    echo "== $cap: $($B/readloop $file | cut -d' ' -f1) packets, $(du -m $file | cut -f1) MB"
    cat $file >/dev/null # into the page cache
    declare -A times=() mem=()
    for ((r = 0; r < RUNS; r++)); do
        for c in "${contenders[@]}"; do
            name=${c%%|*} cmd=${c#*|}
            /usr/bin/time -f '%e %M' -o $B/time.out $cmd $file >/dev/null 2>&1
            read -r secs kb <$B/time.out
            times[$name]+="$secs "
            mem[$name]=$kb
        done
    done
    floor=$(echo ${times[readloop]} | tr ' ' '\n' | median)
    ps1=$(echo ${times[portsleuth]} | tr ' ' '\n' | median)
    printf '%-16s %10s %10s %12s %12s\n' contender "median s" "x floor" "x portsleuth" "peak MiB"
    for c in "${contenders[@]}"; do
        name=${c%%|*}
        m=$(echo ${times[$name]} | tr ' ' '\n' | median)
        awk -v n="$name" -v m="$m" -v f="$floor" -v p="$ps1" -v kb="${mem[$name]}" \
            'BEGIN {printf "%-16s %10.3f %10.2f %12.2f %12.1f\n", n, m, (f > 0 ? m / f : 0), (p > 0 ? m / p : 0), kb / 1024}'
    done
    unset times mem
done
