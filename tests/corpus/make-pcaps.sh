#!/bin/bash
# make-pcaps.sh — rebuild portsleuth's corpus of REAL traffic (pcaps/).
#
# What it does: installs the Debian servers and clients it needs (only the missing
# packages, no daemon auto-start), builds two network namespaces joined by a veth pair
# (ps-srv 10.99.0.1 / fd99::1, ps-cli 10.99.0.2 / fd99::2; nothing is routed anywhere
# else), then for each scenario group starts real daemons inside ps-srv with configs
# generated under a temp dir (never the system config), drives real clients from
# ps-cli, and records the server side of the veth with tcpdump. The variants users
# meet (mid-stream, small snaplen, pcapng, nanosecond, VLAN, IP fragments, banners split
# into tiny segments or sent after a long pause) are derived from those real captures with
# editcap/tshark/tcprewrite and tests/corpus/derive.py. pcaps/truth.csv is written
# from what was actually started; every truth row is checked against its capture.
#
# Why namespaces and offloads off: the captures must look like a wire (1514-byte
# frames, no 64 KiB GSO super-packets) and the daemons must not touch the host network.
#
# Usage (root):  tests/corpus/make-pcaps.sh            all groups
#                PCAP_GROUPS="standard udp" tests/corpus/make-pcaps.sh   some groups: only
#                their captures (and the variants derived from them) are rewritten, and
#                truth.csv keeps the rows of every other capture (merged by capture);
#                pcaps/README.md is rewritten only by a run of all groups
# Every wait is bounded; on any exit the trap kills every process in both namespaces
# and deletes them. Runtime on 2 cores: see pcaps/README.md.
set -euo pipefail
umask 022

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONF=$ROOT/tests/corpus/conf
OUT=${OUT:-$ROOT/pcaps}
ALL_GROUPS="demo standard disguised ftp-passive tls udp ipv6 products cooked fragbase zabbix"
PCAP_GROUPS=${PCAP_GROUPS:-$ALL_GROUPS}
SRV=ps-srv
CLI=ps-cli
SIF=ps-s0   # server end of the veth (captured)
CIF=ps-c0
S4=10.99.0.1
C4=10.99.0.2
S6=fd99::1
# More server hosts on the same veth, for the products group (one host per product).
S4B=10.99.0.3
S4C=10.99.0.4
S4D=10.99.0.5
C6=fd99::2
CN=www.portsleuth.test
export LC_ALL=C TZ=UTC

log() { printf '[make-pcaps %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, daemons)"

# ---------------------------------------------------------------- packages
# vsftpd, postfix and ntpsec are not in the list: see PRIVATE_PKGS below.
PKGS="openssh-server openssh-client nginx redis-server redis-tools
 mariadb-server mariadb-client postgresql postgresql-client dovecot-core
 mosquitto mosquitto-clients memcached dnsmasq-base ntpsec-ntpdig
 snmpd snmp slapd ldap-utils rsync git ethtool swaks netcat-openbsd bind9-dnsutils
 curl openssl tcpdump tshark wireshark-common tcpreplay iproute2
 apache2 lighttpd bind9 unbound squid ngircd zabbix-agent"
CACHE=/var/cache/portsleuth-corpus

pkg_ok() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_install() { # never removes anything (--no-remove): conflicts make it fail instead
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive timeout 1800 apt-get -o DPkg::Lock::Timeout=600 \
		install -y --no-install-recommends --no-remove "$@"
}

install_missing() {
	local missing="" p created_policy=0
	for p in $PKGS; do
		pkg_ok "$p" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "installing:$missing"
	debconf-set-selections "$CONF/debconf.preseed"
	# Keep freshly installed daemons from starting on the host; only remove the
	# policy file if we created it (containers often ship one already).
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		created_policy=1
	fi
	# apt-get can fail for reasons that are not ours (another package half-configured):
	# what counts is whether our packages are installed afterwards. One by one on
	# failure, so a single conflict does not block the rest.
	# shellcheck disable=SC2086
	apt_install $missing || for p in $missing; do pkg_ok "$p" || apt_install "$p" || true; done
	[ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
	missing=""
	for p in $PKGS; do pkg_ok "$p" || missing="$missing $p"; done
	[ -z "$missing" ] || die "could not install:$missing"
	return 0
}

# Servers that conflict with their alternatives (ftp-server, mail-transport-agent,
# time-daemon, imap-server, pop3-server, tftpd, zabbix-proxy) are not installed by us: on a shared machine someone may have chosen
# another FTP server, MTA or NTP daemon. We use the installed package if it is there,
# else the Debian package unpacked into $CACHE (apt-get download + dpkg-deb -x:
# nothing installed, nothing removed). pkg_root prints "" or the unpacked root.
# zabbix-proxy-sqlite3 is there only for its client, zabbix_get (Debian ships it with the
# proxy and the server, not with the agent).
PRIVATE_PKGS="vsftpd postfix ntpsec dovecot-imapd dovecot-pop3d tftpd-hpa zabbix-proxy-sqlite3"
declare -A PKG_ROOT PKG_VER
prepare_private() {
	local p deb
	mkdir -p "$CACHE"
	for p in $PRIVATE_PKGS; do
		if pkg_ok "$p"; then
			PKG_ROOT[$p]=""
			PKG_VER[$p]=$(dpkg-query -W -f='${Version}' "$p")
			continue
		fi
		if ! ls "$CACHE/${p}"_*.deb >/dev/null 2>&1; then
			(cd "$CACHE" && timeout 300 apt-get download "$p") || die "apt-get download $p failed"
		fi
		deb=$(ls "$CACHE/${p}"_*.deb | sort -V | tail -1)
		rm -rf "${CACHE:?}/$p"
		dpkg-deb -x "$deb" "$CACHE/$p"
		PKG_ROOT[$p]=$CACHE/$p
		PKG_VER[$p]=$(dpkg-deb -f "$deb" Version)
		log "using $p ${PKG_VER[$p]} unpacked in $CACHE/$p (not installed here)"
	done
	VSFTPD=${PKG_ROOT[vsftpd]}/usr/sbin/vsftpd
	NTPD=${PKG_ROOT[ntpsec]}/usr/sbin/ntpd
	PFROOT=${PKG_ROOT[postfix]}
	INTFTPD=${PKG_ROOT[tftpd-hpa]}/usr/sbin/in.tftpd
	DCIMAP=${PKG_ROOT[dovecot-imapd]}/usr/lib/dovecot
	DCPOP3=${PKG_ROOT[dovecot-pop3d]}/usr/lib/dovecot
	ZBXGET=${PKG_ROOT[zabbix-proxy-sqlite3]}/usr/bin/zabbix_get
}
DCIMAP=""
ZBXGET=""
DCPOP3=""
INTFTPD=""
VSFTPD=""
NTPD=""
PFROOT=""

# Upstream version of an installed package: epoch, Debian revision and repack
# suffixes removed (1:9.2p1-2+deb12u10 -> 9.2p1).
upstream() {
	debver "$1" | sed -E 's/^[0-9]+://; s/-[^-]*$//; s/[+~](dfsg|ds).*//'
}
debver() {
	if [ -n "${PKG_VER[$1]:-}" ]; then echo "${PKG_VER[$1]}"; else dpkg-query -W -f='${Version}' "$1"; fi
}

# ---------------------------------------------------------------- namespaces & cleanup
W=""
netns_pids() { ip netns pids "$1" 2>/dev/null || true; }

kill_ns() { # kill every process living in namespace $1: TERM, bounded wait, KILL
	local ns=$1 i pids
	pids=$(netns_pids "$ns")
	[ -z "$pids" ] && return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null || true
	for i in $(seq 1 50); do
		pids=$(netns_pids "$ns")
		[ -z "$pids" ] && return 0
		sleep 0.2
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null || true
	sleep 0.5
}

cleanup() {
	local rc=$?
	set +e
	kill_ns $CLI
	kill_ns $SRV
	ip netns del $CLI 2>/dev/null
	ip netns del $SRV 2>/dev/null
	[ -n "$W" ] && [ -d "$W" ] && [ -z "${KEEP:-}" ] && rm -rf "$W"
	[ -n "$W" ] && [ -n "${KEEP:-}" ] && log "work dir kept: $W"
	exit $rc
}

setup_netns() {
	# Leftovers from an interrupted run: kill their processes, delete them.
	kill_ns $CLI
	kill_ns $SRV
	ip netns del $CLI 2>/dev/null || true
	ip netns del $SRV 2>/dev/null || true
	ip netns add $SRV
	ip netns add $CLI
	ip link add $SIF netns $SRV type veth peer name $CIF netns $CLI
	local ns ifc a4 a6
	for ns in $SRV $CLI; do
		if [ $ns = $SRV ]; then ifc=$SIF a4=$S4 a6=$S6; else ifc=$CIF a4=$C4 a6=$C6; fi
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.$ifc.accept_dad=0 \
			net.ipv6.conf.$ifc.router_solicitations=0 net.ipv6.conf.$ifc.accept_ra=0
		ip -n $ns link set lo up
		ip -n $ns addr add $a4/24 dev $ifc
		ip -n $ns addr add $a6/64 dev $ifc nodad
		if [ $ns = $SRV ]; then
			for a4 in $S4B $S4C $S4D; do ip -n $ns addr add $a4/24 dev $ifc; done
		fi
		ip -n $ns link set $ifc up
		ip netns exec $ns ethtool -K $ifc tx off rx off tso off gso off gro off >/dev/null 2>&1 ||
			ip netns exec $ns ethtool -K $ifc tx off rx off tso off gso off >/dev/null
	done
	# Daemons that drop privileges before binding (mosquitto) may take any port here.
	ip netns exec $SRV sysctl -qw net.ipv4.ip_unprivileged_port_start=0
	local i
	for i in $(seq 1 50); do
		ip -n $SRV -o link show $SIF | grep -q 'state UP' &&
			ip -n $CLI -o link show $CIF | grep -q 'state UP' && return 0
		sleep 0.1
	done
	die "veth pair did not come up"
}

# ---------------------------------------------------------------- helpers
srv_bg() { # srv_bg NAME cmd... : start a daemon in the server namespace, log to $W/log
	local name=$1
	shift
	ip netns exec $SRV "$@" >"$W/log/$name.log" 2>&1 </dev/null &
}
srv() { timeout 60 ip netns exec $SRV "$@"; }
cli() { timeout 30 ip netns exec $CLI "$@"; }
# A client step that must work; its output goes to the group's client log.
run() {
	log "  client: $*"
	if ! cli "$@" >>"$W/log/clients-$GROUP.log" 2>&1; then
		log "  client failed: $* (see log)"
		tail -5 "$W/log/clients-$GROUP.log" >&2
		return 1
	fi
}
# A client step whose exit status is irrelevant (the exchange is what we want).
try() {
	log "  client (any rc): $*"
	cli "$@" >>"$W/log/clients-$GROUP.log" 2>&1 || true
}

url_host() { case $1 in *:*) echo "[$1]" ;; *) echo "$1" ;; esac; }

