#!/usr/bin/env python3
"""derive.py - variants of a real capture that real servers rarely produce on a quiet veth.

    derive.py split IN OUT PORT:SIZE[,PORT:SIZE...]
        The first segment each TCP server on PORT sends (its banner, or the first segment of
        its answer) is cut into segments of SIZE payload bytes: same addresses, ports,
        options and ack, consecutive sequence numbers, PSH only on the last piece, IPv4
        total length, IP ID and both checksums recomputed. The pieces take the original
        segment's time plus one microsecond each (never reaching the next frame's time).
    derive.py pause IN OUT PORT:SECONDS[,PORT:SECONDS...]
        The first segment each TCP server on PORT sends, and every frame after it, is moved
        SECONDS later: the server is silent that long after the handshake (and after what
        its client already said), then answers. Frames keep their order.

Everything else is copied byte for byte. Only little-endian microsecond pcap files with
Ethernet framing and IPv4 (what tests/corpus/make-pcaps.sh records) are read; anything else
is refused. Written for make-pcaps.sh ("variants"); the outputs are pcaps/split-banners.pcap
and pcaps/slow-banners.pcap, described in pcaps/README.md. Standard library only.
"""
import struct
import sys

PCAP_MAGIC_US_LE = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
ETH_LEN = 14
ETHERTYPE_IPV4 = 0x0800
PROTO_TCP = 6
TCP_PSH = 0x08
TCP_SYN = 0x02
TCP_ACK = 0x10


def fail(msg):
    sys.exit(f"derive.py: {msg}")


def read_pcap(path):
    data = open(path, 'rb').read()
    if len(data) < 24:
        fail(f"{path}: too short for a pcap header")
    magic, _, _, _, _, snaplen, linktype = struct.unpack('<IHHiIII', data[:24])
    if magic != PCAP_MAGIC_US_LE or linktype != LINKTYPE_ETHERNET:
        fail(f"{path}: not a little-endian microsecond Ethernet pcap")
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, usec, caplen, wirelen = struct.unpack('<IIII', data[off:off + 16])
        body = data[off + 16:off + 16 + caplen]
        if len(body) != caplen or caplen != wirelen:
            fail(f"{path}: frame at byte {off} is cut; only whole frames can be rewritten")
        frames.append([sec * 1000000 + usec, body])
        off += 16 + caplen
    if off != len(data):
        fail(f"{path}: {len(data) - off} trailing bytes")
    return data[:24], frames


def write_pcap(path, header, frames):
    with open(path, 'wb') as f:
        f.write(header)
        for ts, body in frames:
            f.write(struct.pack('<IIII', ts // 1000000, ts % 1000000, len(body), len(body)))
            f.write(body)


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Segment:
    """An Ethernet/IPv4/TCP frame taken apart (None for anything else)."""

    def __init__(self, body):
        self.ok = False
        if len(body) < ETH_LEN + 20 or struct.unpack('!H', body[12:14])[0] != ETHERTYPE_IPV4:
            return
        ip = body[ETH_LEN:]
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        frag = struct.unpack('!H', ip[6:8])[0]
        if ip[0] >> 4 != 4 or ip[9] != PROTO_TCP or frag & 0x3FFF or total > len(ip):
            return
        tcp = ip[ihl:total]
        thl = (tcp[12] >> 4) * 4
        self.eth, self.iph, self.tcph = body[:ETH_LEN], ip[:ihl], tcp[:thl]
        self.payload = tcp[thl:]
        self.trailer = ip[total:]  # Ethernet padding, kept as it was
        self.src, self.dst = ip[12:16], ip[16:20]
        self.sport, self.dport, self.seq = struct.unpack('!HHI', tcp[:8])
        self.flags = tcp[13]
        self.ok = True

    def build(self, payload, seq, flags, ip_id):
        iph = bytearray(self.iph)
        struct.pack_into('!H', iph, 2, len(iph) + len(self.tcph) + len(payload))
        struct.pack_into('!H', iph, 4, ip_id & 0xFFFF)
        struct.pack_into('!H', iph, 10, 0)
        struct.pack_into('!H', iph, 10, checksum(bytes(iph)))
        tcph = bytearray(self.tcph)
        struct.pack_into('!I', tcph, 4, seq & 0xFFFFFFFF)
        tcph[13] = flags
        struct.pack_into('!H', tcph, 16, 0)
        seglen = len(tcph) + len(payload)
        pseudo = self.src + self.dst + struct.pack('!BBH', 0, PROTO_TCP, seglen)
        struct.pack_into('!H', tcph, 16, checksum(pseudo + bytes(tcph) + payload))
        return self.eth + bytes(iph) + bytes(tcph) + payload


def first_server_segments(frames, ports):
    """Index of the first payload segment each server on one of `ports` sent, per connection."""
    servers, found, done = set(), {}, set()
    for i, (_, body) in enumerate(frames):
        s = Segment(body)
        if not s.ok:
            continue
        conn = (s.src, s.sport, s.dst, s.dport)
        if s.flags & TCP_SYN and s.flags & TCP_ACK and s.sport in ports:
            servers.add(conn)
            done.discard(conn)
        elif conn in servers and s.payload and conn not in done:
            found[i] = s.sport
            done.add(conn)
    return found


def parse_spec(spec, what):
    out = {}
    for item in spec.split(','):
        port, _, value = item.partition(':')
        try:
            out[int(port)] = float(value) if what == 'seconds' else int(value)
        except ValueError:
            fail(f"bad {what} item '{item}' (PORT:{what.upper()})")
        if out[int(port)] <= 0:
            fail(f"bad {what} item '{item}': must be positive")
    return out


def split(frames, sizes):
    found = first_server_segments(frames, set(sizes))
    out = []
    for i, (ts, body) in enumerate(frames):
        if i not in found:
            out.append((ts, body))
            continue
        s, size = Segment(body), sizes[found[i]]
        next_ts = frames[i + 1][0] if i + 1 < len(frames) else ts + len(s.payload) + 1
        ip_id = struct.unpack('!H', s.iph[4:6])[0]
        pieces = [s.payload[k:k + size] for k in range(0, len(s.payload), size)]
        for n, piece in enumerate(pieces):
            last = n == len(pieces) - 1
            flags = s.flags if last else s.flags & ~TCP_PSH
            t = min(ts + n, max(ts, next_ts - 1))
            out.append((t, s.build(piece, s.seq + n * size, flags, ip_id + n) + s.trailer))
    return out, len(found)


def pause(frames, delays):
    found = first_server_segments(frames, set(delays))
    out, shift = [], 0
    for i, (ts, body) in enumerate(frames):
        if i in found:
            shift += int(delays[found[i]] * 1000000)
        out.append((ts + shift, body))
    return out, len(found)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ('split', 'pause'):
        fail("usage: derive.py split|pause IN OUT PORT:VALUE[,PORT:VALUE...]")
    mode, src, dst, spec = sys.argv[1:]
    header, frames = read_pcap(src)
    if mode == 'split':
        out, n = split(frames, parse_spec(spec, 'size'))
    else:
        out, n = pause(frames, parse_spec(spec, 'seconds'))
    if n == 0:
        fail(f"{src}: no server on {spec} sent anything")
    write_pcap(dst, header, out)
    print(f"derive.py: {dst}: {mode} of {n} server segment(s), {len(frames)} -> {len(out)} frames")


if __name__ == '__main__':
    main()
