#!/usr/bin/env python3
"""make-mixed.py - a pcapng with two link types, which libpcap 1.10 will not read whole.

mixed.pcapng: section header, an Ethernet interface (microseconds), the ten
real packets of eth_tcp4.pcap, then a Linux cooked v1 interface with
nanosecond timestamps (if_tsresol 9) and the ten real packets of
sll_tcp4.pcap. libpcap stops at the second interface description, after the
first ten packets. mixed-cut.pcapng is the same cut in its last packet, and
mixed-be.pcapng the same written big-endian (as a big-endian host would).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../decode"))
from craft import read_pcap  # noqa: E402


def block(e, btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def idb(e, linktype, tsresol=None):
    opts = b""
    if tsresol is not None:
        opts = struct.pack(e + "HHB3x", 9, 1, tsresol) + struct.pack(e + "HH", 0, 0)
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, 262144) + opts)


def epb(e, iface, ticks, frame):
    return block(e, 6, struct.pack(e + "IIIII", iface, ticks >> 32, ticks & 0xFFFFFFFF,
                                   len(frame), len(frame)) + frame)


def mixed(e):
    out = block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    _, eth = read_pcap(os.path.join(HERE, "../decode/eth_tcp4.pcap"))
    _, sll = read_pcap(os.path.join(HERE, "../decode/sll_tcp4.pcap"))
    out += idb(e, 1)
    for sec, usec, f in eth:
        out += epb(e, 0, sec * 1000000 + usec, f)
    out += idb(e, 113, tsresol=9)
    for sec, usec, f in sll:
        out += epb(e, 1, (sec * 1000000 + usec) * 1000 + 789, f)
    return out


def main():
    out = mixed("<")
    open(os.path.join(HERE, "mixed.pcapng"), "wb").write(out)
    open(os.path.join(HERE, "mixed-cut.pcapng"), "wb").write(out[:-30])
    open(os.path.join(HERE, "mixed-be.pcapng"), "wb").write(mixed(">"))


if __name__ == "__main__":
    main()