wait_listen() { # wait_listen tcp|udp ADDR PORT NAME
	local proto=$1 addr=$2 port=$3 name=$4 i flag
	[ "$proto" = tcp ] && flag=-Hltn || flag=-Hlun
	for i in $(seq 1 100); do
		if ip netns exec $SRV ss $flag "sport = :$port" | grep -qF "$addr"; then return 0; fi
		sleep 0.2
	done
	log "$name not listening on $proto $addr:$port; its log:"
	tail -20 "$W/log/$name.log" >&2 || true
	die "$name did not start"
}

# wait_banner ADDR PORT NAME PREFIX: the daemon really answers (master processes listen
# before their workers can serve). Probed from inside ps-srv: that goes over its
# loopback, not the captured veth.
wait_banner() {
	local a=$1 p=$2 name=$3 want=$4 i got
	for i in $(seq 1 20); do
		got=$(timeout 3 ip netns exec $SRV bash -c "exec 3<>/dev/tcp/$a/$p && head -c ${#want} <&3" 2>/dev/null || true)
		[ "$got" = "$want" ] && return 0
		sleep 0.5
	done
	tail -20 "$W/log/$name.log" "$W/log/$name.maillog" >&2 2>/dev/null || true
	die "$name does not answer on $a:$p"
}

TRUTH=""
truth() { # truth HOST PORT TRANSPORT SERVICE PRODUCT VERSION DISGUISE
	echo "$CAPTURE,$1,$2,$3,$4,$5,$6,$7" >>"$TRUTH"
}

capture_start() { # capture_start [FILE IFACE LINKTYPE]: another tcpdump beside the first
	local file=${1:-$CAPTURE} ifc=${2:-$SIF} lt=${3:-} i name
	name=tcpdump-$GROUP-${file%.*}
	[ -n "${1:-}" ] || CAP=$W/cap/$CAPTURE
	srv_bg "$name" tcpdump -i "$ifc" ${lt:+-y "$lt"} -n -U -w "$W/cap/$file"
	for i in $(seq 1 50); do
		grep -q 'listening on' "$W/log/$name.log" 2>/dev/null && return 0
		sleep 0.2
	done
	die "tcpdump did not start"
}

capture_stop() {
	sleep 1 # let the last FIN/ACKs and retransmits land
	local p
	for p in $(netns_pids $SRV); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = tcpdump ] && kill -INT "$p"
	done
	for _ in $(seq 1 50); do
		pgrep_tcpdump || break
		sleep 0.2
	done
}
pgrep_tcpdump() {
	local p
	for p in $(netns_pids $SRV); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = tcpdump ] && return 0
	done
	return 1
}

stop_daemons() { kill_ns $SRV; kill_ns $CLI; }

# ---------------------------------------------------------------- shared material
make_material() {
	mkdir -p "$W"/{log,cap,www,ftp/pub,tls,ssh,tftp,rsync/pub,git}
	echo "<html><body><h1>portsleuth corpus</h1></body></html>" >"$W/www/index.html"
	head -c 6000 /usr/share/common-licenses/GPL-3 >"$W/www/page.txt"
	echo "hello from the portsleuth ftp corpus" >"$W/ftp/pub/hello.txt"
	head -c 20000 /usr/share/common-licenses/GPL-3 >"$W/ftp/pub/gpl.txt"
	cp "$W/ftp/pub/hello.txt" "$W/tftp/hello.txt"
	cp "$W/ftp/pub/hello.txt" "$W/rsync/pub/hello.txt"
	head -c 3000 /usr/share/common-licenses/GPL-3 >"$W/rsync/pub/gpl-head.txt"
	chmod -R a+rX "$W"
	# TLS: one self-signed certificate for every TLS server (CN/SAN www.portsleuth.test).
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$CN/O=portsleuth corpus" \
		-addext "subjectAltName=DNS:$CN,DNS:mail.portsleuth.test,IP:$S4,IP:$S6" \
		-keyout "$W/tls/key.pem" -out "$W/tls/cert.pem" 2>/dev/null
	chmod 644 "$W/tls/key.pem" # test-only key, read by daemons that drop privileges
	# SSH: host keys and a client key authorised for root.
	ssh-keygen -q -t ed25519 -N '' -C portsleuth-host -f "$W/ssh/host_ed25519"
	ssh-keygen -q -t ecdsa -N '' -C portsleuth-host -f "$W/ssh/host_ecdsa"
	ssh-keygen -q -t ed25519 -N '' -C portsleuth-client -f "$W/ssh/client"
	cp "$W/ssh/client.pub" "$W/ssh/authorized_keys"
	chmod 600 "$W"/ssh/host_* "$W/ssh/client"
	# git: one bare repository with a fixed history.
	(
		cd "$W/git"
		export GIT_AUTHOR_NAME=corpus GIT_AUTHOR_EMAIL=corpus@portsleuth.test
		export GIT_COMMITTER_NAME=corpus GIT_COMMITTER_EMAIL=corpus@portsleuth.test
		export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
		git init -q --bare -b main portsleuth.git
		git init -q -b main work
		cd work
		cp "$W/ftp/pub/hello.txt" README
		git add README
		git -c commit.gpgsign=false commit -q -m "corpus repository"
		git push -q ../portsleuth.git main
	)
	rm -rf "$W/git/work"
	mkdir -p /run/sshd # privilege separation directory sshd insists on
}

# ---------------------------------------------------------------- servers
# Each start_* takes ADDR PORT (and sometimes more), writes its config under $W, starts
# the daemon in ps-srv, waits until it listens, and records the product version.

start_sshd() {
	local a=$1 p=$2
	local cfg=$W/ssh/sshd-$p.conf
	cat >"$cfg" <<EOF
ListenAddress $(url_host $a):$p
HostKey $W/ssh/host_ed25519
HostKey $W/ssh/host_ecdsa
PidFile $W/ssh/sshd-$p.pid
AuthorizedKeysFile $W/ssh/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
EOF
	srv_bg sshd-$p /usr/sbin/sshd -D -e -f "$cfg"
	wait_listen tcp "$a" "$p" sshd-$p
}
drive_ssh() {
	local a=$1 p=$2
	run ssh -F /dev/null -i "$W/ssh/client" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -p "$p" "root@$a" 'uname -s'
}
truth_ssh() { truth "$1" "$2" tcp ssh OpenSSH "$(upstream openssh-server)" "$3"; }

start_nginx() { # start_nginx NAME listen-directive...
	local name=$1 l listens=""
	shift
	for l in "$@"; do listens="$listens    listen $l;
"; done
	mkdir -p "$W/nginx-$name"
	cat >"$W/nginx-$name/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $W/nginx-$name/nginx.pid;
error_log $W/log/nginx-$name.err warn;
events { worker_connections 64; }
http {
    access_log off;
    types { text/html html; text/plain txt; }
    default_type application/octet-stream;
    client_body_temp_path $W/nginx-$name/body;
    proxy_temp_path $W/nginx-$name/proxy;
    fastcgi_temp_path $W/nginx-$name/fastcgi;
    uwsgi_temp_path $W/nginx-$name/uwsgi;
    scgi_temp_path $W/nginx-$name/scgi;
    ssl_certificate $W/tls/cert.pem;
    ssl_certificate_key $W/tls/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    server {
$listens        server_name $CN;
        root $W/www;
        index index.html;
    }
}
EOF
	srv_bg nginx-$name nginx -p "$W/nginx-$name" -e "$W/log/nginx-$name.err" \
		-c "$W/nginx-$name/nginx.conf"
}
drive_http() {
	local a=$1 p=$2 u
	u="http://$(url_host $a):$p"
	run curl -sS -o /dev/null --max-time 10 "$u/"
	run curl -sS -o /dev/null --max-time 10 -H "Host: $CN" -A "Mozilla/5.0 (portsleuth corpus)" "$u/page.txt"
	try curl -sS -o /dev/null --max-time 10 "$u/missing"
}
truth_http() { truth "$1" "$2" tcp "${4:-http}" nginx "$(upstream nginx)" "$3"; }

