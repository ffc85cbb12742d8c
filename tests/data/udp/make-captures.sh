#!/bin/sh
# make-captures.sh - rebuild the UDP parser test data (DNS, SNMP, NTP) from real servers.
#
# Runs dnsmasq (queried with dig), Net-SNMP's snmpd (queried with snmpget, v1,
# v2c and v3) and ntpsec's ntpd (queried with ntpdig) inside a private network
# namespace of its own (unshare -n: only its own loopback exists), captures
# the loopback with tcpdump and writes every UDP payload of each exchange to
# its own file with pcap-datagrams.py: <name>.client.N and <name>.server.N, in
# capture order. The servers also run on each other's ports (snmpd on udp/53,
# dnsmasq on udp/123) for disguise.pcap, the capture the end-to-end check
# reads to see SNMP on 53 and DNS on 123 named for what they are.
#
# Needs root, dnsmasq, bind9-dnsutils (dig), snmpd, snmp, ntpsec, ntpsec-ntpdig,
# tcpdump, python3.
# Usage: tests/data/udp/make-captures.sh   (from the repository root)
set -eu

OUT=$(cd "$(dirname "$0")" && pwd)
if [ "${PS_IN_NETNS:-}" != 1 ]; then
    exec env PS_IN_NETNS=1 unshare -n "$0" "$@"
fi
ip link set lo up
W=$(mktemp -d)
chmod 755 "$W"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$W"' EXIT

# Wait (up to 10 s) until something listens on the UDP port.
wait_port() {
    for _ in $(seq 100); do
        ss -Hlun "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    echo "nothing listens on udp port $1" >&2
    return 1
}

cap_start() {
    tcpdump -i lo --immediate-mode -U -s 0 -w "$W/$1.pcap" "udp port $2" 2>/dev/null &
    CAP=$!
    sleep 1
}
cap_stop() {
    sleep 0.5
    kill "$CAP"
    wait "$CAP" 2>/dev/null || true
    cp "$W/$1.pcap" "$OUT/$1.pcap"
    python3 "$OUT/pcap-datagrams.py" "$OUT/$1.pcap" "$2" "$OUT/$1"
}

# --- DNS: dnsmasq, an A query and the CHAOS version.bind query --------------------------
dnsmasq --no-daemon --conf-file=/dev/null --listen-address=127.0.0.1 --bind-interfaces \
    --port=5353 --no-resolv --address=/example.test/10.0.0.1 --pid-file="$W/dnsmasq.pid" \
    2>"$W/dnsmasq.log" &
DNSMASQ=$!
wait_port 5353
cap_start dns-a 5353
dig +norec +noedns +noadflag +nocookie -p 5353 @127.0.0.1 www.example.test A >/dev/null
cap_stop dns-a 5353
cap_start dns-version 5353
dig +noedns +nocookie -p 5353 @127.0.0.1 CH TXT version.bind >/dev/null
cap_stop dns-version 5353
cap_start dns-edns 5353
dig -p 5353 @127.0.0.1 www.example.test AAAA >/dev/null
cap_stop dns-edns 5353
kill "$DNSMASQ"; wait "$DNSMASQ" 2>/dev/null || true

# --- SNMP: snmpd with a generated configuration ------------------------------------------
cat >"$W/snmpd.conf" <<CONF
agentAddress udp:127.0.0.1:1161
rocommunity public 127.0.0.1
sysLocation portsleuth test lab
sysContact nobody@example.test
CONF
snmpd -f -Lo -C -c "$W/snmpd.conf" -p "$W/snmpd.pid" -M /usr/share/snmp/mibs >/dev/null 2>&1 &
SNMPD=$!
wait_port 1161
cap_start snmp-v2c 1161
snmpget -On -v2c -c public 127.0.0.1:1161 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.2.0 >/dev/null
cap_stop snmp-v2c 1161
cap_start snmp-v1 1161
snmpget -On -v1 -c public 127.0.0.1:1161 1.3.6.1.2.1.1.1.0 >/dev/null
cap_stop snmp-v1 1161
cap_start snmp-bulk 1161
snmpbulkget -On -v2c -c public -Cn0 -Cr3 127.0.0.1:1161 1.3.6.1.2.1.1 >/dev/null
cap_stop snmp-bulk 1161
# v3: the first exchange discovers the engine (a Report answers it); the user is unknown.
cap_start snmp-v3 1161
snmpget -On -v3 -l noAuthNoPriv -u nobody 127.0.0.1:1161 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 || true
cap_stop snmp-v3 1161
kill "$SNMPD"; wait "$SNMPD" 2>/dev/null || true

# --- NTP: ntpsec's ntpd, unsynchronised, asked by ntpdig ---------------------------------
cat >"$W/ntp.conf" <<CONF
driftfile $W/ntp.drift
interface listen 127.0.0.1
CONF
ntpd -n -g -c "$W/ntp.conf" -p "$W/ntpd.pid" -l "$W/ntpd.log" -u root &
NTPD=$!
wait_port 123
sleep 1
cap_start ntp 123
ntpdig -t 2 127.0.0.1 >/dev/null 2>&1 || true
cap_stop ntp 123
kill "$NTPD"; wait "$NTPD" 2>/dev/null || true

# --- disguises: SNMP on udp/53, DNS on udp/123, in one capture ----------------------------
sed 's/1161/53/' "$W/snmpd.conf" >"$W/snmpd53.conf"
snmpd -f -Lo -C -c "$W/snmpd53.conf" -p "$W/snmpd53.pid" -M /usr/share/snmp/mibs >/dev/null 2>&1 &
SNMPD=$!
dnsmasq --no-daemon --conf-file=/dev/null --listen-address=127.0.0.1 --bind-interfaces \
    --port=123 --no-resolv --address=/example.test/10.0.0.1 --pid-file="$W/dnsmasq123.pid" \
    2>"$W/dnsmasq123.log" &
DNSMASQ=$!
wait_port 53
wait_port 123
tcpdump -i lo --immediate-mode -U -s 0 -w "$W/disguise.pcap" "udp" 2>/dev/null &
CAP=$!
sleep 1
snmpget -On -v2c -c public 127.0.0.1:53 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.2.0 >/dev/null
dig +noedns +nocookie -p 123 @127.0.0.1 CH TXT version.bind >/dev/null
dig -p 123 @127.0.0.1 www.example.test A >/dev/null
sleep 0.5
kill "$CAP"; wait "$CAP" 2>/dev/null || true
cp "$W/disguise.pcap" "$OUT/disguise.pcap"
kill "$SNMPD" "$DNSMASQ"; wait 2>/dev/null || true
ls -l "$OUT"
