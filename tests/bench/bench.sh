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
# and prints each median wall time and CPU time (user + system, all threads), the
# ratios of both to the floor, and peak memory (max RSS). On a shared machine the
# CPU times are the steadier comparison; wall time is what --threads improves.
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
[ -s $B/flows.pcap ] || $B/gen flows $B/flows.pcap || exit 1
[ -s $B/one.pcap ] || $B/gen flows $B/one.pcap 1 || exit 1
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

echo "runs: $RUNS per contender, medians; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for cap in mixed bulk; do
    file=$B/$cap.pcap
    echo
    echo "== $cap: $($B/readloop $file | cut -d' ' -f1) packets, $(du -m $file | cut -f1) MB"
    cat $file >/dev/null # into the page cache
    declare -A times=() cpus=() mem=()
    for ((r = 0; r < RUNS; r++)); do
        for c in "${contenders[@]}"; do
            name=${c%%|*} cmd=${c#*|}
            /usr/bin/time -f '%e %U %S %M' -o $B/time.out $cmd $file >/dev/null 2>&1
            read -r secs user sys kb <$B/time.out
            times[$name]+="$secs "
            cpus[$name]+="$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') "
            [ "${mem[$name]:-0}" -lt "$kb" ] && mem[$name]=$kb
        done
    done
    floor=$(echo ${times[readloop]} | tr ' ' '\n' | median)
    cfloor=$(echo ${cpus[readloop]} | tr ' ' '\n' | median)
    ps1=$(echo ${times[portsleuth]} | tr ' ' '\n' | median)
    cps1=$(echo ${cpus[portsleuth]} | tr ' ' '\n' | median)
    printf '%-16s %8s %8s %8s %8s %8s %8s %9s\n' contender "wall s" "x floor" "x ps" \
        "cpu s" "x floor" "x ps" "peak MiB"
    for c in "${contenders[@]}"; do
        name=${c%%|*}
        m=$(echo ${times[$name]} | tr ' ' '\n' | median)
        cm=$(echo ${cpus[$name]} | tr ' ' '\n' | median)
        awk -v n="$name" -v m="$m" -v f="$floor" -v p="$ps1" -v cm="$cm" -v cf="$cfloor" \
            -v cp="$cps1" -v kb="${mem[$name]}" 'function r(a, b) { return b > 0 ? a / b : 0 }
            BEGIN {printf "%-16s %8.3f %8.2f %8.2f %8.3f %8.2f %8.2f %9.1f\n", n, m, r(m, f),
                   r(m, p), cm, r(cm, cf), r(cm, cp), kb / 1024}'
    done
    # How many times faster than ndpiReader, one thread and every thread (wall time).
    if [ -n "${times[ndpiReader]:-}" ]; then
        nd=$(echo ${times[ndpiReader]} | tr ' ' '\n' | median)
        line="ndpiReader takes $(awk -v a="$nd" -v b="$ps1" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')x portsleuth's wall time"
        if [ -n "${times[portsleuth-2t]:-}" ]; then
            ps2=$(echo ${times[portsleuth-2t]} | tr ' ' '\n' | median)
            line+=", $(awk -v a="$nd" -v b="$ps2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')x with --threads 2"
        fi
        echo "$line"
    fi
    unset times cpus mem
done

# A million concurrent flows: peak RSS over that of a one-flow capture, per flow, against
# the table's own estimate (struct flow plus at most two bucket slots, without heads).
echo
echo "== flows: a million DNS exchanges from distinct clients, all in the table at once"
/usr/bin/time -f '%M' -o $B/time.out ./portsleuth -q -F csv -o /dev/null $B/one.pcap >/dev/null 2>&1
base=$(cat $B/time.out)
/usr/bin/time -f '%e %U %S %M' -o $B/time.out ./portsleuth -q --stats -F csv -o /dev/null \
    $B/flows.pcap >/dev/null 2>$B/flows.stats
read -r secs user sys kb <$B/time.out
peak=$(sed -n 's/^flows: .* \([0-9]*\) peak.*/\1/p' $B/flows.stats)
awk -v kb="$kb" -v base="$base" -v peak="$peak" -v s="$secs" -v u="$user" -v y="$sys" 'BEGIN {
    printf "peak flows %d, peak RSS %.1f MiB (one-flow run %.1f MiB): %.0f bytes per concurrent flow\n",
        peak, kb / 1024, base / 1024, (peak > 0 ? (kb - base) * 1024 / peak : 0)
    printf "wall %.2f s, cpu %.2f s\n", s, u + y }'