start_redis() {
	local a=$1 p=$2 tls=${3:-}
	mkdir -p "$W/redis-$p"
	{
		echo "bind $a"
		if [ "$tls" = tls ]; then
			echo "port 0"
			echo "tls-port $p"
			echo "tls-cert-file $W/tls/cert.pem"
			echo "tls-key-file $W/tls/key.pem"
			echo "tls-ca-cert-file $W/tls/cert.pem"
			echo "tls-auth-clients no"
		else
			echo "port $p"
		fi
		echo "protected-mode no"
		echo "daemonize no"
		echo 'save ""'
		echo "appendonly no"
		echo "dir $W/redis-$p"
		echo 'logfile ""'
	} >"$W/redis-$p/redis.conf"
	srv_bg redis-$p redis-server "$W/redis-$p/redis.conf"
	wait_listen tcp "$a" "$p" redis-$p
}
drive_redis() {
	local a=$1 p=$2 tls=()
	[ "${3:-}" = tls ] && tls=(--tls --insecure --sni "$CN")
	run redis-cli "${tls[@]}" -h "$a" -p "$p" PING
	run redis-cli "${tls[@]}" -h "$a" -p "$p" INFO server
	run redis-cli "${tls[@]}" -h "$a" -p "$p" SET corpus portsleuth
	run redis-cli "${tls[@]}" -h "$a" -p "$p" GET corpus
}
truth_redis() { truth "$1" "$2" tcp "${4:-redis}" Redis "$(upstream redis-server)" "$3"; }

start_vsftpd() {
	local a=$1 p=$2
	local cfg=$W/vsftpd-$p.conf
	{
		if [[ $a == *:* ]]; then
			echo "listen=NO"
			echo "listen_ipv6=YES"
			echo "listen_address6=$a"
		else
			echo "listen=YES"
			echo "listen_ipv6=NO"
			echo "listen_address=$a"
		fi
		cat <<EOF
listen_port=$p
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$W/ftp
local_enable=NO
write_enable=NO
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40999
port_enable=YES
connect_from_port_20=YES
ftp_data_port=$((p - 1))
secure_chroot_dir=$W/vsftpd-empty
ftp_username=$(ftp_user)
seccomp_sandbox=NO
xferlog_enable=NO
dirmessage_enable=NO
EOF
	} >"$cfg"
	mkdir -p "$W/vsftpd-empty"
	srv_bg vsftpd-$p "$VSFTPD" "$cfg"
	wait_listen tcp "$a" "$p" vsftpd-$p
}
ftp_user() { # anonymous FTP runs as a user whose home exists (Debian: ftp, /srv/ftp)
	local u h
	for u in ftp www-data nobody; do
		h=$(getent passwd $u | cut -d: -f6)
		[ -n "$h" ] && [ -d "$h" ] && { echo $u; return; }
	done
	die "no user with an existing home for anonymous FTP (want Debian's ftp user)"
}
drive_ftp() { # all the data-connection flavours: EPSV, PASV, EPRT, PORT
	local a=$1 p=$2 u
	u="ftp://$(url_host $a):$p"
	run curl -sS --max-time 15 -o /dev/null "$u/pub/"
	run curl -sS --max-time 15 -o /dev/null "$u/pub/hello.txt"
	if [[ $a != *:* ]]; then
		run curl -sS --max-time 15 -o /dev/null --disable-epsv "$u/pub/gpl.txt"
		run curl -sS --max-time 15 -o /dev/null --ftp-port "$C4" --disable-eprt "$u/pub/hello.txt"
	fi
	run curl -sS --max-time 15 -o /dev/null --ftp-port "$(cli_addr "$a")" "$u/pub/"
}
cli_addr() { case $1 in *:*) echo $C6 ;; *) echo $C4 ;; esac; }
truth_ftp() { truth "$1" "$2" tcp ftp vsftpd "$(upstream vsftpd)" "$3"; }

start_dnsmasq() { # start_dnsmasq ADDR PORT [tftp]
	local a=$1 p=$2 extra=() big="" i
	[ "${3:-}" = tftp ] && extra=(--enable-tftp --tftp-root="$W/tftp")
	# A TXT answer larger than the 1500-byte MTU: the reply leaves as IP fragments.
	for i in $(seq 1 12); do
		big="$big,\"$(printf 'portsleuth-big-txt-record-%02d-' "$i")$(printf '%0200d' 0)\""
	done
	srv_bg dnsmasq-$p dnsmasq --keep-in-foreground --log-facility=- --conf-file=/dev/null \
		--no-resolv --no-hosts --no-poll --bind-interfaces --listen-address="$a" \
		--port="$p" --user=nobody --group=nogroup --pid-file="$W/dnsmasq-$p.pid" \
		--edns-packet-max=4096 --local=/portsleuth.test/ \
		--host-record=$CN,$S4,$S6 --host-record=mail.portsleuth.test,$S4,$S6 \
		--mx-host=portsleuth.test,mail.portsleuth.test,10 \
		--txt-record=portsleuth.test,"v=spf1 -all" \
		--txt-record=big.portsleuth.test"$big" "${extra[@]}"
	wait_listen udp "$a" "$p" dnsmasq-$p
}
drive_dns() {
	local a=$1 p=$2
	run dig +time=3 +tries=2 @"$a" -p "$p" $CN A
	run dig +time=3 +tries=2 @"$a" -p "$p" $CN AAAA
	run dig +time=3 +tries=2 @"$a" -p "$p" portsleuth.test MX
	run dig +time=3 +tries=2 @"$a" -p "$p" version.bind CH TXT
	[ "${3:-}" = big ] && run dig +time=3 +tries=2 +bufsize=4096 @"$a" -p "$p" big.portsleuth.test TXT
	return 0
}
drive_dns_tcp() { run dig +tcp +time=3 +tries=2 @"$1" -p "$2" portsleuth.test TXT; }
truth_dns() { truth "$1" "$2" "${4:-udp}" domain dnsmasq "$(upstream dnsmasq-base)" "$3"; }

start_snmpd() {
	local a=$1 p=$2 spec
	mkdir -p "$W/snmp-$p"
	cat >"$W/snmp-$p/snmpd.conf" <<EOF
rocommunity public default
rocommunity6 public default
sysLocation portsleuth corpus lab
sysContact corpus@portsleuth.test
sysName corpus-snmp
EOF
	if [[ $a == *:* ]]; then spec="udp6:[$a]:$p"; else spec="udp:$a:$p"; fi
	SNMP_PERSISTENT_DIR=$W/snmp-$p srv_bg snmpd-$p env SNMP_PERSISTENT_DIR="$W/snmp-$p" \
		snmpd -f -Le -C -c "$W/snmp-$p/snmpd.conf" -p "$W/snmp-$p/snmpd.pid" "$spec"
	wait_listen udp "$a" "$p" snmpd-$p
}
drive_snmp() {
	local a=$1 p=$2 t
	if [[ $a == *:* ]]; then t="udp6:[$a]:$p"; else t="$a:$p"; fi
	run snmpget -m '' -v2c -c public -t 3 -r 1 "$t" 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.5.0
	run snmpget -m '' -v1 -c public -t 3 -r 1 "$t" 1.3.6.1.2.1.1.3.0
	run snmpwalk -m '' -v2c -c public -t 3 -r 1 "$t" 1.3.6.1.2.1.1
	[ "${3:-}" = big ] && run snmpbulkget -m '' -v2c -c public -t 3 -r 1 -Cn0 -Cr60 "$t" 1.3.6.1.2.1.2.2
	return 0
}
truth_snmp() { truth "$1" "$2" udp snmp Net-SNMP "$(upstream snmpd)" "$3"; }

MYSQL_INIT=0
start_mariadb() {
	local a=$1 p=$2 i
	if [ $MYSQL_INIT = 0 ]; then
		timeout 120 mariadb-install-db --no-defaults --datadir="$W/mysql" --user=root \
			--auth-root-authentication-method=socket --skip-test-db >"$W/log/mariadb-install.log" 2>&1 ||
			die "mariadb-install-db failed"
		MYSQL_INIT=1
	fi
	srv_bg mariadb-$p mariadbd --no-defaults --datadir="$W/mysql" --socket="$W/mysql.sock" \
		--pid-file="$W/mysql.pid" --bind-address="$a" --port="$p" --user=root \
		--skip-log-bin --skip-name-resolve --log-error="$W/log/mariadb-$p.err" \
		--innodb-buffer-pool-size=16M --performance-schema=OFF
	wait_listen tcp "$a" "$p" mariadb-$p
	for i in $(seq 1 50); do [ -S "$W/mysql.sock" ] && break; sleep 0.2; done
	srv mariadb --no-defaults --socket="$W/mysql.sock" -u root -e \
		"CREATE USER IF NOT EXISTS 'corpus'@'%' IDENTIFIED BY 'portsleuth'; GRANT ALL ON *.* TO 'corpus'@'%';" ||
		die "mariadb user creation failed"
}
drive_mysql() {
	run mariadb --no-defaults -h "$1" -P "$2" -u corpus -pportsleuth --connect-timeout=10 \
		-e "SELECT VERSION(); SHOW DATABASES;"
}
truth_mysql() { truth "$1" "$2" tcp mysql MariaDB "$(upstream mariadb-server)" "$3"; }

