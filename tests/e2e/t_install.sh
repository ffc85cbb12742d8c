#!/usr/bin/env bash
# t_install.sh - make install lays out the binary and its data files under PREFIX and
# DESTDIR, and the installed binary works from that layout.
set -u
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
make -s -C "$ROOT" install PREFIX=/usr DESTDIR="$work" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
bin=$work/usr/bin/portsleuth data=$work/usr/share/portsleuth
[ -x "$bin" ] || { echo "no $bin"; exit 1; }
for f in ports.csv aliases ndpi-map.csv; do [ -f "$data/$f" ] || { echo "no $data/$f"; exit 1; }; done
ls "$data"/*.sig >/dev/null 2>&1 || { echo "no signatures in $data"; exit 1; }
env -u PORTSLEUTH_DATA "$bin" -q -F csv --data-dir "$data" "$ROOT/pcaps/demo.pcap" >"$work/out" || exit 1
grep -q ',ssh,' "$work/out" || { echo "the installed binary found no ssh in demo.pcap"; cat "$work/out"; exit 1; }
echo "installed and ran"
