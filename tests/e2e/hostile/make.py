#!/usr/bin/env python3
"""make.py - captures that lie, written byte by byte (t_hostile.sh runs portsleuth on them).

Each holds one honest SSH banner exchange (a SYN, SYN-ACK, and the server's banner) so a
test can tell that what came before or after the lie was still used.
"""
import os
import random
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp(src, dst, sport, dport, flags, seq, ack, payload=b""):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(t), 1, 0, 64, 6, 0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + t


def eth(ip):
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip


S, C = [10, 9, 0, 1], [10, 9, 0, 2]
BANNER = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
honest = [
    eth(tcp(C, S, 40000, 22, 0x02, 1000, 0)),
    eth(tcp(S, C, 22, 40000, 0x12, 5000, 1001)),
    eth(tcp(C, S, 40000, 22, 0x10, 1001, 5001)),
    eth(tcp(S, C, 22, 40000, 0x18, 5001, 1001, BANNER)),
]


def pcap_header(snaplen=65535, linktype=1):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def record(data, ts=1767225600, usec=0, caplen=None, wire=None):
    caplen = len(data) if caplen is None else caplen
    wire = len(data) if wire is None else wire
    return struct.pack("<IIII", ts, usec, caplen, wire) + data


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


body = b"".join(record(p, usec=i * 1000) for i, p in enumerate(honest))
# A packet whose length runs past the end of the file: the four honest packets come first.
write("cut.pcap", pcap_header() + body + record(honest[3], caplen=1400)[:16 + 30])
# caplen larger than the file's snaplen (96) but sane: used, not trusted beyond what is there.
write("caplen-over-snaplen.pcap", pcap_header(snaplen=96) + body)
# Zero-length records and absurd timestamps (0, far future, microseconds over a second).
odd = record(b"", ts=0) + record(honest[0], ts=0xFFFFFFFF, usec=999999999) + record(b"", usec=5)
write("odd-times.pcap", pcap_header() + odd + body)
# Random bytes, and random bytes after a valid header.
rnd = random.Random(7)
write("random.bin", bytes(rnd.randrange(256) for _ in range(4096)))
write("random-after-header.pcap", pcap_header() + body + bytes(rnd.randrange(256) for _ in range(3000)))
# Absurd caplen (beyond any snaplen libpcap accepts).
write("huge-caplen.pcap", pcap_header() + body + record(honest[0], caplen=0x7FFFFFF0))


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
idb_eth = block(1, struct.pack("<HHI", 1, 0, 65535))
idb_raw = block(1, struct.pack("<HHI", 101, 0, 65535))


def epb(iface, data, t):
    return block(6, struct.pack("<IIIII", iface, t >> 32, t & 0xFFFFFFFF, len(data), len(data)) + data)


t0 = 1767225600 * 1000000
# Two interfaces of different link types: Ethernet for the handshake, raw IP for the banner.
mixed = shb + idb_eth + idb_raw + epb(0, honest[0], t0) + epb(0, honest[1], t0 + 1) + \
    epb(0, honest[2], t0 + 2) + epb(1, honest[3][14:], t0 + 3)
write("two-linktypes.pcapng", mixed)
