#!/usr/bin/env python3
"""craft.py - captures this machine cannot record for real, built around real packets.

The container's kernel has no vlan, gre, ipip, sit or ip6tnl modules, and no
BSD loopback. So the real TCP conversations recorded by make-captures.sh
(eth_tcp4.pcap, eth_tcp6.pcap) are wrapped here in the headers those links
and tunnels would add, byte for byte as the RFCs lay them out. Every output
keeps the real inner packets unchanged, so the decoder must find the same
conversation inside each.
"""
import struct

ETH_A = bytes.fromhex("02aa00000001")
ETH_B = bytes.fromhex("02aa00000002")
OUTER4_A, OUTER4_B = bytes([10, 99, 1, 1]), bytes([10, 99, 1, 2])
OUTER6_A = bytes.fromhex("fd000099000000000000000000000001")
OUTER6_B = bytes.fromhex("fd000099000000000000000000000002")


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), path
    linktype = struct.unpack("<I", data[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec, frac, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return linktype, out


def write_pcap(path, linktype, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for sec, usec, frame in packets:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, payload, src=OUTER4_A, dst=OUTER4_B, options=b""):
    ihl = (20 + len(options)) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(options) + len(payload), 0x1234,
                    0x4000, 64, proto, 0, src, dst) + options
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:] + payload


def ipv6(nh, payload, src=OUTER6_A, dst=OUTER6_B):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, src, dst) + payload


def eth(ethertype, payload):
    return ETH_B + ETH_A + struct.pack("!H", ethertype) + payload


def gre(proto, payload, key=None, csum=False, seq=None):
    flags = (0x8000 if csum else 0) | (0x2000 if key is not None else 0) | \
            (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", flags, proto)
    opts = b""
    if csum:
        opts += b"\0\0\0\0"
    if key is not None:
        opts += struct.pack("!I", key)
    if seq is not None:
        opts += struct.pack("!I", seq)
    body = h + opts + payload
    if csum:
        body = body[:4] + struct.pack("!H", checksum(body)) + body[6:]
    return body


def ip_of(frame):
    """The IP packet inside a real Ethernet frame (no VLAN on these captures)."""
    return frame[14:]


def derive(src, dst, linktype, wrap):
    _, pkts = read_pcap(src)
    write_pcap(dst, linktype, [(s, u, wrap(f, i)) for i, (s, u, f) in enumerate(pkts)])


def ext_headers(ip6):
    """Hop-by-hop, destination options, routing (type 0, no segments left) and AH before TCP."""
    nh = ip6[6]
    payload = ip6[40:]
    hbh = bytes([60, 0]) + bytes([1, 4, 0, 0, 0, 0])         # -> dstopts, PadN
    dst = bytes([43, 0]) + bytes([1, 4, 0, 0, 0, 0])          # -> routing
    rt = bytes([51, 0, 0, 0]) + b"\0\0\0\0"                  # -> AH, type 0, segments left 0
    ah = bytes([nh, 4]) + b"\0\0" + struct.pack("!II", 0x100, 1) + b"\0" * 12  # ICV 12 bytes
    ext = hbh + dst + rt + ah
    hdr = bytearray(ip6[:40])
    hdr[4:6] = struct.pack("!H", len(ext) + len(payload))
    hdr[6] = 0
    return bytes(hdr) + ext + payload


def main():
    derive("eth_tcp4.pcap", "vlan_tcp4.pcap", 1,
           lambda f, i: f[:12] + struct.pack("!HH", 0x8100, 10) + f[12:])
    derive("eth_tcp4.pcap", "qinq_tcp4.pcap", 1,
           lambda f, i: f[:12] + struct.pack("!HHHH", 0x88A8, 200, 0x8100, 100) + f[12:])
    # Two labels, the bottom one with S set; then a pseudowire with a control word.
    derive("eth_tcp4.pcap", "mpls_tcp4.pcap", 1,
           lambda f, i: eth(0x8847, struct.pack("!II", 1000 << 12 | 64, 2000 << 12 | 0x100 | 64)
                            + ip_of(f)))
    derive("eth_tcp4.pcap", "mplspw_tcp4.pcap", 1,
           lambda f, i: eth(0x8847, struct.pack("!II", 3000 << 12 | 0x100 | 64, 0) + f))
    derive("eth_tcp4.pcap", "pppoe_tcp4.pcap", 1,
           lambda f, i: eth(0x8864, struct.pack("!BBHHH", 0x11, 0, 0x0001, len(ip_of(f)) + 2,
                                                0x0021) + ip_of(f)))
    derive("eth_tcp6.pcap", "pppoe_tcp6.pcap", 1,
           lambda f, i: eth(0x8864, struct.pack("!BBHHH", 0x11, 0, 0x0001, len(ip_of(f)) + 2,
                                                0x0057) + ip_of(f)))
    derive("eth_tcp4.pcap", "gre_tcp4.pcap", 1,
           lambda f, i: eth(0x0800, ipv4(47, gre(0x0800, ip_of(f), key=42, csum=True, seq=i))))
    derive("eth_tcp4.pcap", "gretap_tcp4.pcap", 1,
           lambda f, i: eth(0x0800, ipv4(47, gre(0x6558, f))))
    derive("eth_tcp4.pcap", "ip6gre_tcp4.pcap", 1,
           lambda f, i: eth(0x86DD, ipv6(47, gre(0x0800, ip_of(f)))))
    derive("eth_tcp4.pcap", "ipip_tcp4.pcap", 1, lambda f, i: eth(0x0800, ipv4(4, ip_of(f))))
    derive("eth_tcp6.pcap", "sit_tcp6.pcap", 1, lambda f, i: eth(0x0800, ipv4(41, ip_of(f))))
    derive("eth_tcp4.pcap", "ip4in6_tcp4.pcap", 1, lambda f, i: eth(0x86DD, ipv6(4, ip_of(f))))
    derive("eth_tcp4.pcap", "raw_tcp4.pcap", 101, lambda f, i: ip_of(f))
    derive("eth_tcp6.pcap", "raw_tcp6.pcap", 101, lambda f, i: ip_of(f))
    derive("eth_tcp4.pcap", "ipv4_tcp4.pcap", 228, lambda f, i: ip_of(f))
    derive("eth_tcp6.pcap", "ipv6_tcp6.pcap", 229, lambda f, i: ip_of(f))
    # BSD loopback: DLT_NULL in the capturing host's order (little and big endian
    # hosts), DLT_LOOP (108) in network order; AF_INET6 as FreeBSD (28) and macOS (30).
    derive("eth_tcp4.pcap", "null_tcp4.pcap", 0, lambda f, i: struct.pack("<I", 2) + ip_of(f))
    derive("eth_tcp6.pcap", "null_tcp6.pcap", 0, lambda f, i: struct.pack(">I", 30) + ip_of(f))
    derive("eth_tcp6.pcap", "loop_tcp6.pcap", 108, lambda f, i: struct.pack(">I", 28) + ip_of(f))
    derive("eth_tcp6.pcap", "ext6_tcp6.pcap", 1,
           lambda f, i: f[:14] + ext_headers(ip_of(f)))
    # IPv4 options: record route with room for one address, then end of list.
    derive("eth_tcp4.pcap", "opts_tcp4.pcap", 1,
           lambda f, i: f[:14] + ipv4(6, f[14 + 20:], src=f[26:30], dst=f[30:34],
                                      options=bytes([7, 7, 4, 0, 0, 0, 0, 0])))


if __name__ == "__main__":
    main()