PG_INIT=0
PGBIN=""
start_postgres() { # start_postgres ADDR PORT [ssl]
	local a=$1 p=$2 ssl=off
	[ "${3:-}" = ssl ] && ssl=on
	if [ $PG_INIT = 0 ]; then
		PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
		mkdir -p "$W/pg/sock"
		chown -R postgres: "$W/pg"
		timeout 120 runuser -u postgres -- "$PGBIN/initdb" -D "$W/pg/data" -U postgres -A trust \
			--no-sync >"$W/log/pg-initdb.log" 2>&1 || die "initdb failed"
		printf 'host all all 10.99.0.0/24 trust\nhost all all fd99::/64 trust\n' >>"$W/pg/data/pg_hba.conf"
		install -o postgres -m 600 "$W/tls/key.pem" "$W/pg/key.pem"
		install -o postgres -m 644 "$W/tls/cert.pem" "$W/pg/cert.pem"
		PG_INIT=1
	fi
	srv_bg postgres-$p runuser -u postgres -- "$PGBIN/postgres" -D "$W/pg/data" \
		-c listen_addresses="$a" -c port="$p" -c unix_socket_directories="$W/pg/sock" \
		-c ssl=$ssl -c ssl_cert_file="$W/pg/cert.pem" -c ssl_key_file="$W/pg/key.pem" \
		-c fsync=off -c shared_buffers=16MB
	wait_listen tcp "$a" "$p" postgres-$p
}
drive_pg() {
	local mode=${3:-prefer}
	run psql "host=$1 port=$2 user=postgres dbname=postgres sslmode=$mode connect_timeout=10" \
		-c "SELECT version();"
}
truth_pg() { truth "$1" "$2" tcp postgresql PostgreSQL "$(upstream "postgresql-$(basename "$(dirname "$PGBIN")")")" "$3"; }

start_postfix() { # start_postfix ADDR PORT
	local a=$1 p=$2
	local d=$W/postfix-$p
	mkdir -p "$d/queue" "$d/data"
	chown postfix: "$d/data"
	cat >"$d/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
command_directory = $PFROOT/usr/sbin
daemon_directory = $PFROOT/usr/lib/postfix/sbin
shlib_directory = $PFROOT/usr/lib/postfix
meta_directory = $d/meta
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.portsleuth.test
mydomain = portsleuth.test
myorigin = \$mydomain
mydestination = \$myhostname, portsleuth.test, localhost
inet_interfaces = $a
inet_protocols = all
mynetworks = 10.99.0.0/24 [fd99::]/64
smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)
alias_maps =
alias_database =
local_recipient_maps =
local_transport = discard:
default_transport = discard:
relay_transport = discard:
smtpd_tls_cert_file = $W/tls/cert.pem
smtpd_tls_key_file = $W/tls/key.pem
smtpd_tls_security_level = may
maillog_file = $W/log/postfix-$p.maillog
maillog_file_prefixes = $W
biff = no
smtpd_peername_lookup = no
EOF
	# Debian's master.cf.dist with the smtp listener moved to our port and no chroot.
	awk -v port="$p" '
		/^#/ || /^[ \t]/ || NF < 8 { print; next }
		{ if ($1 == "smtp" && $2 == "inet") $1 = port; if ($5 == "y" || $5 == "-") $5 = "n"; print }
	' "$PFROOT/usr/share/postfix/master.cf.dist" >"$d/master.cf"
	# postfix-script and postfix-files, as Debian's postinst lays them out.
	mkdir -p "$d/meta"
	cp -r "$PFROOT/etc/postfix/postfix-files" "$PFROOT/etc/postfix/postfix-files.d" \
		"$PFROOT/etc/postfix/postfix-script" "$PFROOT/etc/postfix/post-install" \
		"$PFROOT/etc/postfix/dynamicmaps.cf.d" "$PFROOT/usr/share/postfix/dynamicmaps.cf" "$d/meta/"
	# postfix only prints its fatal errors to a terminal; see the maillog otherwise.
	srv env LD_LIBRARY_PATH="$PFROOT/usr/lib/postfix" "$PFROOT/usr/sbin/postfix" -c "$d" \
		set-permissions >"$W/log/postfix-$p.setup" 2>&1 || true
	srv_bg postfix-$p env LD_LIBRARY_PATH="$PFROOT/usr/lib/postfix" "$PFROOT/usr/sbin/postfix" -c "$d" start-fg
	wait_listen tcp "$a" "$p" postfix-$p
	wait_banner "$a" "$p" postfix-$p 220
}
drive_smtp() {
	local a=$1 p=$2 tls=()
	[ "${3:-}" = tls ] && tls=(--tls)
	run swaks --server "$a" --port "$p" --helo client.portsleuth.test --from corpus@client.portsleuth.test \
		--to postmaster@portsleuth.test --header "Subject: portsleuth corpus" --body "hello" \
		--timeout 10 "${tls[@]}"
}
truth_smtp() { truth "$1" "$2" tcp smtp Postfix "$(upstream postfix)" "$3"; }

start_dovecot() { # start_dovecot NAME ADDR ssl(yes|no) imap-port pop3-port [imaps pop3s]
	local name=$1 a=$2 ssl=$3 ip=$4 pp=$5 ips=${6:-0} pps=${7:-0} d=$W/dovecot-$1
	mkdir -p "$d/run" "$d/state" "$d/home/corpus/Maildir/new"
	printf 'From: corpus@portsleuth.test\r\nTo: corpus@portsleuth.test\r\nSubject: corpus\r\n\r\nhello\r\n' \
		>"$d/home/corpus/Maildir/new/1700000000.corpus.portsleuth"
	chown -R nobody:nogroup "$d/home"
	echo "corpus:{PLAIN}portsleuth:65534:65534::$d/home/corpus::" >"$d/users"
	chmod 644 "$d/users"
	cat >"$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
protocols = imap pop3
listen = $a
log_path = $W/log/dovecot-$name.maillog
ssl = $ssl
ssl_cert = <$W/tls/cert.pem
ssl_key = <$W/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/users
}
mail_location = maildir:~/Maildir
default_login_user = dovenull
default_internal_user = dovecot
service imap-login {
  executable = $DCIMAP/imap-login
  inet_listener imap {
    port = $ip
  }
  inet_listener imaps {
    port = $ips
    ssl = yes
  }
}
service pop3-login {
  executable = $DCPOP3/pop3-login
  inet_listener pop3 {
    port = $pp
  }
  inet_listener pop3s {
    port = $pps
    ssl = yes
  }
}
service imap {
  executable = $DCIMAP/imap
}
service imap-hibernate {
  executable = $DCIMAP/imap-hibernate
}
service imap-urlauth {
  executable = $DCIMAP/imap-urlauth
}
service imap-urlauth-login {
  executable = $DCIMAP/imap-urlauth-login
}
service imap-urlauth-worker {
  executable = $DCIMAP/imap-urlauth-worker
}
service pop3 {
  executable = $DCPOP3/pop3
}
EOF
	srv_bg dovecot-$name dovecot -F -c "$d/dovecot.conf"
	[ "$ip" != 0 ] && wait_listen tcp "$a" "$ip" dovecot-$name
	[ "$pp" != 0 ] && wait_listen tcp "$a" "$pp" dovecot-$name
	return 0
}
drive_imap() {
	local a=$1 p=$2 s=${3:-imap} extra=()
	[ "${4:-}" = starttls ] && extra=(--ssl-reqd)
	[ "$s" = imaps ] || [ "${4:-}" = starttls ] && extra+=(-k)
	run curl -sS --max-time 15 -o /dev/null "${extra[@]}" --user corpus:portsleuth "$s://$(url_host $a):$p/"
	run curl -sS --max-time 15 -o /dev/null "${extra[@]}" --user corpus:portsleuth "$s://$(url_host $a):$p/INBOX/;UID=1"
}
drive_pop3() {
	local a=$1 p=$2 s=${3:-pop3} extra=()
	[ "${4:-}" = starttls ] && extra=(--ssl-reqd)
	[ "$s" = pop3s ] || [ "${4:-}" = starttls ] && extra+=(-k)
	run curl -sS --max-time 15 -o /dev/null "${extra[@]}" --user corpus:portsleuth "$s://$(url_host $a):$p/"
	run curl -sS --max-time 15 -o /dev/null "${extra[@]}" --user corpus:portsleuth "$s://$(url_host $a):$p/1"
}
truth_imap() { truth "$1" "$2" tcp "${4:-imap}" Dovecot "$(upstream dovecot-core)" "$3"; }
truth_pop3() { truth "$1" "$2" tcp "${4:-pop3}" Dovecot "$(upstream dovecot-core)" "$3"; }

start_mosquitto() { # start_mosquitto ADDR PORT [tls]
	local a=$1 p=$2 d=$W/mosquitto-$2
	mkdir -p "$d"
	{
		echo "per_listener_settings false"
		echo "allow_anonymous true"
		echo "persistence false"
		echo "log_dest stdout"
		echo "listener $p $a"
		if [ "${3:-}" = tls ]; then
			echo "certfile $W/tls/cert.pem"
			echo "keyfile $W/tls/key.pem"
		fi
	} >"$d/mosquitto.conf"
	srv_bg mosquitto-$p mosquitto -c "$d/mosquitto.conf"
	wait_listen tcp "$a" "$p" mosquitto-$p
}
drive_mqtt() {
	local a=$1 p=$2 tls=()
	[ "${3:-}" = tls ] && tls=(--cafile "$W/tls/cert.pem" --insecure)
	run mosquitto_pub "${tls[@]}" -h "$a" -p "$p" -i corpus-pub -t portsleuth/corpus -m hello -r -q 1
	run mosquitto_sub "${tls[@]}" -h "$a" -p "$p" -i corpus-sub -t portsleuth/corpus -C 1 -W 5
}
truth_mqtt() { truth "$1" "$2" tcp "${4:-mqtt}" Mosquitto "$(upstream mosquitto)" "$3"; }

