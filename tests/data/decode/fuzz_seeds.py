#!/usr/bin/env python3
"""fuzz_seeds.py - seed inputs for tests/fuzz/fuzz_decode.c from the decode test captures.

Each seed is the fuzz target's input format: a link-type selector byte, then
frames, each as a 2-byte length, a 1-byte time step and the frame bytes.
"""
import glob
import os
import struct

from craft import read_pcap

SELECTOR = {1: 0, 113: 1, 276: 2, 0: 3, 108: 4, 101: 6, 228: 7, 229: 8}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../fuzz/corpus/decode")


def main():
    os.makedirs(OUT, exist_ok=True)
    for path in sorted(glob.glob("*.pcap")):
        linktype, pkts = read_pcap(path)
        frames = pkts if path.startswith("frag") else pkts[:4]
        seed = bytes([SELECTOR[linktype]])
        for _, _, f in frames:
            seed += struct.pack("!HB", len(f), 0) + f
        name = "seed-" + path[:-len(".pcap")]
        with open(os.path.join(OUT, name), "wb") as out:
            out.write(seed)


if __name__ == "__main__":
    main()
