#!/bin/sh
# make-captures.sh - rebuild the detail parser test data from real servers.
#
# Runs real TLS (openssl s_server / s_client), SSH (sshd / ssh) and HTTP
# (python3 http.server / curl) conversations inside a private network
# namespace of their own (unshare -n: only its own loopback exists), captures
# them with tcpdump and writes, for each conversation, the payload each side
# sent (in order) as <name>.server and <name>.client, plus the pcap and
# tshark's own reading of the handshake (<name>.tshark: JA3, JA3S, HASSH,
# certificate fields) that the unit tests compare our parsers against.
#
# Needs root, openssl, openssh-server, curl, python3, tcpdump, tshark.
# Usage: tests/data/detail/make-captures.sh   (from the repository root)
set -eu

OUT=$(cd "$(dirname "$0")" && pwd)
if [ "${PS_IN_NETNS:-}" != 1 ]; then
    exec env PS_IN_NETNS=1 unshare -n "$0" "$@"
fi
ip link set lo up
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$W"' EXIT

# --- certificates: a self-signed one, and a CA with a leaf it signed ------------------
SUBJ_SELF="/C=DE/ST=Berlin/L=Berlin/O=Portsleuth Test/OU=Detail Unit/CN=example.test"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/self.key" -out "$W/self.crt" \
    -days 365 -subj "$SUBJ_SELF" \
    -addext "subjectAltName=DNS:example.test,DNS:www.example.test,IP:127.0.0.1" 2>/dev/null
# The CA and its leaf live past 2050, so their validity is a GeneralizedTime.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/ca.key" \
    -out "$W/ca.crt" -days 12000 -subj "/C=US/O=Portsleuth CA/CN=Portsleuth Test Root" \
    2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/leaf.key" \
    -out "$W/leaf.csr" -subj "/C=US/O=Mail Example/CN=mail.example.test" 2>/dev/null
printf 'subjectAltName=DNS:mail.example.test,DNS:imap.example.test,IP:::1\n' > "$W/leaf.ext"
openssl x509 -req -in "$W/leaf.csr" -CA "$W/ca.crt" -CAkey "$W/ca.key" -CAcreateserial \
    -days 11000 -extfile "$W/leaf.ext" -out "$W/leaf.crt" 2>/dev/null
# A certificate with every oddity a name printer must escape, kept as DER (odd.der).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/odd.key" \
    -out "$W/odd.pem" -days 30 -utf8 -multivalue-rdn \
    -subj "/C=FR/O=Société Ünïcode, Inc./OU=a+OU=b/CN=#hash;semi <x> " \
    -addext "subjectAltName=DNS:odd.example,IP:2001:db8::1,email:x@y.z" 2>/dev/null
openssl x509 -in "$W/odd.pem" -outform der -out "$OUT/odd.der"

# Wait (up to 10 s) until something listens on the port: servers start slowly on a busy box.
wait_port() {
    for _ in $(seq 100); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

cap_start() {
    tcpdump -i lo -U -s 0 -w "$W/$1.pcap" "tcp port $2" 2>/dev/null &
    CAP=$!
    sleep 1
}
cap_stop() {
    sleep 1
    kill "$CAP"
    wait "$CAP" 2>/dev/null || true
    cp "$W/$1.pcap" "$OUT/$1.pcap"
    python3 "$OUT/split-payload.py" "$OUT/$1.pcap" "$2" "$OUT/$1"
}

tls_conv() { # name port server-args client-args
    name=$1 port=$2
    cap_start "$name" "$port"
    # shellcheck disable=SC2086
    openssl s_server -accept "127.0.0.1:$port" -naccept 1 $3 -quiet </dev/null \
        >/dev/null 2>&1 &
    SRV=$!
    wait_port "$port"
    # shellcheck disable=SC2086
    echo Q | openssl s_client -connect "127.0.0.1:$port" $4 >/dev/null 2>&1 || true
    wait "$SRV" 2>/dev/null || true
    cap_stop "$name" "$port"
    tshark -r "$OUT/$name.pcap" -Y tls.handshake -T fields -E occurrence=a -E separator=/t \
        -e tls.handshake.type -e tls.handshake.ja3 -e tls.handshake.ja3_full \
        -e tls.handshake.ja3s -e tls.handshake.ja3s_full \
        -e tls.handshake.extensions_server_name -e tls.handshake.extensions_alpn_str \
        -e x509ce.dNSName -e x509ce.iPAddress -e x509sat.printableString \
        -e x509sat.uTF8String -e x509af.utcTime -e x509af.generalizedTime \
        > "$OUT/$name.tshark" 2>/dev/null
}

tls_conv tls12 443 "-tls1_2 -cert $W/self.crt -key $W/self.key -alpn h2,http/1.1" \
    "-tls1_2 -servername example.test -alpn h2,http/1.1"
tls_conv tls12ca 993 "-tls1_2 -cert $W/leaf.crt -cert_chain $W/ca.crt -key $W/leaf.key" \
    "-tls1_2 -servername mail.example.test"
tls_conv tls13 8443 "-cert $W/self.crt -key $W/self.key -alpn http/1.1" \
    "-tls1_3 -servername example.test -alpn h2,http/1.1"

# --- SSH: a throwaway sshd with its own host keys; the client fails auth after KEX ----
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$W/userkey"
mkdir -p /run/sshd
cap_start ssh 2222
/usr/sbin/sshd -D -e -p 2222 -o ListenAddress=127.0.0.1 -h "$W/hostkey" -f /dev/null \
    -o PidFile=none -o UsePAM=no 2>/dev/null &
SRV=$!
wait_port 2222
ssh -F /dev/null -p 2222 -i "$W/userkey" -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null nobody@127.0.0.1 true >/dev/null 2>&1 || true
kill "$SRV"
wait "$SRV" 2>/dev/null || true
cap_stop ssh 2222
tshark -r "$OUT/ssh.pcap" -d tcp.port==2222,ssh -Y "ssh.kex.hassh || ssh.kex.hasshserver" -T fields -E separator=/t -e ssh.kex.hassh \
    -e ssh.kex.hassh_algorithms -e ssh.kex.hasshserver -e ssh.kex.hasshserver_algorithms \
    > "$OUT/ssh.tshark" 2>/dev/null

# --- HTTP: python's http.server (with an X-Powered-By header) and curl ------------------
cat > "$W/srv.py" <<'EOF'
import http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("X-Powered-By", "PortsleuthTest/1.0")
        super().end_headers()
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).handle_request()
EOF
cap_start http 8080
(cd "$W" && python3 srv.py 8080 >/dev/null 2>&1) &
SRV=$!
wait_port 8080
curl -s -A "portsleuth-test/1.0" -o /dev/null http://127.0.0.1:8080/ || true
wait "$SRV" 2>/dev/null || true
cap_stop http 8080
echo "captures written to $OUT"
