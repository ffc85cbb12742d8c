#!/usr/bin/env python3
"""split-payload.py - write each side's TCP payload of one conversation to a file.

Usage: split-payload.py capture.pcap server-port out-prefix
Writes out-prefix.server (bytes the server port sent) and out-prefix.client
(bytes sent to it), in capture order, using tshark to decode the packets.
Loopback captures carry no loss or reordering, so capture order is stream order;
repeated sequence numbers (retransmissions) are skipped all the same.
"""
import subprocess
import sys


def main():
    pcap, port, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rows = subprocess.run(
        ["tshark", "-r", pcap, "-o", "tcp.relative_sequence_numbers:FALSE", "-T", "fields",
         "-E", "separator=,", "-e", "tcp.srcport", "-e", "tcp.seq", "-e", "tcp.payload"],
        check=True, capture_output=True, text=True).stdout.splitlines()
    sides = {"server": bytearray(), "client": bytearray()}
    seen = set()
    for row in rows:
        src, seq, payload = (row.split(",") + ["", ""])[:3]
        if not payload:
            continue
        side = "server" if int(src) == port else "client"
        if (side, seq) in seen:
            continue
        seen.add((side, seq))
        sides[side] += bytes.fromhex(payload.replace(":", ""))
    for side, data in sides.items():
        with open(f"{prefix}.{side}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