start_memcached() { # start_memcached ADDR PORT [udp]
	local a=$1 p=$2 u=0
	[ "${3:-}" = udp ] && u=$p
	srv_bg memcached-$p memcached -u memcache -l "$a" -p "$p" -U "$u" -m 16 -c 64
	wait_listen tcp "$a" "$p" memcached-$p
}
drive_memcached() {
	run sh -c "printf 'version\r\nset corpus 0 60 10\r\nportsleuth\r\nget corpus\r\nstats\r\nquit\r\n' | nc -q 3 -w 10 $1 $2"
}
drive_memcached_udp() { # UDP frame header: request id, seq 0, 1 datagram, reserved
	run sh -c "printf '\000\001\000\000\000\001\000\000version\r\n' | nc -u -q 2 -w 3 $1 $2"
	run sh -c "printf '\000\002\000\000\000\001\000\000stats\r\n' | nc -u -q 2 -w 3 $1 $2"
}
truth_memcached() { truth "$1" "$2" "${4:-tcp}" memcached memcached "$(upstream memcached)" "$3"; }

LDAP_INIT=0
start_slapd() {
	local a=$1 p=$2 d=$W/ldap
	if [ $LDAP_INIT = 0 ]; then
		mkdir -p "$d/db"
		cat >"$d/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $d/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "dc=portsleuth,dc=test"
rootdn "cn=admin,dc=portsleuth,dc=test"
rootpw portsleuth
directory $d/db
access to * by * read
EOF
		LDAP_INIT=1
	fi
	srv_bg slapd-$p slapd -d 256 -f "$d/slapd.conf" -h "ldap://$(url_host $a):$p/"
	wait_listen tcp "$a" "$p" slapd-$p
}
drive_ldap() {
	local u
	u="ldap://$(url_host "$1"):$2"
	run ldapsearch -x -H "$u" -o nettimeout=10 -s base -b '' '+' namingContexts supportedLDAPVersion
	printf 'dn: dc=portsleuth,dc=test\nobjectClass: dcObject\nobjectClass: organization\no: portsleuth\ndc: portsleuth\n' >"$W/ldap-base.ldif"
	try ldapadd -c -x -H "$u" -o nettimeout=10 -D cn=admin,dc=portsleuth,dc=test -w portsleuth -f "$W/ldap-base.ldif"
	run ldapsearch -x -H "$u" -o nettimeout=10 -b dc=portsleuth,dc=test
}
truth_ldap() { truth "$1" "$2" tcp ldap OpenLDAP "$(upstream slapd)" "$3"; }

start_rsyncd() {
	local a=$1 p=$2
	cat >"$W/rsyncd-$p.conf" <<EOF
pid file = $W/rsyncd-$p.pid
use chroot = no
uid = nobody
gid = nogroup
[pub]
    path = $W/rsync/pub
    comment = portsleuth corpus
    read only = yes
EOF
	srv_bg rsyncd-$p rsync --daemon --no-detach --config="$W/rsyncd-$p.conf" --address="$a" --port="$p"
	wait_listen tcp "$a" "$p" rsyncd-$p
}
drive_rsync() {
	local u
	u="rsync://$(url_host "$1"):$2"
	run rsync --contimeout=10 "$u/"
	rm -rf "$W/rsync-out"
	run rsync -a --contimeout=10 "$u/pub/" "$W/rsync-out/"
}
truth_rsync() { truth "$1" "$2" tcp rsync rsync "$(upstream rsync)" "$3"; }

start_gitd() {
	local a=$1 p=$2
	srv_bg gitd-$p git daemon --reuseaddr --listen="$a" --port="$p" --base-path="$W/git" \
		--export-all --informative-errors "$W/git"
	wait_listen tcp "$a" "$p" gitd-$p
}
drive_git() {
	rm -rf "$W/clone"
	run git clone -q "git://$(url_host $1):$2/portsleuth.git" "$W/clone"
}
truth_git() { truth "$1" "$2" tcp git git "$(upstream git)" "$3"; }

start_ntpd() { # ntpd answers clients even unsynchronised; time discipline is off so
	# it can never touch the (shared, not namespaced) host clock.
	local a=$1 d=$W/ntp
	mkdir -p "$d"
	cat >"$d/ntp.conf" <<EOF
driftfile $d/drift
disable ntp
disable kernel
interface ignore wildcard
interface listen $a
tos orphan 8
EOF
	srv_bg ntpd "$NTPD" -n -c "$d/ntp.conf" -p "$d/ntpd.pid" -l "$W/log/ntpd.syslog"
	wait_listen udp "$a" 123 ntpd
}
drive_ntp() { # the server is unsynchronised (stratum 0 answer): ntpdig complains, rc 1
	# (ntpsec 1.2.2 leaves ntpq's mode-6 queries unanswered here, so none are sent)
	try ntpdig -t 3 "$1"
}
truth_ntp() { truth "$1" 123 udp ntp NTPsec "$(upstream ntpsec)" no; }

truth_tftp() { truth "$1" 69 udp tftp dnsmasq "$(upstream dnsmasq-base)" no; }
drive_tftp() { run curl -sS --max-time 10 -o /dev/null "tftp://$(url_host $1)/hello.txt"; }

# ---------------------------------------------------------------- checks
# Every truth row of the capture must show up as a server endpoint in it: for TCP a
# SYN-ACK from host:port, for UDP a datagram from host:port. FTP data connections
# (passive and active) are endpoints too: they are added to truth from the capture.
add_ftp_data_rows() {
	local host port known
	tshark -r "$CAP" -Y 'tcp.flags.syn==1 && tcp.flags.ack==1' \
		-T fields -e ip.src -e ipv6.src -e tcp.srcport 2>/dev/null | sort -u |
		while read -r h1 h2 port; do
			host=${h1:-$h2}
			[ -z "$port" ] && { port=$h2; host=$h1; }
			known=$(awk -F, -v c="$CAPTURE" -v h="$host" -v p="$port" \
				'$1==c && $2==h && $3==p && $4=="tcp"' "$TRUTH")
			[ -n "$known" ] && continue
			# Passive: vsftpd listens. Active (PORT/EPRT): the client (curl) listens.
			if [ "$host" = $C4 ] || [ "$host" = $C6 ]; then
				echo "$CAPTURE,$host,$port,tcp,ftp-data,curl,$(upstream curl),no" >>"$TRUTH"
			else
				echo "$CAPTURE,$host,$port,tcp,ftp-data,vsftpd,$(upstream vsftpd),no" >>"$TRUTH"
			fi
		done
}

check_capture() {
	local c=$CAPTURE host port tr filt n bad=0
	while IFS=, read -r cap host port tr svc _; do
		[ "$cap" = "$c" ] || continue
		if [ "$svc" = tftp ]; then # TFTP answers from a fresh port: look for requests
			if [[ $host == *:* ]]; then filt="ipv6.dst==$host"; else filt="ip.dst==$host"; fi
			filt="$filt && udp.dstport==$port"
		elif [[ $host == *:* ]]; then filt="ipv6.src==$host"; else filt="ip.src==$host"; fi
		if [ "$tr" = tcp ]; then
			filt="$filt && tcp.srcport==$port && tcp.flags.syn==1 && tcp.flags.ack==1"
		elif [ "$svc" != tftp ]; then
			filt="$filt && udp.srcport==$port"
		fi
		n=$(tshark -r "$CAP" -Y "$filt" 2>/dev/null | wc -l)
		if [ "$n" = 0 ]; then
			log "MISSING in $c: $host $tr/$port"
			bad=1
		fi
	done <"$TRUTH"
	[ $bad = 0 ] || die "capture $c lacks expected conversations"
	check_versions
	log "$c: $(tshark -r "$CAP" 2>/dev/null | wc -l) packets, all truth endpoints present"
}

# Where a daemon shows its version on the wire in clear, the truth row's version must
# be in the capture's bytes: this catches a package changed under our feet between the
# version lookup and the run (the machine may be shared).
version_needle() { # version_needle SERVICE PRODUCT VERSION -> bytes that must appear
	case "$1/$2" in
	ssh/OpenSSH) echo "OpenSSH_$3" ;;
	http/nginx) echo "nginx/$3" ;;
	http/Apache*) echo "Apache/$3" ;;
	http/lighttpd) echo "lighttpd/$3" ;;
	ftp/vsftpd) echo "vsFTPd $3" ;;
	mysql/MariaDB) echo "$3-MariaDB" ;;
	redis/Redis) echo "redis_version:$3" ;;
	domain/dnsmasq) echo "dnsmasq-$3" ;;
	domain/Unbound) echo "unbound $3" ;;
	memcached/memcached) echo "VERSION $3" ;;
	postgresql/PostgreSQL) echo "PostgreSQL $3" ;;
	irc/ngircd) echo "ngircd-$3" ;;
	git/git) echo "git/$3" ;;
	zabbix/Zabbix*) echo "$3" ;; # the answer to agent.version
	esac
}
check_versions() { # (tls.pcap is skipped: its versions travel encrypted)
	local cap host port tr svc prod ver needle bad=0
	[ "$CAPTURE" = tls.pcap ] && return 0
	while IFS=, read -r cap host port tr svc prod ver _; do
		[ "$cap" = "$CAPTURE" ] || continue
		needle=$(version_needle "$svc" "$prod" "$ver")
		[ -n "$needle" ] || continue
		if ! grep -aqF -- "$needle" "$CAP"; then
			log "version of $svc $prod $ver at $host:$port not on the wire in $CAPTURE (looked for '$needle')"
			bad=1
		fi
	done <"$TRUTH"
	[ $bad = 0 ] || die "truth.csv versions disagree with $CAPTURE"
}

