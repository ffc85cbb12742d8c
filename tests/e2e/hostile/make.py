#!/usr/bin/env python3
"""make.py - captures that lie, made from a real one (t_hostile.sh runs portsleuth on them).

    make.py OUTDIR [SOURCE.pcap]      (SOURCE defaults to pcaps/demo.pcap)

Every lie is told by rewriting the headers of a real capture of the corpus (or writing
noise over some of its records), so what is honest in it is real traffic. Beside each lying file LIE, a file LIE.honest holds what an
honest capture of the same packets would be (the packets before a cut, the records cut to
the snapshot length as libpcap cuts them, the absurd times replaced by the last believable
one, ...): t_hostile.sh checks that the report of the lie is the report of its honest twin,
so that everything the lie did not destroy was still used. make.py also writes lies.txt:
one line per file with the number of the first lying packet (for the warnings).
"""
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]
source = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "../../../pcaps/demo.pcap")
os.makedirs(out, exist_ok=True)
firsts = []

FUTURE = 2114380800  # 2037-01-01: past any clock reading this, still a valid 32-bit time
SNAPLEN = 200        # the snapshot length the over-snaplen lies claim


def read_pcap(path):
    data = open(path, "rb").read()
    magic, _, _, _, _, snaplen, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4, "%s: a little-endian microsecond pcap is expected" % path
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append([sec, usec, data[off + 16:off + 16 + incl], orig])
        off += 16 + incl
    return linktype, snaplen, recs


def header(snaplen, linktype):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def record(sec, usec, data, orig, caplen=None):
    return struct.pack("<IIII", sec, usec, len(data) if caplen is None else caplen, orig) + data


def body(recs):
    return b"".join(record(*r) for r in recs)


def write(name, data, honest=None, first=None):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    if honest is not None:
        with open(os.path.join(out, name + ".honest"), "wb") as f:
            f.write(honest)
    if first is not None:
        firsts.append("%s %d" % (name, first))


linktype, snaplen, recs = read_pcap(source)
n = len(recs)
head = header(snaplen, linktype)
cut_at = n * 2 // 3  # the lies that destroy the rest start here (1-based packet cut_at + 1)

# A record that claims more bytes than the file still holds: the file ends inside it.
lie = recs[cut_at]
claim = len(lie[2]) + 4000
write("cut.pcap", head + body(recs[:cut_at]) + record(lie[0], lie[1], lie[2], lie[3], claim),
      head + body(recs[:cut_at]), cut_at + 1)

# The file header says snapshot length SNAPLEN, but records hold whole frames: libpcap cuts
# them to SNAPLEN and skips the rest, and the records after each stay in step.
longer = [i for i, r in enumerate(recs) if len(r[2]) > SNAPLEN]
cut = [[r[0], r[1], r[2][:SNAPLEN], r[3]] for r in recs]
write("caplen-over-snaplen.pcap", header(SNAPLEN, linktype) + body(recs),
      header(SNAPLEN, linktype) + body(cut), longer[0] + 1)

# Records with no bytes at all (no wire length either, or a wire length), between real ones.
with_empty, first_empty = [], None
for i, r in enumerate(recs):
    with_empty.append(r)
    if i % 10 == 3:
        with_empty.append([r[0], r[1], b"", 0 if i % 20 == 3 else 60])
        first_empty = first_empty or len(with_empty)
write("zero-length.pcap", head + body(with_empty), head + body(recs), first_empty)

# Timestamps that cannot be packet time: zero, a fraction of a second of a second or more,
# and the far future. The honest twin gives each the time of the packet before it.
times, honest_times, first_bad, good = [], [], None, None
for i, r in enumerate(recs):
    sec, usec = r[0], r[1]
    if i >= 5 and i % 7 == 5:
        sec, usec = [(0, 0), (r[0], 1500000), (FUTURE, 0)][(i // 7) % 3]
        first_bad = first_bad or i + 1
        honest_times.append([good[0], good[1], r[2], r[3]])
    else:
        good = (sec, usec)
        honest_times.append(r)
    times.append([sec, usec, r[2], r[3]])
write("bad-times.pcap", head + body(times), head + body(honest_times), first_bad)

# Random bytes; an empty file; random bytes after a real beginning.
rnd = random.Random(7)
write("random.bin", bytes(rnd.randrange(256) for _ in range(4096)))
write("empty.pcap", b"")
write("random-after-header.pcap", head + body(recs[:cut_at]) +
      bytes(rnd.randrange(256) for _ in range(3000)), head + body(recs[:cut_at]), cut_at + 1)
# One record whose captured length no snapshot length allows: that record is lost, the
# records after it are found again.
write("huge-caplen.pcap", head + body(recs[:cut_at]) + record(*lie, caplen=0x7FFFFFF0) +
      body(recs[cut_at + 1:]), head + body(recs[:cut_at] + recs[cut_at + 1:]), cut_at + 1)


def noise(size):
    junk = bytearray(rnd.randrange(256) for _ in range(size))
    junk[11] = 0xFF  # where a record header's captured length would be: none allows it
    return bytes(junk)


# Noise written over two runs of whole records (as a damaged disk block would): those
# records are lost, everything around them is read.
runs = [(n // 4, n // 4 + 3), (n // 2, n // 2 + 2)]
damaged, honest_recs, at = head, [], 0
for a, b in runs:
    damaged += body(recs[at:a]) + noise(len(body(recs[a:b])))
    honest_recs += recs[at:a]
    at = b
damaged += body(recs[at:])
honest_recs += recs[at:]
write("noise-inside.pcap", damaged, head + body(honest_recs), runs[0][0] + 1)


def block(btype, payload):
    payload += b"\0" * (-len(payload) % 4)
    size = 12 + len(payload)
    return struct.pack("<II", btype, size) + payload + struct.pack("<I", size)


def epb(iface, r, caplen=None):
    ticks = r[0] * 1000000 + r[1]
    data = r[2] if caplen is None else r[2][:caplen]
    return block(6, struct.pack("<IIIII", iface, ticks >> 32, ticks & 0xFFFFFFFF, len(data),
                                r[3]) + data)


shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(lt, snap=0):
    return block(1, struct.pack("<HHI", lt, 0, snap))


# pcapng: a second interface of another link type (raw IP, 101) takes over halfway; its
# packets are the same frames without their Ethernet header. libpcap 1.10 stops there.
half = n // 2
assert linktype == 1
mixed = shb + idb(1) + b"".join(epb(0, r) for r in recs[:half]) + idb(101) + b"".join(
    epb(1, [r[0], r[1], r[2][14:], r[3] - 14]) for r in recs[half:])
write("two-linktypes.pcapng", mixed, head + body(recs), half + 1)

# pcapng whose interface says SNAPLEN but whose blocks hold whole frames (libpcap 1.10 stops
# at the first; the record is cut to SNAPLEN, as libpcap cuts a classic pcap's).
write("over-snaplen.pcapng", shb + idb(1, SNAPLEN) + b"".join(epb(0, r) for r in recs),
      header(SNAPLEN, linktype) + body(cut), longer[0] + 1)

with open(os.path.join(out, "lies.txt"), "w") as f:
    f.write("\n".join(firsts) + "\n")
