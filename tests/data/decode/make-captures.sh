#!/bin/sh
# make-captures.sh - rebuild the real captures under tests/data/decode/ (root needed).
#
# Two network namespaces joined by a veth pair carry tiny real conversations
# (traffic.py: a banner answered by a line): TCP over IPv4 and IPv6, plain and
# through a VXLAN tunnel, and one UDP datagram large enough to be fragmented
# (IPv4 and IPv6). tcpdump records them on the veth (Ethernet), on "any"
# (Linux cooked v2, and v1 with -y LINUX_SLL) and with nanosecond timestamps;
# editcap turns two of them into pcapng. Only private addresses inside the
# namespaces are used. This container's kernel has no vlan, gre, ipip, sit or
# ip6tnl modules, so craft.py wraps the real packets in those headers (and in
# MPLS, PPPoE, BSD loopback and raw IP framing) instead.
set -eu
cd "$(dirname "$0")"
A=psdA B=psdB
T="python3 $(pwd)/traffic.py"

cleanup() { ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $A && ip netns add $B
ip link add vA netns $A type veth peer name vB netns $B
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A addr add 10.99.1.1/24 dev vA && ip -n $B addr add 10.99.1.2/24 dev vB
ip -n $A addr add fd00:99::1/64 dev vA nodad && ip -n $B addr add fd00:99::2/64 dev vB nodad
ip -n $A link set vA up && ip -n $B link set vB up

# start_tcpdump IFACE OUT FILTER [options]: returns once tcpdump is listening (pid in $pid).
start_tcpdump() {
    ifc=$1 out=$2 filter=$3; shift 3
    rm -f /tmp/psd-tcpdump.log
    ip netns exec $A tcpdump -q -U --immediate-mode -i "$ifc" -w "$out" "$@" "$filter" 2>/tmp/psd-tcpdump.log &
    pid=$!
    while ! grep -q listening /tmp/psd-tcpdump.log 2>/dev/null; do sleep 0.1; done
    sleep 0.5
}
# capture OUT IFACE FILTER SERVER PORT [tcpdump options]: one TCP conversation, A talks to B.
capture() {
    out=$1 ifc=$2 filter=$3 srv=$4 port=$5; shift 5
    for try in 1 2 3; do
        start_tcpdump "$ifc" "$out" "$filter" "$@"
        ip netns exec $B $T serve "$srv" "$port" & spid=$!
        sleep 0.3; ip netns exec $A $T talk "$srv" "$port"; wait $spid
        stop_tcpdump
        [ "$(stat -c %s "$out")" -gt 24 ] && return 0
        port=$((port + 100))
    done
    echo "make-captures: $out stayed empty" >&2; return 1
}
# udp OUT IFACE FILTER DEST SIZE [tcpdump options]: one UDP datagram from A to B.
udp() {
    out=$1 ifc=$2 filter=$3 dst=$4 size=$5; shift 5
    for try in 1 2 3; do
        start_tcpdump "$ifc" "$out" "$filter" "$@"
        ip netns exec $A $T udp "$dst" 5353 "$size"
        stop_tcpdump
        [ "$(stat -c %s "$out")" -gt 24 ] && return 0
    done
    echo "make-captures: $out stayed empty" >&2; return 1
}
stop_tcpdump() { sleep 0.5; kill -INT $pid; wait $pid || true; }

capture eth_tcp4.pcap vA "tcp port 2201" 10.99.1.2 2201
capture eth_tcp6.pcap vA "tcp port 2202" fd00:99::2 2202
capture sll2_tcp4.pcap any "tcp port 2203" 10.99.1.2 2203
capture sll_tcp4.pcap any "tcp port 2204" 10.99.1.2 2204 -y LINUX_SLL
capture nano_tcp4.pcap vA "tcp port 2205" 10.99.1.2 2205 --time-stamp-precision=nano
udp eth_udp4.pcap vA "udp" 10.99.1.2 40
udp frag_udp4.pcap vA "ip" 10.99.1.2 3000
udp frag_udp6.pcap vA "ip6 and not icmp6" fd00:99::2 3000

# This kernel has no vlan, gre, ipip or sit modules in the container: VXLAN is the
# only tunnel captured for real; craft.py builds the others around real packets.
inner() { ip -n $A addr add $1 dev tun && ip -n $B addr add $2 dev tun
          ip -n $A link set tun up && ip -n $B link set tun up; }
ip -n $A link add tun type vxlan id 42 local 10.99.1.1 remote 10.99.1.2 dstport 4789 dev vA
ip -n $B link add tun type vxlan id 42 local 10.99.1.2 remote 10.99.1.1 dstport 4789 dev vB
inner 10.99.33.1/24 10.99.33.2/24
capture vxlan_tcp4.pcap vA "udp port 4789 and not arp" 10.99.33.2 2233
ip -n $A link del tun; ip -n $B link del tun

# The same conversation as pcapng, microsecond and nanosecond.
editcap -F pcapng eth_tcp4.pcap eth_tcp4.pcapng
editcap -F pcapng nano_tcp4.pcap nano_tcp4.pcapng
[ -f craft.py ] && python3 craft.py || true