# ---------------------------------------------------------------- groups
begin_group() {
	GROUP=$1
	CAPTURE=$1.pcap
	log "=== group $GROUP"
	: >"$W/log/clients-$GROUP.log"
}
end_group() {
	capture_stop
	stop_daemons
	[ "${FTPDATA:-0}" = 1 ] && add_ftp_data_rows
	FTPDATA=0
	check_capture
	cp "$CAP" "$OUT/$CAPTURE"
}

group_demo() { # a handful of services, one of them disguised (README's first command)
	begin_group demo
	start_sshd $S4 22
	start_nginx demo "$S4:80"
	wait_listen tcp $S4 80 nginx-demo
	start_redis $S4 443
	start_dnsmasq $S4 53
	start_mariadb $S4 3306
	capture_start
	drive_ssh $S4 22
	drive_http $S4 80
	drive_redis $S4 443
	drive_dns $S4 53
	drive_mysql $S4 3306
	truth_ssh $S4 22 no
	truth_http $S4 80 no
	truth_redis $S4 443 yes
	truth_dns $S4 53 no
	truth_mysql $S4 3306 no
	end_group
}

group_standard() { # every service on its own registered port, IPv4
	begin_group standard
	start_sshd $S4 22
	start_nginx std "$S4:80"
	wait_listen tcp $S4 80 nginx-std
	start_vsftpd $S4 21
	start_postfix $S4 25
	start_dnsmasq $S4 53
	start_dovecot std $S4 no 143 110
	start_ntpd $S4
	start_snmpd $S4 161
	start_slapd $S4 389
	start_rsyncd $S4 873
	start_mariadb $S4 3306
	start_postgres $S4 5432
	start_redis $S4 6379
	start_mosquitto $S4 1883
	start_gitd $S4 9418
	start_memcached $S4 11211
	capture_start
	drive_ssh $S4 22
	drive_http $S4 80
	drive_ftp $S4 21
	FTPDATA=1
	drive_smtp $S4 25
	drive_dns $S4 53
	drive_dns_tcp $S4 53
	drive_imap $S4 143
	drive_pop3 $S4 110
	drive_ntp $S4
	drive_snmp $S4 161
	drive_ldap $S4 389
	drive_rsync $S4 873
	drive_mysql $S4 3306
	drive_pg $S4 5432 disable
	drive_redis $S4 6379
	drive_mqtt $S4 1883
	drive_git $S4 9418
	drive_memcached $S4 11211
	truth_ssh $S4 22 no
	truth_http $S4 80 no
	truth_ftp $S4 21 no
	truth_smtp $S4 25 no
	truth_dns $S4 53 no udp
	truth_dns $S4 53 no tcp
	truth_imap $S4 143 no
	truth_pop3 $S4 110 no
	truth_ntp $S4
	truth_snmp $S4 161 no
	truth_ldap $S4 389 no
	truth_rsync $S4 873 no
	truth_mysql $S4 3306 no
	truth_pg $S4 5432 no
	truth_redis $S4 6379 no
	truth_mqtt $S4 1883 no
	truth_git $S4 9418 no
	truth_memcached $S4 11211 no
	end_group
}

group_disguised() { # services on ports registered to other services
	begin_group disguised
	start_sshd $S4 80
	start_sshd $S4 2222
	start_nginx dis "$S4:22" "$S4:8080"
	wait_listen tcp $S4 22 nginx-dis
	start_redis $S4 443
	start_vsftpd $S4 2121
	start_snmpd $S4 53
	start_dnsmasq $S4 123
	start_mariadb $S4 5432
	start_postgres $S4 3306
	start_memcached $S4 6379
	start_mosquitto $S4 21
	start_postfix $S4 143
	start_dovecot dis $S4 no 25 110
	start_slapd $S4 3389
	start_rsyncd $S4 23
	start_gitd $S4 8443
	capture_start
	drive_ssh $S4 80
	drive_ssh $S4 2222
	drive_http $S4 22
	drive_http $S4 8080
	drive_redis $S4 443
	drive_ftp $S4 2121
	FTPDATA=1
	drive_snmp $S4 53
	drive_dns $S4 123
	drive_mysql $S4 5432
	drive_pg $S4 3306 disable
	drive_memcached $S4 6379
	drive_mqtt $S4 21
	drive_smtp $S4 143
	drive_imap $S4 25
	drive_pop3 $S4 110
	drive_ldap $S4 3389
	drive_rsync $S4 23
	drive_git $S4 8443
	truth_ssh $S4 80 yes
	truth_ssh $S4 2222 no
	truth_http $S4 22 yes
	truth_http $S4 8080 no
	truth_redis $S4 443 yes
	truth_ftp $S4 2121 no
	truth_snmp $S4 53 yes
	truth_dns $S4 123 yes udp
	truth_mysql $S4 5432 yes
	truth_pg $S4 3306 yes
	truth_memcached $S4 6379 yes
	truth_mqtt $S4 21 yes
	truth_smtp $S4 143 yes
	truth_imap $S4 25 yes
	truth_pop3 $S4 110 no
	truth_ldap $S4 3389 yes
	truth_rsync $S4 23 yes
	truth_git $S4 8443 yes
	end_group
}

group_ftp_passive() { # FTP control + every data-connection flavour
	begin_group ftp-passive
	start_vsftpd $S4 21
	start_vsftpd $S4 2121
	capture_start
	drive_ftp $S4 21
	drive_ftp $S4 2121
	truth_ftp $S4 21 no
	truth_ftp $S4 2121 no
	FTPDATA=1
	end_group
}

group_tls() { # TLS servers (SNI, TLS 1.2/1.3, ALPN h2) and STARTTLS
	begin_group tls
	start_nginx tls "$S4:443 ssl http2" "$S4:8443 ssl" "$S4:3306 ssl"
	wait_listen tcp $S4 443 nginx-tls
	start_dovecot tls $S4 yes 143 110 993 995
	wait_listen tcp $S4 993 dovecot-tls
	start_postfix $S4 25
	start_postgres $S4 5432 ssl
	start_mosquitto $S4 8883 tls
	start_redis $S4 6380 tls
	capture_start
	local r="--resolve $CN:443:$S4 --resolve $CN:8443:$S4 --resolve $CN:3306:$S4"
	# shellcheck disable=SC2086
	{
		run curl -sS -k --max-time 10 -o /dev/null $r "https://$CN/"
		run curl -sS -k --max-time 10 -o /dev/null $r --http1.1 --tlsv1.2 --tls-max 1.2 "https://$CN/page.txt"
		run curl -sS -k --max-time 10 -o /dev/null $r --http1.1 "https://$CN:8443/"
		run curl -sS -k --max-time 10 -o /dev/null $r "https://$CN:3306/"
	}
	drive_imap $S4 993 imaps
	drive_pop3 $S4 995 pop3s
	drive_imap $S4 143 imap starttls
	drive_pop3 $S4 110 pop3 starttls
	drive_smtp $S4 25 tls
	drive_pg $S4 5432 require
	drive_mqtt $S4 8883 tls
	drive_redis $S4 6380 tls
	truth_http $S4 443 no ssl/http
	truth_http $S4 8443 no ssl/http
	truth_http $S4 3306 yes ssl/http
	truth_imap $S4 993 no ssl/imap
	truth_pop3 $S4 995 no ssl/pop3
	truth_imap $S4 143 no
	truth_pop3 $S4 110 no
	truth_smtp $S4 25 no
	truth_pg $S4 5432 no
	truth_mqtt $S4 8883 no ssl/mqtt
	truth_redis $S4 6380 no ssl/redis
	end_group
}

group_udp() { # UDP services, incl. an answer larger than the MTU (IP fragments)
	begin_group udp
	start_dnsmasq $S4 53 tftp
	start_snmpd $S4 161
	start_ntpd $S4
	start_memcached $S4 11211 udp
	capture_start
	drive_dns $S4 53 big
	drive_tftp $S4
	drive_snmp $S4 161 big
	drive_ntp $S4
	drive_memcached_udp $S4 11211
	truth_dns $S4 53 no udp
	truth_tftp $S4
	truth_snmp $S4 161 no
	truth_ntp $S4
	truth_memcached $S4 11211 no udp
	end_group
}

group_ipv6() { # servers listening on fd99::1
	begin_group ipv6
	start_sshd $S6 22
	start_sshd $S6 443
	start_nginx v6 "[$S6]:80"
	wait_listen tcp $S6 80 nginx-v6
	start_vsftpd $S6 21
	start_dnsmasq $S6 53
	start_snmpd $S6 161
	start_redis $S6 6379
	start_slapd $S6 389
	start_postgres $S6 5432
	capture_start
	drive_ssh $S6 22
	drive_ssh $S6 443
	drive_http $S6 80
	drive_ftp $S6 21
	FTPDATA=1
	drive_dns $S6 53 big
	drive_dns_tcp $S6 53
	drive_snmp $S6 161
	drive_redis $S6 6379
	drive_ldap $S6 389
	drive_pg $S6 5432 disable
	truth_ssh $S6 22 no
	truth_ssh $S6 443 yes
	truth_http $S6 80 no
	truth_ftp $S6 21 no
	truth_dns $S6 53 no udp
	truth_dns $S6 53 no tcp
	truth_snmp $S6 161 no
	truth_redis $S6 6379 no
	truth_ldap $S6 389 no
	truth_pg $S6 5432 no
	end_group
}

