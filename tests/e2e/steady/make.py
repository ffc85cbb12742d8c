#!/usr/bin/env python3
"""make.py - long conversations whose ports are used again, made from a real capture.

    make.py OUT.pcap [SOURCE.pcap]      (SOURCE defaults to pcaps/standard.pcap)

t_threads_steady.sh runs portsleuth on OUT with one and with several threads. With
--threads, a worker's flow that is classified and long ("steady") has its later packets
handed over without payload; these conversations test that nothing the report depends on
is lost when the same ports then carry something new. From the real SSH, HTTP and SMTP
conversations of SOURCE (client 10.99.0.2, server 10.99.0.1), eight times over, each time
to another server address S (10.99.1.i, so that each gets a record of its own) from another
client port P (50000 + i):

  1. the SSH conversation on P, up to its FINs; then the server's last data segment again
     REPEAT times, each with the next 72 bytes of sequence space, 10 us apart: long enough
     to go steady, and then for the worker's word to reach the dispatcher, which may be a
     megabyte of records ahead;
  2. i even: the FINs, shifted by the bytes added; one second later the HTTP conversation,
     handshake and all, on the same ports (P -> 22): a new conversation on a closed flow;
     i odd: no FIN; 400 seconds of silence (past the TCP idle timeout), then the SMTP
     conversation from the server's greeting on (no handshake), on the same ports: a new
     flow picked up mid-stream.

They follow a warm-up: the same long SSH conversation with WARMUP repeats, to another
server (10.99.2.1), while the worker threads set up and catch up with the reading thread.

Addresses, ports, sequence and acknowledgement numbers, times, IP IDs and both checksums are
rewritten; payloads are the real ones. Standard library only.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPEAT = 12000
WARMUP = 60000
ETH = 14
FIN, SYN, ACK = 0x01, 0x02, 0x10
CLIENT, SERVER = bytes([10, 99, 0, 2]), bytes([10, 99, 0, 1])


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def read_frames(path):
    data = open(path, "rb").read()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4 and linktype == 1, "%s: a microsecond Ethernet pcap" % path
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        frames.append((sec * 1000000 + usec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], frames


class Segment:
    def __init__(self, ts, body):
        ip = body[ETH:]
        self.ok = struct.unpack("!H", body[12:14])[0] == 0x0800 and ip[9] == 6
        if not self.ok:
            return
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:total]
        thl = (tcp[12] >> 4) * 4
        self.ts, self.eth, self.iph, self.tcph, self.payload = ts, body[:ETH], ip[:ihl], tcp[:thl], tcp[thl:]
        self.src, self.dst = ip[12:16], ip[16:20]
        self.sport, self.dport, self.seq, self.ack = struct.unpack("!HHII", tcp[:12])
        self.flags = tcp[13]

    def from_server(self):
        return self.src == SERVER

    def build(self, server, sport, dport, seq, ack, ip_id):
        src, dst = (server, CLIENT) if self.from_server() else (CLIENT, server)
        iph = bytearray(self.iph)
        iph[12:16], iph[16:20] = src, dst
        struct.pack_into("!H", iph, 4, ip_id & 0xFFFF)
        struct.pack_into("!H", iph, 10, 0)
        struct.pack_into("!H", iph, 10, checksum(bytes(iph)))
        tcph = bytearray(self.tcph)
        struct.pack_into("!HHII", tcph, 0, sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF)
        struct.pack_into("!H", tcph, 16, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcph) + len(self.payload))
        struct.pack_into("!H", tcph, 16, checksum(pseudo + bytes(tcph) + self.payload))
        return self.eth + bytes(iph) + bytes(tcph) + self.payload


def conversation(segments, server_port):
    """The first TCP conversation with the server on server_port, from its SYN."""
    start = next(s for s in segments if s.dport == server_port and s.flags & SYN)
    cport = start.sport
    return [s for s in segments if {s.sport, s.dport} == {cport, server_port}]


def main():
    out = sys.argv[1]
    source = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "../../../pcaps/standard.pcap")
    header, frames = read_frames(source)
    segments = [s for s in (Segment(ts, b) for ts, b in frames) if s.ok]
    ssh, http, smtp = conversation(segments, 22), conversation(segments, 80), conversation(segments, 25)
    fins = [s for s in ssh if s.flags & FIN]
    ssh_open = [s for s in ssh if s.ts < fins[0].ts]
    ssh_close = [s for s in ssh if s.ts >= fins[0].ts]
    last_data = [s for s in ssh_open if s.from_server() and s.payload][-1]
    smtp_mid = smtp[next(i for i, s in enumerate(smtp) if s.from_server() and s.payload):]

    out_frames, ip_id = [], 1
    t = ssh[0].ts

    def put(seg, ts, seq_shift=0, ack_shift=0):
        """seg between `server` and client port `port` at time ts; the shifts apply to the
        server's sequence space."""
        nonlocal ip_id
        if seg.from_server():
            body = seg.build(server, 22, port, seg.seq + seq_shift, seg.ack, ip_id)
        else:
            body = seg.build(server, port, 22, seg.seq, seg.ack + ack_shift, ip_id)
        out_frames.append((ts, body))
        ip_id += 1

    for i in range(-1, 8):
        server, port = (bytes([10, 99, 1, i]), 50000 + i) if i >= 0 else (bytes([10, 99, 2, 1]), 49999)
        base = t - ssh[0].ts
        for s in ssh_open:
            put(s, s.ts + base)
        t = ssh_open[-1].ts + base
        added = 0
        for _ in range(REPEAT if i >= 0 else WARMUP):
            t += 10
            added += len(last_data.payload)
            put(last_data, t, seq_shift=added)
        if i % 2 == 0:
            shift = t - ssh_close[0].ts + 10
            for s in ssh_close:
                put(s, s.ts + shift, seq_shift=added, ack_shift=added)
            t = ssh_close[-1].ts + shift + 1000000
            shift = t - http[0].ts
            for s in http:
                put(s, s.ts + shift)
            t = http[-1].ts + shift
        else:
            t += 400 * 1000000
            shift = t - smtp_mid[0].ts
            for s in smtp_mid:
                put(s, s.ts + shift)
            t = smtp_mid[-1].ts + shift
        t += 1000

    out_frames.sort(key=lambda f: f[0])
    with open(out, "wb") as f:
        f.write(header)
        for ts, body in out_frames:
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(body), len(body)) + body)


main()
