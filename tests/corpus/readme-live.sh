#!/bin/bash
# readme-live.sh - the live example of README.md ("A live interface"), run for real: two
# network namespaces joined by a veth pair, real daemons in one (Python's http.server on
# 22 and 8080, redis-server on 443, memcached on 11211), real clients in the other (curl,
# redis-cli, nc), and portsleuth -i on the client's end of the veth for 6 seconds, as a
# table. Prints its stdout and stderr, to be pasted into README.md. Root; nothing leaves
# the namespaces. Usage: tests/corpus/readme-live.sh (from the repository root, after make)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
srv=ps-doc-srv-$$ cli=ps-doc-cli-$$ w=$(mktemp -d)
cleanup() {
    for p in ${pids:-}; do kill "$p" 2>/dev/null || true; done
    ip netns del "$srv" 2>/dev/null || true
    ip netns del "$cli" 2>/dev/null || true
    rm -rf "$w"
}
trap cleanup EXIT
ip netns add "$srv"
ip netns add "$cli"
ip link add psd0 netns "$srv" type veth peer name eth0 netns "$cli"
ip -n "$srv" addr add 10.96.0.1/24 dev psd0 && ip -n "$srv" link set psd0 up && ip -n "$srv" link set lo up
ip -n "$cli" addr add 10.96.0.2/24 dev eth0 && ip -n "$cli" link set eth0 up && ip -n "$cli" link set lo up
mkdir -p "$w/www" && echo hello >"$w/www/index.html"
pids=
for port in 22 8080; do
    ip netns exec "$srv" python3 -m http.server --bind 10.96.0.1 --directory "$w/www" $port \
        >/dev/null 2>&1 &
    pids="$pids $!"
done
ip netns exec "$srv" redis-server --bind 10.96.0.1 --port 443 --protected-mode no --save '' \
    --dir "$w" >/dev/null 2>&1 &
pids="$pids $!"
ip netns exec "$srv" memcached -u nobody -l 10.96.0.1 -p 11211 -U 0 >/dev/null 2>&1 &
pids="$pids $!"
sleep 1
cd "$root"
ip netns exec "$cli" ./portsleuth -i eth0 --duration 6 -F table >"$w/out" 2>"$w/err" &
ps_pid=$!
sleep 1.5
ip netns exec "$cli" curl -s -o /dev/null http://10.96.0.1:8080/
ip netns exec "$cli" curl -s -o /dev/null http://10.96.0.1:22/
ip netns exec "$cli" redis-cli -h 10.96.0.1 -p 443 PING >/dev/null
ip netns exec "$cli" redis-cli -h 10.96.0.1 -p 443 INFO server >/dev/null
printf 'version\r\nquit\r\n' | ip netns exec "$cli" nc -q 1 10.96.0.1 11211 >/dev/null
wait "$ps_pid"
cat "$w/out" "$w/err"