# ---- products group: the same services from other products, each on its own host
start_apache() {
	local a=$1 p=$2 m=/usr/lib/apache2/modules d=$W/apache
	mkdir -p "$d"
	cat >"$d/httpd.conf" <<EOF
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule dir_module $m/mod_dir.so
LoadModule mime_module $m/mod_mime.so
ServerRoot $d
Listen $a:$p
ServerName $CN
PidFile $d/httpd.pid
Mutex file:$d default
ErrorLog $W/log/apache.err
User www-data
Group www-data
TypesConfig /etc/mime.types
DocumentRoot $W/www
DirectoryIndex index.html
<Directory $W/www>
    Require all granted
</Directory>
EOF
	srv_bg apache apache2 -f "$d/httpd.conf" -DFOREGROUND
	wait_listen tcp "$a" "$p" apache
}
truth_apache() { truth "$1" "$2" tcp http "Apache httpd" "$(upstream apache2)" "$3"; }

start_lighttpd() {
	local a=$1 p=$2
	mkdir -p "$W/lighttpd"
	chown www-data: "$W/lighttpd" # lighttpd opens its log after dropping privileges
	cat >"$W/lighttpd.conf" <<EOF
server.document-root = "$W/www"
server.bind = "$a"
server.port = $p
server.errorlog = "$W/lighttpd/error.log"
server.username = "www-data"
server.groupname = "www-data"
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html", ".txt" => "text/plain" )
EOF
	srv_bg lighttpd lighttpd -D -f "$W/lighttpd.conf"
	wait_listen tcp "$a" "$p" lighttpd
}
truth_lighttpd() { truth "$1" "$2" tcp http lighttpd "$(upstream lighttpd)" "$3"; }

