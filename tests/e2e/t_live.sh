#!/usr/bin/env bash
# t_live.sh - live capture: real traffic between two network namespaces joined by a veth
# pair, portsleuth -i on the client's end for a few seconds, and what it reported.
# Needs root (network namespaces); without it the test is skipped, never passed.
set -u
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
command -v ip >/dev/null || { echo "skipped: no ip command (iproute2)"; exit 77; }
command -v curl >/dev/null || { echo "skipped: no curl"; exit 77; }
srv=ps-live-srv-$$ cli=ps-live-cli-$$ work=$(mktemp -d)
cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
    ip netns del "$srv" 2>/dev/null
    ip netns del "$cli" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$srv" && ip netns add "$cli" || { echo "cannot create network namespaces"; exit 1; }
ip link add psl0 netns "$srv" type veth peer name psl1 netns "$cli" || exit 1
ip -n "$srv" addr add 10.98.0.1/24 dev psl0 && ip -n "$srv" link set psl0 up && ip -n "$srv" link set lo up
ip -n "$cli" addr add 10.98.0.2/24 dev psl1 && ip -n "$cli" link set psl1 up && ip -n "$cli" link set lo up

# A real HTTP server on a port that belongs to SSH, and one on its own alternate port.
mkdir -p "$work/www" && echo hello >"$work/www/index.html"
ip netns exec "$srv" python3 -m http.server --bind 10.98.0.1 --directory "$work/www" 22 \
    >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do ip netns exec "$cli" bash -c 'exec 3<>/dev/tcp/10.98.0.1/22' 2>/dev/null && break; sleep 0.1; done

ip netns exec "$cli" "$PS_BIN" -q -i psl1 --duration 4 -F csv -o "$work/report.csv" 2>"$work/err" &
ps_pid=$!
sleep 1.5
for _ in 1 2 3; do ip netns exec "$cli" curl -s -o /dev/null --max-time 2 http://10.98.0.1:22/ ; done
# Live mode writes an endpoint as soon as it is identified, not only at the end.
sleep 0.5
kill -0 "$ps_pid" 2>/dev/null || { echo "portsleuth ended before the streaming check"; exit 1; }
tr -d '"' <"$work/report.csv" | grep -q '^10\.98\.0\.1,22,tcp,http,' ||
    { echo "no row for 10.98.0.1:22 while the capture was still running"; cat "$work/report.csv"; exit 1; }
wait "$ps_pid"; rc=$?
echo "exit status $rc"; cat "$work/err"; cat "$work/report.csv"
[ $rc -eq 0 ] || exit 1
grep -q '^host,port,transport,service' "$work/report.csv" || { echo "no CSV header"; exit 1; }
[ "$(grep -c '^host,port' "$work/report.csv")" -eq 1 ] || { echo "more than one CSV header"; exit 1; }
line=$(tr -d '"' <"$work/report.csv" | grep '^10\.98\.0\.1,22,tcp,' | tail -n 1)
[ -n "$line" ] || { echo "the server 10.98.0.1:22 was not reported"; exit 1; }
echo "$line" | grep -q ',http,' || { echo "10.98.0.1:22 was not named http"; exit 1; }
echo "$line" | grep -q ',mismatch,' || { echo "HTTP on 22 was not flagged mismatch"; exit 1; }
grep -q 'kernel received' "$work/err" && { echo "-q should silence the kernel counts"; exit 1; }
# Stopped by a signal instead of --duration, without -q, as JSON lines: SIGINT and SIGTERM
# each end the capture cleanly, the report is still written, and the kernel's counts (which
# saw this traffic) are printed.
for sig in INT TERM; do
    ip netns exec "$cli" "$PS_BIN" -i psl1 -F json -o "$work/live.json" 2>"$work/err" &
    ps_pid=$!
    sleep 1.5
    ip netns exec "$cli" curl -s -o /dev/null --max-time 2 http://10.98.0.1:22/
    sleep 0.5
    kill -"$sig" "$ps_pid"; wait "$ps_pid"; rc=$?
    [ $rc -eq 0 ] || { echo "SIG$sig: exit status $rc"; cat "$work/err"; exit 1; }
    grep -q '"host":"10.98.0.1","port":22,"transport":"tcp","service":"http"' "$work/live.json" ||
        { echo "SIG$sig: no JSON record for 10.98.0.1:22"; cat "$work/live.json"; exit 1; }
    grep -Eq 'kernel received [1-9][0-9]* packets, dropped [0-9]+' "$work/err" ||
        { echo "SIG$sig: no kernel counts"; cat "$work/err"; exit 1; }
done
exit 0
