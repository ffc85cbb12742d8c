#!/usr/bin/env python3
"""make-mixed.py - a pcapng with two link types, which libpcap 1.10 will not read whole.

mixed.pcapng: section header, an Ethernet interface (microseconds), the ten
real packets of eth_tcp4.pcap, then a Linux cooked v1 interface with
nanosecond timestamps (if_tsresol 9) and the ten real packets of
sll_tcp4.pcap. libpcap stops at the second interface description, after the
first ten packets. mixed-cut.pcapng is the same cut in its last packet.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../decode"))
from craft import read_pcap  # noqa: E402


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def idb(linktype, tsresol=None):
    opts = b""
    if tsresol is not None:
        opts = struct.pack("<HHB3x", 9, 1, tsresol) + struct.pack("<HH", 0, 0)
    return block(1, struct.pack("<HHI", linktype, 0, 262144) + opts)


def epb(iface, ticks, frame):
    return block(6, struct.pack("<IIIII", iface, ticks >> 32, ticks & 0xFFFFFFFF, len(frame),
                                len(frame)) + frame)


def main():
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    _, eth = read_pcap(os.path.join(HERE, "../decode/eth_tcp4.pcap"))
    _, sll = read_pcap(os.path.join(HERE, "../decode/sll_tcp4.pcap"))
    out += idb(1)
    for sec, usec, f in eth:
        out += epb(0, sec * 1000000 + usec, f)
    out += idb(113, tsresol=9)
    for sec, usec, f in sll:
        out += epb(1, (sec * 1000000 + usec) * 1000 + 789, f)
    open(os.path.join(HERE, "mixed.pcapng"), "wb").write(out)
    open(os.path.join(HERE, "mixed-cut.pcapng"), "wb").write(out[:-30])


if __name__ == "__main__":
    main()