start_named() { # BIND 9, authoritative for portsleuth.test
	local a=$1 d=$W/named
	mkdir -p "$d"
	cat >"$d/db.portsleuth" <<EOF
\$TTL 300
@   IN SOA ns.portsleuth.test. hostmaster.portsleuth.test. 1 3600 600 86400 300
@   IN NS  ns.portsleuth.test.
@   IN MX  10 mail.portsleuth.test.
@   IN TXT "v=spf1 -all"
ns  IN A   $a
www IN A   $S4
www IN AAAA $S6
mail IN A  $S4
EOF
	cat >"$d/named.conf" <<EOF
options {
    directory "$d";
    pid-file "$d/named.pid";
    session-keyfile "$d/session.key";
    listen-on port 53 { $a; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    allow-query { any; };
};
controls { };
zone "portsleuth.test" { type primary; file "$d/db.portsleuth"; };
EOF
	srv_bg named named -g -4 -c "$d/named.conf"
	wait_listen udp "$a" 53 named
	wait_listen tcp "$a" 53 named
}
truth_named() { truth "$1" 53 "$2" domain BIND "$(upstream bind9)" no; }

start_unbound() {
	local a=$1 d=$W/unbound
	mkdir -p "$d"
	cat >"$d/unbound.conf" <<EOF
server:
    interface: $a
    port: 53
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$d"
    pidfile: "$d/unbound.pid"
    use-syslog: no
    logfile: ""
    do-ip6: no
    access-control: 10.99.0.0/24 allow
    local-zone: "portsleuth.test." static
    local-data: "www.portsleuth.test. A $S4"
    local-data: "portsleuth.test. TXT \"v=spf1 -all\""
remote-control:
    control-enable: no
EOF
	srv_bg unbound unbound -d -c "$d/unbound.conf"
	wait_listen udp "$a" 53 unbound
}
truth_unbound() { truth "$1" 53 udp domain Unbound "$(upstream unbound)" no; }

start_squid() { # an HTTP proxy in front of the web servers
	local a=$1 p=$2 d=$W/squid
	mkdir -p "$d"
	chown proxy: "$d"
	cat >"$d/squid.conf" <<EOF
http_port $a:$p
http_access allow all
cache deny all
pid_filename $d/squid.pid
cache_log $W/log/squid.cache
access_log none
cache_store_log none
coredump_dir $d
cache_effective_user proxy
dns_nameservers $S4C
shutdown_lifetime 1 seconds
EOF
	srv_bg squid squid -N -f "$d/squid.conf"
	wait_listen tcp "$a" "$p" squid
}
truth_squid() { truth "$1" "$2" tcp http-proxy Squid "$(upstream squid)" "$3"; }

start_ngircd() {
	local a=$1 p=$2
	cat >"$W/ngircd.conf" <<EOF
[Global]
Name = irc.portsleuth.test
Info = portsleuth corpus
Listen = $a
Ports = $p
PidFile = $W/ngircd.pid
MotdPhrase = "portsleuth corpus"
ServerUID = nobody
ServerGID = nogroup
[Options]
PAM = no
Ident = no
DNS = no
EOF
	srv_bg ngircd ngircd -n -f "$W/ngircd.conf"
	wait_listen tcp "$a" "$p" ngircd
}
drive_irc() { # a plain IRC dialogue: register, join a channel, quit
	run sh -c "{ printf 'NICK corpus\r\nUSER corpus 0 * :portsleuth corpus\r\n'; sleep 1; printf 'JOIN #corpus\r\nQUIT :bye\r\n'; sleep 1; } | nc -q 2 -w 10 $1 $2"
}
truth_irc() { truth "$1" "$2" tcp irc ngircd "$(upstream ngircd)" "$3"; }

start_tftpd() {
	local a=$1
	srv_bg tftpd "$INTFTPD" -L -a "$a:69" -s -u nobody "$W/tftp"
	wait_listen udp "$a" 69 tftpd
}
truth_tftpd() { truth "$1" 69 udp tftp tftpd-hpa "$(upstream tftpd-hpa | sed 's/+.*//')" no; }

group_products() { # the same services from other products, one host per product
	begin_group products
	start_nginx prod "$S4:80"
	wait_listen tcp $S4 80 nginx-prod
	start_apache $S4B 80
	start_lighttpd $S4B 8080
	start_squid $S4B 3128
	start_ngircd $S4B 6667
	start_dnsmasq $S4 53
	start_named $S4C
	start_unbound $S4D
	start_tftpd $S4C
	capture_start
	drive_http $S4 80
	drive_http $S4B 80
	drive_http $S4B 8080
	run curl -sS -o /dev/null --max-time 10 -x "http://$S4B:3128" "http://$S4/page.txt"
	run curl -sS -o /dev/null --max-time 10 -x "http://$S4B:3128" "http://$S4B:8080/"
	drive_irc $S4B 6667
	drive_dns $S4 53
	drive_dns $S4C 53
	drive_dns_tcp $S4C 53
	drive_dns $S4D 53
	drive_tftp $S4C
	truth_http $S4 80 no
	truth_apache $S4B 80 no
	truth_lighttpd $S4B 8080 no
	truth_squid $S4B 3128 no
	truth_irc $S4B 6667 no
	truth_dns $S4 53 no udp
	truth_named $S4C udp
	truth_named $S4C tcp
	truth_unbound $S4D
	truth_tftpd $S4C
	end_group
}

group_cooked() { # tcpdump -i any: Linux cooked captures, v1 (SLL) and v2 (SLL2)
	begin_group cooked
	start_sshd $S4 22
	start_nginx cooked "$S4:80"
	wait_listen tcp $S4 80 nginx-cooked
	start_redis $S4 443
	start_dnsmasq $S4 53
	CAP=$W/cap/cooked.pcap
	capture_start cooked.pcap any LINUX_SLL
	capture_start cooked-sll2.pcap any LINUX_SLL2
	drive_ssh $S4 22
	drive_http $S4 80
	drive_redis $S4 443
	drive_dns $S4 53
	truth_ssh $S4 22 no
	truth_http $S4 80 no
	truth_redis $S4 443 yes
	truth_dns $S4 53 no udp
	capture_stop
	stop_daemons
	check_capture
	cp "$CAP" "$OUT/cooked.pcap"
	CAPTURE=cooked-sll2.pcap CAP=$W/cap/cooked-sll2.pcap
	copy_truth_now cooked.pcap cooked-sll2.pcap
	check_capture
	cp "$CAP" "$OUT/cooked-sll2.pcap"
}

group_fragbase() { # small base for fragments.pcap (kept in $W only)
	begin_group fragbase
	start_sshd $S4 22
	start_nginx frag "$S4:80"
	wait_listen tcp $S4 80 nginx-frag
	start_dnsmasq $S4 53
	start_snmpd $S4 161
	capture_start
	drive_ssh $S4 22
	drive_http $S4 80
	drive_dns $S4 53 big
	drive_snmp $S4 161
	truth_ssh $S4 22 no
	truth_http $S4 80 no
	truth_dns $S4 53 no udp
	truth_snmp $S4 161 no
	capture_stop
	stop_daemons
	check_capture
}

# ---- zabbix group: a protocol no signature of ours covers, so only nDPI can name it
start_zabbix_agent() { # the agent answers the "ZBXD\1"-framed requests of zabbix_get
	local a=$1 p=$2 d=$W/zabbix-$2
	mkdir -p "$d"
	cat >"$d/zabbix_agentd.conf" <<EOF
LogType=console
PidFile=$d/zabbix_agentd.pid
ListenIP=$a
ListenPort=$p
Server=$C4
ServerActive=
Hostname=corpus-agent
StartAgents=2
AllowRoot=1
EOF
	srv_bg zabbix-$p zabbix_agentd -f -c "$d/zabbix_agentd.conf"
	wait_listen tcp "$a" "$p" zabbix-$p
}
drive_zabbix() {
	local k
	for k in agent.ping agent.version agent.hostname; do
		run "$ZBXGET" -s "$1" -p "$2" -k "$k"
	done
}
truth_zabbix() { truth "$1" "$2" tcp zabbix "Zabbix agent" "$(upstream zabbix-agent)" "$3"; }

group_zabbix() { # Zabbix agent on its own port and on MySQL's (it binds no port below 1024)
	begin_group zabbix
	start_zabbix_agent $S4 10050
	start_zabbix_agent $S4 3306
	capture_start
	drive_zabbix $S4 10050
	drive_zabbix $S4 3306
	truth_zabbix $S4 10050 no
	truth_zabbix $S4 3306 yes
	end_group
}

# ---------------------------------------------------------------- variants
copy_truth_now() { # copy rows into the checked truth (the copy has its own check)
	awk -F, -v f="$1" -v t="$2" 'BEGIN{OFS=","} $1==f {$1=t; print}' "$TRUTH" >>"$TRUTH.tmp"
	cat "$TRUTH.tmp" >>"$TRUTH"
	rm -f "$TRUTH.tmp"
}
copy_truth() { # copy_truth FROM TO
	awk -F, -v f="$1" -v t="$2" 'BEGIN{OFS=","} $1==f {$1=t; print}' "$TRUTH" >>"$TRUTH.variants"
}

midstream() { # midstream IN OUT BASENAME: drop each TCP stream's first 3 frames
	local drop
	[ -f "$1" ] || return 0
	drop=$(tshark -r "$1" -Y tcp -T fields -e frame.number -e tcp.stream 2>/dev/null |
		awk '{ if (++seen[$2] <= 3) printf "%s ", $1 }')
	# shellcheck disable=SC2086
	editcap -F pcap "$1" "$2" $drop
	copy_truth "$3" "$(basename "$2")"
}

truncated() { # truncated IN OUT BASENAME: the file cut at 60% of its size, mid-record, as
	# a capture killed while writing leaves it. Truth keeps the endpoints still seen.
	local in=$1 out=$2 c host port tr svc rest filt
	[ -f "$in" ] || return 0
	head -c $(($(stat -c %s "$in") * 6 / 10)) "$in" >"$out"
	c=$(basename "$out")
	while IFS=, read -r cap host port tr svc rest; do
		[ "$cap" = "$3" ] || continue
		if [[ $host == *:* ]]; then filt="ipv6.src==$host"; else filt="ip.src==$host"; fi
		if [ "$tr" = tcp ]; then
			filt="$filt && tcp.srcport==$port && tcp.flags.syn==1 && tcp.flags.ack==1"
		else
			filt="$filt && udp.srcport==$port"
		fi
		[ "$(tshark -r "$out" -Y "$filt" 2>/dev/null | wc -l)" = 0 ] && continue
		echo "$c,$host,$port,$tr,$svc,$rest" >>"$TRUTH.variants"
	done <"$TRUTH"
}

ran() { [[ " $PCAP_GROUPS " == *" $1 "* ]]; } # was group $1 made in this run?

make_variants() { # only from captures made in this run: a subset run leaves the others alone
	local base=$OUT/standard.pcap drop
	if ran disguised; then
		midstream "$OUT/disguised.pcap" "$OUT/midstream-disguised.pcap" disguised.pcap
	fi
	if ran fragbase && [ -f "$W/cap/fragbase.pcap" ]; then
		log "=== fragments.pcap"
		# Every IPv4 packet cut into 128-byte fragments, plus the real fragments of
		# the big DNS answer already in the base capture.
		tcprewrite --fragroute="$CONF/fragroute.conf" \
			--infile="$W/cap/fragbase.pcap" --outfile="$OUT/fragments.pcap"
		copy_truth fragbase.pcap fragments.pcap
	fi
	if ! ran standard || [ ! -f "$base" ]; then return 0; fi
	log "=== variants of standard.pcap"
	# Mid-stream: the capture starts after every TCP connection opened. Drop each TCP
	# stream's first 3 frames (SYN, SYN-ACK, ACK) so no handshake is left.
	midstream "$base" "$OUT/midstream.pcap" standard.pcap
	editcap -F pcap -s 96 "$base" "$OUT/snaplen96.pcap"
	copy_truth standard.pcap snaplen96.pcap
	editcap -F pcapng "$base" "$OUT/standard.pcapng"
	copy_truth standard.pcap standard.pcapng
	editcap -F nsecpcap "$base" "$OUT/standard-nsec.pcap"
	copy_truth standard.pcap standard-nsec.pcap
	tcprewrite --enet-vlan=add --enet-vlan-tag=100 --enet-vlan-pri=0 --enet-vlan-cfi=0 \
		--infile="$base" --outfile="$OUT/vlan.pcap"
	copy_truth standard.pcap vlan.pcap
	truncated "$OUT/standard.pcap" "$OUT/truncated.pcap" standard.pcap
	log "=== split-banners.pcap, slow-banners.pcap"
	# Banners no quiet veth delivers: cut into 1- to 7-byte segments, or sent 90 s after
	# the handshake (past the UDP timeout, within the TCP one). See derive.py.
	python3 "$ROOT/tests/corpus/derive.py" split "$base" "$OUT/split-banners.pcap" \
		22:1,25:1,21:3,80:7,3306:2
	copy_truth standard.pcap split-banners.pcap
	python3 "$ROOT/tests/corpus/derive.py" pause "$base" "$OUT/slow-banners.pcap" \
		22:90,25:90,21:90,3306:90
	copy_truth standard.pcap slow-banners.pcap
}

# ---------------------------------------------------------------- main
main() {
	local t0 g
	t0=$(date +%s)
	# One run at a time: the namespaces and the work directory have fixed names.
	exec 9>/run/portsleuth-corpus.lock
	flock -n 9 || die "another make-pcaps.sh is running"
	install_missing
	prepare_private
	# A fixed work path: daemons show their config paths to clients (redis INFO), so a
	# fixed path keeps reruns byte-comparable.
	W=/tmp/portsleuth-corpus
	rm -rf "$W"
	mkdir -m 755 "$W"
	cd "$W"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$OUT"
	TRUTH=$W/truth.csv
	: >"$TRUTH"
	: >"$TRUTH.variants"
	setup_netns
	make_material
	for g in $PCAP_GROUPS; do
		case $g in
		demo) group_demo ;; standard) group_standard ;; disguised) group_disguised ;;
		ftp-passive) group_ftp_passive ;; tls) group_tls ;; udp) group_udp ;;
		ipv6) group_ipv6 ;; products) group_products ;; cooked) group_cooked ;; fragbase) group_fragbase ;;
		zabbix) group_zabbix ;;
		*) die "unknown group $g" ;;
		esac
	done
	make_variants
	write_truth
	rm -f "$OUT/VERSIONS"
	if [ "$PCAP_GROUPS" = "$ALL_GROUPS" ]; then write_readme $(($(date +%s) - t0)); fi
	log "done in $(($(date +%s) - t0)) s; outputs in $OUT"
	du -ch "$OUT"/*.pcap* | tail -1 >&2
}

write_truth() { # pcaps/truth.csv: this run's rows; a subset run keeps every other capture's
	local made=$W/truth.made
	{
		grep -v '^fragbase.pcap,' "$TRUTH" || true
		cat "$TRUTH.variants"
	} >"$made"
	{
		echo "capture,host,port,transport,service,product,version,disguise"
		if [ "$PCAP_GROUPS" != "$ALL_GROUPS" ] && [ -f "$OUT/truth.csv" ]; then
			awk -F, 'NR == FNR { made[$1] = 1; next } FNR > 1 && !($1 in made)' "$made" "$OUT/truth.csv"
		fi
		cat "$made"
	} >"$OUT/truth.csv.new"
	mv "$OUT/truth.csv.new" "$OUT/truth.csv"
}

write_readme() { # pcaps/README.md from conf/README.md.in, with this run's facts
	local secs=$1 sizes versions f
	sizes=$(
		echo "| file | bytes | packets | truth rows |"
		echo "|---|---|---|---|"
		for f in "$OUT"/*.pcap "$OUT"/*.pcapng; do
			[ -f "$f" ] || continue
			printf '| `%s` | %s | %s | %s |\n' "$(basename "$f")" "$(stat -c %s "$f")" \
				"$(capinfos -M -c "$f" 2>/dev/null | awk -F': *' '/Number of packets/{print $2}')" \
				"$(grep -c "^$(basename "$f")," "$OUT/truth.csv" || true)"
		done
	)
	versions=$(write_versions)
	awk -v rt="$((secs / 60)) min $((secs % 60)) s for all groups" -v sz="$sizes" -v ve="$versions" '
		{ gsub(/@RUNTIME@/, rt); if ($0 == "@SIZES@") { print sz; next }
		  if ($0 == "@VERSIONS@") { print ve; next } print }' "$CONF/README.md.in" >"$OUT/README.md"
}

write_versions() { # the exact Debian packages the corpus was made with
	local p
	for p in openssh-server nginx-common redis-server mariadb-server postgresql-15 \
		dovecot-core mosquitto memcached dnsmasq-base snmpd slapd rsync git \
		apache2 lighttpd bind9 unbound squid ngircd zabbix-agent \
		curl openssh-client redis-tools mariadb-client postgresql-client swaks \
		mosquitto-clients bind9-dnsutils snmp ntpsec-ntpdig ldap-utils tcpdump tshark tcpreplay; do
		pkg_ok "$p" && printf '%-20s %s\n' "$p" "$(debver "$p")"
	done
	for p in $PRIVATE_PKGS; do
		printf '%-20s %s%s\n' "$p" "${PKG_VER[$p]}" "${PKG_ROOT[$p]:+ (unpacked, not installed)}"
	done
	printf '%-20s %s\n' kernel "$(uname -r)"
}

main "$@"
