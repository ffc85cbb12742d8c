#!/usr/bin/env python3
"""make-lies.py - the real packets of eth_tcp4.pcap in captures whose headers lie.

eth_tcp4.pcap holds ten real frames of 74, 74, 66, 91, 66, 73, 66, 66, 66, 66 bytes.

over-snaplen.pcap          file header snapshot length 74, records whole: packet 4 (91
                           bytes) is longer; packets 1 and 2 are exactly 74 (not longer).
over-snaplen-patched.pcap  the same in the old patched format (magic a1b2cd34, 24-byte
                           record headers) with snapshot length 60, which libpcap takes
                           as 74 on Ethernet (room for a faked header).
over-snaplen.pcapng        an interface with snapshot length 74, blocks holding whole
                           frames (libpcap 1.10 stops at packet 4).
lying-times.pcap           packet 1 at time zero (no believable time before it), then an
                           empty record (no bytes, wire length 0) after packet 2, and the
                           real packets 3, 5 and 7 at time zero, 2037 (the future) and
                           with 1500000 microseconds: records 1, 4, 6 and 8 lie about
                           time, record 3 about length.
noise.pcap                 packet 4's header claims 0x7ffffff0 captured bytes (libpcap
                           stops there); the 91 bytes after it and the packets after them
                           are as they were.
noise-be-nano.pcap         the same written big-endian with nanosecond timestamps.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../decode"))
from craft import read_pcap  # noqa: E402

FUTURE = 2114380800  # 2037-01-01


def pcap(magic, snaplen, linktype, recs, extra=b""):
    out = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for sec, usec, frame in recs:
        out += struct.pack("<IIII", sec, usec, len(frame), len(frame)) + extra + frame
    return out


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def main():
    linktype, recs = read_pcap(os.path.join(HERE, "../decode/eth_tcp4.pcap"))
    write = lambda name, data: open(os.path.join(HERE, name), "wb").write(data)  # noqa: E731
    write("over-snaplen.pcap", pcap(0xA1B2C3D4, 74, linktype, recs))
    # The patched header's extra 8 bytes: interface index, protocol, packet type, padding.
    write("over-snaplen-patched.pcap",
          pcap(0xA1B2CD34, 60, linktype, recs, struct.pack("<IHBB", 2, 0x0800, 0, 0)))
    ng = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    ng += block(1, struct.pack("<HHI", linktype, 0, 74))
    for sec, usec, frame in recs:
        t = sec * 1000000 + usec
        ng += block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(frame), len(frame))
                    + frame)
    write("over-snaplen.pcapng", ng)
    lying = []
    for i, (sec, usec, frame) in enumerate(recs):
        if i in (0, 2):
            sec, usec = 0, 0
        elif i == 4:
            sec, usec = FUTURE, 0
        elif i == 6:
            usec = 1500000
        lying.append((sec, usec, frame))
        if i == 1:
            lying.append((sec, usec, b""))
    write("lying-times.pcap", pcap(0xA1B2C3D4, 262144, linktype, lying))
    for name, e, nano in (("noise.pcap", "<", False), ("noise-be-nano.pcap", ">", True)):
        out = struct.pack(e + "IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0,
                          262144, linktype)
        for i, (sec, usec, frame) in enumerate(recs):
            caplen = 0x7FFFFFF0 if i == 3 else len(frame)
            out += struct.pack(e + "IIII", sec, usec * 1000 + 7 if nano else usec, caplen,
                               len(frame)) + frame
        write(name, out)


if __name__ == "__main__":
    main()
