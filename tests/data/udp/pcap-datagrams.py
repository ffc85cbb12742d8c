#!/usr/bin/env python3
"""pcap-datagrams.py - write each UDP payload of one exchange to a file of its own.

Usage: pcap-datagrams.py capture.pcap server-port out-prefix
Reads a classic pcap (Ethernet or Linux cooked, IPv4, as tcpdump -i lo writes
it) and writes out-prefix.server.N for the N-th datagram the server port sent
and out-prefix.client.N for the N-th one sent to it, N from 0, in capture order.
"""
import struct
import sys


def datagrams(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    link_len = {1: 14, 113: 16}[linktype]
    at = 24
    while at + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[at + 8:at + 12])[0]
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        ip = frame[link_len:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 15) * 4:]
        sport, dport, ulen = struct.unpack(">HHH", udp[:6])
        yield sport, dport, udp[8:ulen]


def main():
    pcap, port, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    count = {"server": 0, "client": 0}
    for sport, dport, payload in datagrams(pcap):
        if port not in (sport, dport):
            continue
        side = "server" if sport == port else "client"
        with open(f"{prefix}.{side}.{count[side]}", "wb") as f:
            f.write(payload)
        count[side] += 1


if __name__ == "__main__":
    main()
