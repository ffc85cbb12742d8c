#!/usr/bin/env python3
"""make_examples.py - writes the examples built from protocol specifications and
tests/signatures/examples.csv, the list of every example (real and built).

Real examples are raw bytes captured from Debian 12 daemons started on loopback
inside a private network namespace (see REAL below); they are committed as they
are and this script only lists them. Built examples are made here from the
protocol documents, with the product strings real servers of that kind send,
for products that could not be run on the build machine. Run from the
repository root: python3 tests/signatures/make_examples.py
"""
import os
import struct

EX = 'tests/signatures/examples'
rows_real, rows_spec = [], []

# file, transport, port, probe_context, service, product, version
REAL = [
    ('ssh--openssh-debian12.server', 'tcp', 22, 'NULL', 'ssh', 'OpenSSH', '9.2p1'),
    ('ssh--dropbear-2022.server', 'tcp', 22, 'NULL', 'ssh', 'Dropbear sshd', '2022.83'),
    ('ssh--openssh-client.client', 'tcp', 22, 'NULL', 'ssh', '', ''),
    ('http--curl.client', 'tcp', 80, 'NULL', 'http', '', ''),
    ('http--nginx-debian.server', 'tcp', 80, 'http--curl.client', 'http', 'nginx', '1.22.1'),
    ('http--apache-debian.server', 'tcp', 80, 'http--curl.client', 'http', 'Apache httpd', '2.4.71'),
    ('http--lighttpd-debian.server', 'tcp', 80, 'http--curl.client', 'http', 'lighttpd', '1.4.69'),
    ('http--python-simplehttp.server', 'tcp', 8000, 'http--curl.client', 'http', 'SimpleHTTPServer', '0.6'),
    ('http--caddy.server', 'tcp', 2015, 'http--curl.client', 'http', 'Caddy httpd', ''),
    ('http--gunicorn.server', 'tcp', 8000, 'http--curl.client', 'http', 'Gunicorn', ''),
    ('http--node-bare.server', 'tcp', 3000, 'http--curl.client', 'http', '', ''),
    ('http--jetty9.server', 'tcp', 8080, 'http--curl.client', 'http', 'Jetty', '9.4.57.v20241219'),
    ('http--tomcat10-404.server', 'tcp', 8080, 'http--curl-missing-page.client', 'http', 'Apache Tomcat', '10.1.60'),
    ('http--etcd-version.server', 'tcp', 2379, 'http--etcd-version.client', 'http', 'etcd', '3.4.23'),
    ('http--prometheus-buildinfo.server', 'tcp', 9090, 'http--prometheus-buildinfo.client', 'http', 'Prometheus', '2.42.0+ds'),
    ('http--influxdb-ping.server', 'tcp', 8086, 'http--influxdb-ping.client', 'http', 'InfluxDB http admin', '1.6.7~rc0'),
    ('ipp--cups-web.server', 'tcp', 631, 'http--curl.client', 'ipp', 'CUPS', '2.4'),
    ('http-proxy--curl-absolute-uri.client', 'tcp', 3128, 'NULL', 'http-proxy', '', ''),
    ('http-proxy--curl-connect.client', 'tcp', 3128, 'NULL', 'http-proxy', '', ''),
    ('http-proxy--squid-407.server', 'tcp', 3128, 'http-proxy--curl-absolute-uri.client', 'http-proxy', 'Squid http proxy', '5.7'),
    ('ftp--vsftpd.server', 'tcp', 21, 'NULL', 'ftp', 'vsftpd', '3.0.3'),
    ('ftp--proftpd-debian.server', 'tcp', 21, 'NULL', 'ftp', 'ProFTPD', ''),
    ('ftp--pureftpd.server', 'tcp', 21, 'NULL', 'ftp', 'Pure-FTPd', ''),
    ('smtp--postfix-debian.server', 'tcp', 25, 'NULL', 'smtp', 'Postfix smtpd', ''),
    ('smtp--exim-debian.server', 'tcp', 25, 'NULL', 'smtp', 'Exim smtpd', '4.96'),
    ('smtp--opensmtpd.server', 'tcp', 25, 'NULL', 'smtp', 'OpenSMTPD', ''),
    ('imap--dovecot-debian.server', 'tcp', 143, 'NULL', 'imap', 'Dovecot imapd', ''),
    ('pop3--dovecot-debian.server', 'tcp', 110, 'NULL', 'pop3', 'Dovecot pop3d', ''),
    ('mysql--mariadb-debian.server', 'tcp', 3306, 'NULL', 'mysql', 'MariaDB', '10.11.19'),
    ('mysql--mariadb-client-login.client', 'tcp', 3306, 'NULL', 'mysql', '', ''),
    ('postgresql--psql-startup.client', 'tcp', 5432, 'NULL', 'postgresql', '', ''),
    ('postgresql--psql-sslrequest.client', 'tcp', 5432, 'NULL', 'postgresql', '', ''),
    ('postgresql--scram.server', 'tcp', 5432, 'postgresql--psql-startup.client', 'postgresql', 'PostgreSQL DB', ''),
    ('postgresql--error-protocol4.server', 'tcp', 5432, 'postgresql--protocol4-startup.client', 'postgresql', 'PostgreSQL DB', ''),
    ('postgresql--ssl-refused.server', 'tcp', 5432, 'postgresql--psql-sslrequest.client', 'postgresql', 'PostgreSQL DB', ''),
    ('redis--cli-ping.client', 'tcp', 6379, 'NULL', 'redis', '', ''),
    ('redis--pong.server', 'tcp', 6379, 'redis--cli-ping.client', 'redis', 'Redis key-value store', ''),
    ('redis--info-server.server', 'tcp', 6379, 'redis--cli-info.client', 'redis', 'Redis key-value store', '7.0.15'),
    ('redis--noauth.server', 'tcp', 6379, 'redis--cli-ping.client', 'redis', 'Redis key-value store', ''),
    ('redis--hello3.server', 'tcp', 6379, 'redis--hello3.client', 'redis', 'Redis key-value store', '7.0.15'),
    ('memcached--version.server', 'tcp', 11211, 'memcached--version.client', 'memcached', 'Memcached', '1.6.18'),
    ('memcached--stats.server', 'tcp', 11211, 'memcached--stats.client', 'memcached', 'Memcached', '1.6.18'),
    ('mqtt--mosquitto-pub-311.client', 'tcp', 1883, 'NULL', 'mqtt', '', ''),
    ('mqtt--mosquitto-pub-31.client', 'tcp', 1883, 'NULL', 'mqtt', '', ''),
    ('mqtt--mosquitto-pub-5.client', 'tcp', 1883, 'NULL', 'mqtt', '', ''),
    ('mqtt--mosquitto-connack-311.server', 'tcp', 1883, 'mqtt--mosquitto-pub-311.client', 'mqtt', '', ''),
    ('mqtt--mosquitto-connack-5.server', 'tcp', 1883, 'mqtt--mosquitto-pub-5.client', 'mqtt', '', ''),
    ('ldap--ldapwhoami-bind.client', 'tcp', 389, 'NULL', 'ldap', '', ''),
    ('ldap--ldapsearch-rootdse.client', 'tcp', 389, 'NULL', 'ldap', '', ''),
    ('ldap--slapd-bind-ok.server', 'tcp', 389, 'ldap--ldapwhoami-bind.client', 'ldap', '', ''),
    ('rsync--daemon-32.server', 'tcp', 873, 'NULL', 'rsync', 'rsync', ''),
    ('rsync--client-32.client', 'tcp', 873, 'NULL', 'rsync', '', ''),
    ('git--clone-v2.client', 'tcp', 9418, 'NULL', 'git', '', ''),
    ('git--daemon-v2.server', 'tcp', 9418, 'git--clone-v2.client', 'git', 'git-daemon', '2.39.5'),
    ('git--daemon-v0.server', 'tcp', 9418, 'git--upload-pack-v0.client', 'git', 'git-daemon', '2.39.5'),
    ('telnet--inetutils.server', 'tcp', 23, 'NULL', 'telnet', 'GNU inetutils telnetd', ''),
    ('vnc--tigervnc.server', 'tcp', 5900, 'NULL', 'vnc', 'VNC', ''),
    ('microsoft-ds--smbclient-smb2-negotiate.client', 'tcp', 445, 'NULL', 'microsoft-ds', '', ''),
    ('microsoft-ds--samba-smb311.server', 'tcp', 445, 'microsoft-ds--smbclient-smb2-negotiate.client', 'microsoft-ds', '', ''),
    ('microsoft-ds--samba-smb1.server', 'tcp', 445, 'microsoft-ds--smb1-negotiate.client', 'microsoft-ds', '', ''),
    ('domain--dnsmasq-versionbind.server', 'udp', 53, 'domain--versionbind.client', 'domain', 'dnsmasq', '2.90'),
    ('domain--bind-debian-versionbind.server', 'udp', 53, 'domain--versionbind.client', 'domain', 'ISC BIND', '9.18.49'),
    ('domain--unbound-versionbind.server', 'udp', 53, 'domain--versionbind.client', 'domain', 'Unbound', '1.17.1'),
    ('domain--a-example.client', 'udp', 53, 'NULL', 'domain', '', ''),
    ('domain--dnsmasq-refused.server', 'udp', 53, 'domain--a-example.client', 'domain', '', ''),
    ('domain--tcp-dnsmasq-versionbind.server', 'tcp', 53, 'domain--tcp-versionbind.client', 'domain', 'dnsmasq', '2.90'),
    ('domain--tcp-bind-debian-versionbind.server', 'tcp', 53, 'domain--tcp-versionbind.client', 'domain', 'ISC BIND', '9.18.49'),
    ('ntp--ntpsec-init.server', 'udp', 123, 'ntp--client-v4.client', 'ntp', '', ''),
    ('snmp--netsnmp-get-v2c.client', 'udp', 161, 'NULL', 'snmp', '', ''),
    ('snmp--netsnmp-linux-v2c.server', 'udp', 161, 'snmp--netsnmp-get-v2c.client', 'snmp', 'net-snmp', ''),
    ('snmp--netsnmp-linux-v1.server', 'udp', 161, 'snmp--netsnmp-get-v1.client', 'snmp', 'net-snmp', ''),
    ('snmp--netsnmp-v3-discovery.client', 'udp', 161, 'NULL', 'snmp', '', ''),
    ('snmp--netsnmp-v3-report.server', 'udp', 161, 'snmp--netsnmp-v3-discovery.client', 'snmp', 'net-snmp', ''),
    ('irc--ngircd.server', 'tcp', 6667, 'irc--nick-user.client', 'irc', 'ngircd', '26.1'),
    ('socks5--curl.client', 'tcp', 1080, 'NULL', 'socks5', '', ''),
    ('socks5--dante.server', 'tcp', 1080, 'socks5--curl.client', 'socks5', '', ''),
    ('socks4--curl.client', 'tcp', 1080, 'NULL', 'socks4', '', ''),
    ('socks4--dante-rejected.server', 'tcp', 1080, 'socks4--curl.client', 'socks4', '', ''),
    ('openvpn--tcp-reset.client', 'tcp', 1194, 'NULL', 'openvpn', '', ''),
    ('openvpn--tcp-reset.server', 'tcp', 1194, 'openvpn--tcp-reset.client', 'openvpn', '', ''),
    ('openvpn--udp-reset.client', 'udp', 1194, 'NULL', 'openvpn', '', ''),
    ('openvpn--udp-reset.server', 'udp', 1194, 'openvpn--udp-reset.client', 'openvpn', '', ''),
    ('nats--server-2.9.server', 'tcp', 4222, 'NULL', 'nats', 'NATS server', '2.9.10'),
    ('beanstalkd--stats.server', 'tcp', 11300, 'beanstalkd--stats.client', 'beanstalkd', 'beanstalkd', '1.12'),
    ('zookeeper--srvr.server', 'tcp', 2181, 'zookeeper--srvr.client', 'zookeeper', 'Apache ZooKeeper', '3.8.0'),
    ('zookeeper--ruok.server', 'tcp', 2181, 'zookeeper--ruok.client', 'zookeeper', 'Apache ZooKeeper', ''),
    ('amqp--header-091.client', 'tcp', 5672, 'NULL', 'amqp', '', ''),
    ('amqp--rabbitmq.server', 'tcp', 5672, 'amqp--header-091.client', 'amqp', 'RabbitMQ', '3.10.8'),
    ('xmpp-client--stream.client', 'tcp', 5222, 'NULL', 'xmpp-client', '', ''),
    ('xmpp-client--prosody.server', 'tcp', 5222, 'xmpp-client--stream.client', 'xmpp-client', '', ''),
    ('daytime--inetd.server', 'tcp', 13, 'NULL', 'daytime', '', ''),
    ('ident--oidentd-error.server', 'tcp', 113, 'ident--query.client', 'ident', '', ''),
    ('rpcbind--dump-tcp.client', 'tcp', 111, 'NULL', 'rpcbind', '', ''),
    ('rpcbind--dump-tcp.server', 'tcp', 111, 'rpcbind--dump-tcp.client', 'rpcbind', '', ''),
    ('rpcbind--dump-udp.server', 'udp', 111, 'rpcbind--dump-udp.client', 'rpcbind', '', ''),
    ('stun--binding.client', 'udp', 3478, 'NULL', 'stun', '', ''),
    ('stun--coturn.server', 'udp', 3478, 'stun--binding.client', 'stun', 'coturn', '4.6.1'),
    ('ssl--openssl-hello-tls13.client', 'tcp', 443, 'NULL', 'ssl', '', ''),
    ('ssl--openssl-tls13.server', 'tcp', 443, 'ssl--openssl-hello-tls13.client', 'ssl', '', ''),
    ('ssl--openssl-tls12.server', 'tcp', 443, 'ssl--openssl-hello-tls12.client', 'ssl', '', ''),
    ('l2tp--xl2tpd-sccrp.server', 'udp', 1701, 'l2tp--sccrq.client', 'l2tp', '', ''),
    ('pptp--pptpd-sccrp.server', 'tcp', 1723, 'pptp--sccrq.client', 'pptp', '', ''),
    ('netbios-ns--nmbd-nbstat.server', 'udp', 137, 'netbios-ns--nbstat.client', 'netbios-ns', '', ''),
    ('mdns--avahi-host-a.server', 'udp', 5353, 'mdns--host-a.client', 'mdns', '', ''),
    ('upnp--minidlna.server', 'udp', 1900, 'upnp--msearch.client', 'upnp', 'MiniDLNA', '1.3.0'),
    ('tftp--hpa-file-not-found.server', 'udp', 69, 'tftp--rrq.client', 'tftp', '', ''),
    ('tftp--hpa-data-block1.server', 'udp', 69, 'tftp--rrq-boot.client', 'tftp', '', ''),
    ('radius--radclient.client', 'udp', 1812, 'NULL', 'radius', '', ''),
    ('radius--freeradius-reject.server', 'udp', 1812, 'radius--radclient.client', 'radius', '', ''),
    ('http-proxy--tinyproxy-403.server', 'tcp', 8888, 'http-proxy--curl-absolute-uri.client', 'http-proxy', 'tinyproxy', '1.11.1'),
    ('domain--pdns-recursor-versionbind.server', 'udp', 53, 'domain--versionbind.client', 'domain', 'PowerDNS Recursor', '4.8.8'),
    ('domain--knot-versionbind.server', 'udp', 53, 'domain--versionbind.client', 'domain', 'Knot DNS', '3.2.6'),
    ('sip--kamailio-403.server', 'udp', 5060, 'sip--options-udp.client', 'sip', 'Kamailio SIP proxy', '5.6.3'),
    ('http--werkzeug-flask.server', 'tcp', 5000, 'http--curl.client', 'http', 'Werkzeug httpd', '2.2.2'),
    ('http--uvicorn.server', 'tcp', 8000, 'http--curl.client', 'http', 'Uvicorn', ''),
    ('redis--protected-mode.server', 'tcp', 6379, 'redis--cli-ping.client', 'redis', 'Redis key-value store', ''),
    ('redis--wrongpass.server', 'tcp', 6379, 'redis--auth.client', 'redis', 'Redis key-value store', ''),
    ('mysql--mariadb-host-not-allowed.server', 'tcp', 3306, 'NULL', 'mysql', 'MariaDB', ''),
    ('postgresql--trust-debian.server', 'tcp', 5432, 'postgresql--psql-startup.client', 'postgresql', 'PostgreSQL DB', '15.18'),
    ('postgresql--md5.server', 'tcp', 5432, 'postgresql--psql-startup.client', 'postgresql', 'PostgreSQL DB', ''),
    ('mqtt--connack-refused.server', 'tcp', 1883, 'mqtt--mosquitto-pub-311.client', 'mqtt', '', ''),
    ('smtp--sendmail-debian.server', 'tcp', 25, 'NULL', 'smtp', 'Sendmail', '8.17.1.9'),
    ('ssh--paramiko.server', 'tcp', 22, 'NULL', 'ssh', 'Paramiko Python sshd', '2.12.0'),
    ('ssl--openssl-alert-protocol-version.server', 'tcp', 443, 'ssl--openssl-hello-tls12.client', 'ssl', '', ''),
    ('ssl--openssl-tls10.server', 'tcp', 443, 'ssl--openssl-hello-tls10.client', 'ssl', '', ''),
    ('ssl--openssl-tls11.server', 'tcp', 443, 'ssl--openssl-hello-tls11.client', 'ssl', '', ''),
    ('ssl--openssl-hello-tls10.client', 'tcp', 443, 'NULL', 'ssl', '', ''),
    ('ssl--openssl-hello-tls11.client', 'tcp', 443, 'NULL', 'ssl', '', ''),
    ('ldap--ldapwhoami-simple-bind.client', 'tcp', 389, 'NULL', 'ldap', '', ''),
    ('ldap--slapd-invalid-credentials.server', 'tcp', 389, 'ldap--ldapwhoami-simple-bind.client', 'ldap', '', ''),
    ('nntp--inn-innd.server', 'tcp', 119, 'NULL', 'nntp', 'INN innd', '2.7.1'),
    ('nntp--inn-nnrpd.server', 'tcp', 119, 'NULL', 'nntp', 'INN nnrpd', '2.7.1'),
    ('http--rabbitmq-management.server', 'tcp', 15672, 'http--curl.client', 'http', 'RabbitMQ management', ''),
    ('http-proxy--squid-forwarded-nginx.server', 'tcp', 3128, 'http-proxy--curl-get-local.client', 'http-proxy', 'Squid http proxy', '5.7'),
    ('http-proxy--curl-get-local.client', 'tcp', 3128, 'NULL', 'http-proxy', '', ''),
    ('irc--inspircd.server', 'tcp', 6667, 'irc--nick-user.client', 'irc', 'InspIRCd', '3'),
    ('irc--notice-auth.server', 'tcp', 6667, 'NULL', 'irc', '', ''),
    ('imap--courier.server', 'tcp', 143, 'NULL', 'imap', 'Courier Imapd', ''),
    ('pop3--courier.server', 'tcp', 110, 'NULL', 'pop3', 'Courier pop3d', ''),
    ('kerberos-sec--as-req-tcp.client', 'tcp', 88, 'NULL', 'kerberos-sec', '', ''),
    ('kerberos-sec--as-req-udp.client', 'udp', 88, 'NULL', 'kerberos-sec', '', ''),
    ('kerberos-sec--krb-error-tcp.server', 'tcp', 88, 'kerberos-sec--as-req-tcp.client', 'kerberos-sec', '', ''),
    ('kerberos-sec--krb-error-udp.server', 'udp', 88, 'kerberos-sec--as-req-udp.client', 'kerberos-sec', '', ''),
    ('postgresql--cleartext.server', 'tcp', 5432, 'postgresql--psql-startup.client', 'postgresql', 'PostgreSQL DB', ''),
    ('ldap--slapd-rootdse.server', 'tcp', 389, 'ldap--ldapsearch-rootdse.client', 'ldap', '', ''),
    ('http--nginx-server-tokens-off.server', 'tcp', 80, 'http--curl.client', 'http', 'nginx', ''),
    ('http--apache-servertokens-prod.server', 'tcp', 80, 'http--curl.client', 'http', 'Apache httpd', ''),
    ('snmp--netsnmp-get-sysname-v1.client', 'udp', 161, 'NULL', 'snmp', '', ''),
    ('snmp--netsnmp-get-sysname-v2c.client', 'udp', 161, 'NULL', 'snmp', '', ''),
    ('snmp--netsnmp-sysname-v1.server', 'udp', 161, 'snmp--netsnmp-get-sysname-v1.client', 'snmp', '', ''),
    ('snmp--netsnmp-sysname-v2c.server', 'udp', 161, 'snmp--netsnmp-get-sysname-v2c.client', 'snmp', '', ''),
    ('domain--tcp-unbound-versionbind.server', 'tcp', 53, 'domain--tcp-versionbind.client', 'domain', 'Unbound', '1.17.1'),
]

def put(name, data, transport, port, ctx, svc, prod='', ver=''):
    """Write one built example and list it."""
    if isinstance(data, str):
        data = data.encode('latin-1')
    with open(os.path.join(EX, name), 'wb') as f:
        f.write(data)
    rows_spec.append((name, transport, port, ctx, svc, prod, ver))

def tcp_banner(name, text, port, svc, prod='', ver=''):
    put(name, text, 'tcp', port, 'NULL', svc, prod, ver)

def http_resp(headers, body='', status='200 OK', proto='HTTP/1.1'):
    h = ''.join(f'{k}: {v}\r\n' for k, v in headers)
    return f'{proto} {status}\r\n{h}\r\n{body}'

DATE = ('Date', 'Sat, 21 Nov 2026 14:09:38 GMT')


def spec_remote_access():
    for slug, text, prod, ver in [
        ('openssh-ubuntu', 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n', 'OpenSSH', '8.9p1'),
        ('openssh-raspbian', 'SSH-2.0-OpenSSH_7.9p1 Raspbian-10+deb10u2\r\n', 'OpenSSH', '7.9p1'),
        ('openssh-freebsd', 'SSH-2.0-OpenSSH_9.3 FreeBSD-20230719\r\n', 'OpenSSH', '9.3'),
        ('openssh-windows', 'SSH-2.0-OpenSSH_for_Windows_8.1\r\n', 'OpenSSH for Windows', '8.1'),
        ('openssh-openbsd', 'SSH-2.0-OpenSSH_9.6\r\n', 'OpenSSH', '9.6'),
        ('dropbear-noversion', 'SSH-2.0-dropbear\r\n', 'Dropbear sshd', ''),
        ('libssh', 'SSH-2.0-libssh_0.10.4\r\n', 'libssh', '0.10.4'),
        ('cisco-ios', 'SSH-1.99-Cisco-1.25\r\n', 'Cisco SSH', '1.25'),
        ('mikrotik', 'SSH-2.0-ROSSSH\r\n', 'MikroTik RouterOS sshd', ''),
        ('asyncssh', 'SSH-2.0-AsyncSSH_2.14.2\r\n', 'AsyncSSH sshd', '2.14.2'),
        ('golang', 'SSH-2.0-Go\r\n', 'Golang x/crypto/ssh server', ''),
        ('erlang', 'SSH-2.0-Erlang/5.1.1\r\n', 'Erlang sshd', '5.1.1'),
        ('apache-mina', 'SSH-2.0-APACHE-SSHD-2.12.0\r\n', 'Apache MINA sshd', '2.12.0'),
        ('bitvise', 'SSH-2.0-9.33 FlowSsh: Bitvise SSH Server (WinSSHD) 9.33\r\n', 'Bitvise WinSSHD', '9.33'),
        ('unknown-product', 'SSH-2.0-WeirdSSH_0.1\r\n', '', ''),
    ]:
        tcp_banner(f'ssh--{slug}.server', text, 22, 'ssh', prod, ver)
    tcp_banner('telnet--busybox.server', '\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03', 23, 'telnet', 'BusyBox telnetd')
    tcp_banner('telnet--other-options.server', '\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27', 23, 'telnet')
    tcp_banner('vnc--apple-remote-desktop.server', 'RFB 003.889\n', 5900, 'vnc', 'Apple remote desktop vnc')
    put('vnc--client-3.8.client', 'RFB 003.008\n', 'tcp', 5900, 'NULL', 'vnc')
    # X.224 Connection Request with a routing cookie and RDP_NEG_REQ (TLS | CredSSP)
    body = b'\xe0\x00\x00\x00\x00\x00' + b'Cookie: mstshash=alice\r\n' + b'\x01\x00\x08\x00\x03\x00\x00\x00'
    cr = b'\x03\x00' + struct.pack('>H', 4 + 1 + len(body)) + bytes([len(body)]) + body
    put('ms-wbt-server--mstsc-cookie.client', cr, 'tcp', 3389, 'NULL', 'ms-wbt-server')
    body = b'\xe0\x00\x00\x00\x00\x00' + b'\x01\x00\x08\x00\x0b\x00\x00\x00'
    cr2 = b'\x03\x00' + struct.pack('>H', 4 + 1 + len(body)) + bytes([len(body)]) + body
    put('ms-wbt-server--negotiation-request.client', cr2, 'tcp', 3389, 'NULL', 'ms-wbt-server')
    ctx = 'ms-wbt-server--mstsc-cookie.client'
    cc = b'\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00'
    put('ms-wbt-server--credssp.server', cc + b'\x02\x1f\x08\x00\x02\x00\x00\x00', 'tcp', 3389, ctx, 'ms-wbt-server', 'Microsoft Terminal Services')
    put('ms-wbt-server--tls.server', cc + b'\x02\x00\x08\x00\x01\x00\x00\x00', 'tcp', 3389, ctx, 'ms-wbt-server')
    put('ms-wbt-server--standard-security.server', cc + b'\x02\x00\x08\x00\x00\x00\x00\x00', 'tcp', 3389, ctx, 'ms-wbt-server')
    put('ms-wbt-server--negotiation-failure.server', cc + b'\x03\x00\x08\x00\x05\x00\x00\x00', 'tcp', 3389, ctx, 'ms-wbt-server')
    put('ms-wbt-server--no-negotiation.server', b'\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00', 'tcp', 3389, ctx, 'ms-wbt-server')


def spec_web():
    get = 'http--curl.client'
    proxy = 'http-proxy--curl-absolute-uri.client'
    put('http-proxy--generic-407.server', http_resp([DATE, ('Proxy-Authenticate', 'Basic realm="proxy"'), ('Content-Length', '0')], '', '407 Proxy Authentication Required'), 'tcp', 8080, proxy, 'http-proxy')
    put('http--docker-version.client', 'GET /v1.41/version HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/20.10.24+dfsg1 (linux)\r\n\r\n', 'tcp', 2375, 'NULL', 'http')
    put('http--docker-version.server', http_resp([('Api-Version', '1.41'), ('Content-Type', 'application/json'), ('Docker-Experimental', 'false'), ('Ostype', 'linux'), ('Server', 'Docker/20.10.24+dfsg1 (linux)'), DATE, ('Content-Length', '40')], '{"Platform":{"Name":""},"Version":"20.10.24+dfsg1"}'), 'tcp', 2375, 'http--docker-version.client', 'http', 'Docker', '20.10.24+dfsg1')
    put('http--docker-ping.server', http_resp([('Api-Version', '1.43'), ('Cache-Control', 'no-cache, no-store, must-revalidate'), ('Docker-Experimental', 'false'), ('Ostype', 'linux'), ('Pragma', 'no-cache'), DATE, ('Content-Length', '2')], 'OK'), 'tcp', 2375, 'http--docker-version.client', 'http', 'Docker', '')
    es = ('{\n  "name" : "es01",\n  "cluster_name" : "docker-cluster",\n  "cluster_uuid" : "k6v2Wk3BRXm0s6Rvo1lQbw",\n'
          '  "version" : {\n    "number" : "8.11.1",\n    "build_flavor" : "default",\n    "build_type" : "docker",\n'
          '    "lucene_version" : "9.8.0"\n  },\n  "tagline" : "You Know, for Search"\n}\n')
    put('http--elasticsearch-8.server', http_resp([('X-elastic-product', 'Elasticsearch'), ('content-type', 'application/json'), ('content-length', str(len(es)))], es), 'tcp', 9200, get, 'http', 'Elasticsearch REST API', '8.11.1')
    os_ = ('{\n  "name" : "node-1",\n  "cluster_name" : "opensearch",\n  "version" : {\n    "distribution" : "opensearch",\n'
           '    "number" : "2.11.0",\n    "build_type" : "tar"\n  },\n  "tagline" : "The OpenSearch Project: https://opensearch.org/"\n}\n')
    os_ = os_.replace('"distribution" : "opensearch",\n    "number" : "2.11.0"', '"number" : "2.11.0",\n    "distribution" : "opensearch"')
    put('http--opensearch-2.server', http_resp([('content-type', 'application/json; charset=UTF-8'), ('content-length', str(len(os_)))], os_), 'tcp', 9200, get, 'http', 'OpenSearch REST API', '2.11.0')
    cb = '{"couchdb":"Welcome","version":"3.3.2","git_sha":"11a234070","vendor":{"name":"The Apache Software Foundation"}}\n'
    put('http--couchdb-3.server', http_resp([('Cache-Control', 'must-revalidate'), ('Content-Type', 'application/json'), DATE, ('Server', 'CouchDB/3.3.2 (Erlang OTP/24)')], cb), 'tcp', 5984, get, 'http', 'CouchDB httpd', '3.3.2')
    k8s = '{\n  "major": "1",\n  "minor": "28",\n  "gitVersion": "v1.28.2",\n  "gitCommit": "89a4ea3e1e4ddd7f7572286090359983e0387b2f"\n}'
    put('http--kubernetes-version.server', http_resp([('Audit-Id', '3e0d3bb6-5c2c-4b9e-9b4a-1c2d3e4f5a6b'), ('Content-Type', 'application/json'), DATE, ('Content-Length', str(len(k8s)))], k8s), 'tcp', 6443, get, 'http', 'Kubernetes API server', '1.28.2')
    k403 = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"system:anonymous\\" cannot get path \\"/\\"","reason":"Forbidden","details":{},"code":403}\n'
    put('http--kubernetes-forbidden.server', http_resp([('Content-Type', 'application/json'), ('X-Content-Type-Options', 'nosniff'), DATE], k403, '403 Forbidden'), 'tcp', 6443, get, 'http', 'Kubernetes API server', '')
    put('http--consul-agent.server', http_resp([('Content-Type', 'application/json'), ('Vary', 'Accept-Encoding'), ('X-Consul-Default-Acl-Policy', 'allow'), ('X-Consul-Effective-Consistency', 'leader'), ('X-Consul-Index', '14'), DATE], '["consul"]'), 'tcp', 8500, get, 'http', 'HashiCorp Consul agent', '')
    H = lambda server: http_resp([DATE, ('Server', server), ('Content-Type', 'text/html'), ('Content-Length', '0')])
    for slug, server, prod, ver in [
        ('openresty', 'openresty/1.21.4.1', 'OpenResty web app server', '1.21.4.1'),
        ('tomcat-coyote', 'Apache-Coyote/1.1', 'Apache Tomcat/Coyote JSP engine', '1.1'),
        ('apache-win64', 'Apache/2.4.58 (Win64) OpenSSL/3.1.3 PHP/8.2.12', 'Apache httpd', '2.4.58'),
        ('apache-unix', 'Apache/2.4.57 (Unix)', 'Apache httpd', '2.4.57'),
        ('iis-10', 'Microsoft-IIS/10.0', 'Microsoft IIS httpd', '10.0'),
        ('python-basehttp', 'BaseHTTP/0.6 Python/3.11.2', 'BaseHTTPServer', '0.6'),
        ('kestrel', 'Kestrel', 'Microsoft Kestrel httpd', ''),
    ]:
        put(f'http--{slug}.server', H(server), 'tcp', 80, get, 'http', prod, ver)
    put('http--httpapi-404.server', http_resp([('Content-Type', 'text/html; charset=us-ascii'), ('Server', 'Microsoft-HTTPAPI/2.0'), DATE, ('Connection', 'close'), ('Content-Length', '315')], '<!DOCTYPE HTML PUBLIC', '404 Not Found'), 'tcp', 5985, get, 'http', 'Microsoft HTTPAPI httpd', '2.0')
    put('http--express.server', http_resp([('X-Powered-By', 'Express'), ('Content-Type', 'text/html; charset=utf-8'), ('Content-Length', '12'), ('ETag', 'W/"c-Lve95gjOVATpfV8EL5X4nxwjKHE"'), DATE, ('Connection', 'keep-alive')], 'Hello World!'), 'tcp', 3000, get, 'http', 'Node.js Express framework', '')
    put('http--cowboy.server', http_resp([('content-length', '0'), ('date', 'Sat, 21 Nov 2026 14:09:38 GMT'), ('server', 'Cowboy')], '', '404 Not Found'), 'tcp', 8080, get, 'http', 'Cowboy httpd', '')
    ipp_body = b'\x02\x00\x00\x0b\x00\x00\x00\x01\x01\x47\x00\x12attributes-charset\x00\x05utf-8\x03'
    req = ('POST /printers/office HTTP/1.1\r\nContent-Length: %d\r\nContent-Type: application/ipp\r\nHost: localhost:631\r\nUser-Agent: CUPS/2.4.2 (Linux 6.1.0-13-amd64; x86_64) IPP/2.0\r\nExpect: 100-continue\r\n\r\n' % len(ipp_body)).encode() + ipp_body
    put('ipp--cups-client-request.client', req, 'tcp', 631, 'NULL', 'ipp')


def spec_media():
    rtsp_req = 'OPTIONS rtsp://192.0.2.20:554/stream1 RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: LibVLC/3.0.18 (LIVE555 Streaming Media v2021.08.24)\r\n\r\n'
    put('rtsp--vlc-options.client', rtsp_req, 'tcp', 554, 'NULL', 'rtsp')
    R = lambda server: f'RTSP/1.0 200 OK\r\nCSeq: 2\r\nPublic: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE\r\nServer: {server}\r\n\r\n'
    for slug, server, prod, ver in [
        ('gstreamer', 'GStreamer RTSP server', 'GStreamer rtspd', ''),
        ('live555', 'LIVE555 Streaming Media v2023.01.19', 'LIVE555 RTSP server', '2023.01.19'),
        ('vlc', 'VLC/3.0.18', 'VLC rtspd', '3.0.18'),
        ('wowza', 'Wowza Streaming Engine 4.8.22+2 build20230622192702', 'Wowza Streaming Engine', '4.8.22'),
    ]:
        put(f'rtsp--{slug}.server', R(server), 'tcp', 554, 'rtsp--vlc-options.client', 'rtsp', prod, ver)
    put('rtsp--camera-401.server', 'RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm="IP Camera", nonce="a1b2c3d4"\r\n\r\n', 'tcp', 554, 'rtsp--vlc-options.client', 'rtsp')
    sip_req = ('OPTIONS sip:100@192.0.2.30 SIP/2.0\r\nVia: SIP/2.0/%s 192.0.2.7:5060;branch=z9hG4bK776asdhds\r\nMax-Forwards: 70\r\n'
               'To: <sip:100@192.0.2.30>\r\nFrom: <sip:probe@192.0.2.7>;tag=1928301774\r\nCall-ID: a84b4c76e66710@192.0.2.7\r\nCSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n')
    put('sip--options-udp.client', sip_req % 'UDP', 'udp', 5060, 'NULL', 'sip')
    put('sip--options-tcp.client', sip_req % 'TCP', 'tcp', 5060, 'NULL', 'sip')
    S = lambda t, hdr: (f'SIP/2.0 200 OK\r\nVia: SIP/2.0/{t} 192.0.2.7:5060;branch=z9hG4bK776asdhds;received=192.0.2.7\r\n'
                        f'From: <sip:probe@192.0.2.7>;tag=1928301774\r\nTo: <sip:100@192.0.2.30>;tag=as6d8f2a1c\r\nCall-ID: a84b4c76e66710@192.0.2.7\r\n'
                        f'CSeq: 63104 OPTIONS\r\n{hdr}\r\nAllow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\nContent-Length: 0\r\n\r\n')
    put('sip--asterisk-tcp.server', S('TCP', 'Server: Asterisk PBX 20.6.0'), 'tcp', 5060, 'sip--options-tcp.client', 'sip', 'Asterisk', '20.6.0')
    put('sip--tcp-404.server', 'SIP/2.0 404 Not Found\r\nVia: SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bK776asdhds\r\nCSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n', 'tcp', 5060, 'sip--options-tcp.client', 'sip')
    put('sip--asterisk-udp.server', S('UDP', 'User-Agent: Asterisk PBX 18.10.0~dfsg+~cs6.10.40431411-1'), 'udp', 5060, 'sip--options-udp.client', 'sip', 'Asterisk', '18.10.0~dfsg+~cs6.10.40431411-1')
    put('sip--freeswitch.server', S('UDP', 'User-Agent: FreeSWITCH-mod_sofia/1.10.9-release~64bit'), 'udp', 5060, 'sip--options-udp.client', 'sip', 'FreeSWITCH', '1.10.9-release~64bit')
    put('sip--opensips.server', S('UDP', 'Server: OpenSIPS (3.4.2 (x86_64/linux))'), 'udp', 5060, 'sip--options-udp.client', 'sip', 'OpenSIPS', '3.4.2')
    put('sip--udp-403.server', 'SIP/2.0 403 Forbidden\r\nVia: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK776asdhds\r\nCSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n', 'udp', 5060, 'sip--options-udp.client', 'sip')


def spec_mail():
    for name, text, port, svc, prod, ver in [
        ('smtp--postfix-generic', '220 mx.example.org ESMTP Postfix\r\n', 25, 'smtp', 'Postfix smtpd', ''),
        ('smtp--sendmail', '220 mail.example.org ESMTP Sendmail 8.17.2/8.17.2; Sat, 21 Nov 2026 14:30:00 GMT\r\n', 25, 'smtp', 'Sendmail', '8.17.2'),
        ('smtp--microsoft-esmtp-version', '220 mail.contoso.com Microsoft ESMTP MAIL Service, Version: 10.0.17763.1 ready at  Sat, 21 Nov 2026 14:30:00 +0000 \r\n', 25, 'smtp', 'Microsoft ESMTP', '10.0.17763.1'),
        ('smtp--exchange', '220 EXCH01.contoso.local Microsoft ESMTP MAIL Service ready at Sat, 21 Nov 2026 14:30:00 +0000\r\n', 25, 'smtp', 'Microsoft Exchange smtpd', ''),
        ('smtp--haraka', '220 mx.example.org ESMTP Haraka/3.0.2 ready\r\n', 25, 'smtp', 'Haraka smtpd', '3.0.2'),
        ('smtp--unknown-esmtp', '220 smtp.example.net ESMTP\r\n', 25, 'smtp', '', ''),
        ('pop3--dovecot', '+OK Dovecot ready.\r\n', 110, 'pop3', 'Dovecot pop3d', ''),
        ('pop3--cyrus', '+OK mail.example.org Cyrus POP3 v3.6.1-Debian-3.6.1-4 server ready <1795271400.1@mail.example.org>\r\n', 110, 'pop3', 'Cyrus pop3d', '3.6.1'),
        ('pop3--exchange', '+OK The Microsoft Exchange POP3 service is ready.\r\n', 110, 'pop3', 'Microsoft Exchange pop3d', ''),
        ('pop3--rfc1939-greeting', '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n', 110, 'pop3', '', ''),
        ('imap--dovecot', '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n', 143, 'imap', 'Dovecot imapd', ''),
        ('imap--cyrus', '* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS AUTH=PLAIN SASL-IR] mail.example.org Cyrus IMAP 3.6.1-Debian-3.6.1-4 server ready\r\n', 143, 'imap', 'Cyrus imapd', '3.6.1'),
        ('imap--exchange', '* OK The Microsoft Exchange IMAP4 service is ready.\r\n', 143, 'imap', 'Microsoft Exchange imapd', ''),
        ('imap--rfc-greeting', '* OK IMAP4rev1 Service Ready\r\n', 143, 'imap', '', ''),
        ('nntp--leafnode', '200 Leafnode NNTP Daemon, version 1.12 running at news.example.org (my fqdn: news.example.org)\r\n', 119, 'nntp', 'Leafnode nntpd', '1.12'),
        ('nntp--generic', '200 news.example.net NNTP Service Ready, posting permitted\r\n', 119, 'nntp', '', ''),
    ]:
        tcp_banner(name + '.server', text, port, svc, prod, ver)


def pkt(s):
    """A git pkt-line."""
    return '%04x%s' % (len(s) + 4, s)


def spec_file_transfer():
    for name, text, prod, ver in [
        ('ftp--proftpd-version', '220 ProFTPD 1.3.5e Server (Debian) [::ffff:192.0.2.10]\r\n', 'ProFTPD', '1.3.5e'),
        ('ftp--proftpd-default', '220 ProFTPD Server (ProFTPD Default Installation) [192.0.2.10]\r\n', 'ProFTPD', ''),
        ('ftp--pureftpd-privsep', '220---------- Welcome to Pure-FTPd [privsep] ----------\r\n220-You are user number 1 of 50 allowed.\r\n220 You will be disconnected after 15 minutes of inactivity.\r\n', 'Pure-FTPd', ''),
        ('ftp--filezilla-server', '220-FileZilla Server 1.8.2\r\n220 Please visit https://filezilla-project.org/\r\n', 'FileZilla ftpd', '1.8.2'),
        ('ftp--microsoft', '220 Microsoft FTP Service\r\n', 'Microsoft ftpd', ''),
        ('ftp--serv-u', '220 Serv-U FTP Server v15.4 ready...\r\n', 'Serv-U ftpd', '15.4'),
        ('ftp--generic', '220 FTP server ready.\r\n', '', ''),
    ]:
        tcp_banner(name + '.server', text, 21, 'ftp', prod, ver)
    put('git--daemon-not-exported.server', pkt('ERR access denied or repository not exported: /secret.git'), 'tcp', 9418, 'git--clone-v2.client', 'git', 'git-daemon', '')
    # SMB2 NEGOTIATE responses for the other dialects: the real Samba answer with its
    # DialectRevision field (offset 4 + 64 + 4) set to each value.
    real = open(os.path.join(EX, 'microsoft-ds--samba-smb311.server'), 'rb').read()
    for slug, dialect in [('smb302', b'\x02\x03'), ('smb300', b'\x00\x03'), ('smb210', b'\x10\x02'), ('smb202', b'\x02\x02'), ('smb2-wildcard', b'\xff\x02')]:
        d = real[:72] + dialect + real[74:]
        put(f'microsoft-ds--dialect-{slug}.server', d, 'tcp', 445, 'microsoft-ds--smbclient-smb2-negotiate.client', 'microsoft-ds')
    def name(s):
        # RFC 1001 first-level encoding: each nibble of the space-padded name plus 'A'
        return b'\x20' + b''.join(bytes([0x41 + (c >> 4), 0x41 + (c & 15)]) for c in s.ljust(16, b' ')[:16]) + b'\x00'
    req = b'\x81\x00\x00\x44' + name(b'FILESRV01') + name(b'WORKSTATION7')
    put('netbios-ssn--session-request.client', req, 'tcp', 139, 'NULL', 'netbios-ssn')
    put('netbios-ssn--positive-response.server', b'\x82\x00\x00\x00', 'tcp', 139, 'netbios-ssn--session-request.client', 'netbios-ssn')
    put('netbios-ssn--called-name-not-present.server', b'\x83\x00\x00\x01\x82', 'tcp', 139, 'netbios-ssn--session-request.client', 'netbios-ssn')


def mysql_greeting(version, conn_id=11):
    body = b'\x0a' + version.encode() + b'\x00' + struct.pack('<I', conn_id) + b'Nq8#w!Lp\x00' + b'\xff\xf7\x21\x02\x00\xff\x81\x15' + b'\x00' * 10 + b'x9Rt]q2ZkLm4\x00mysql_native_password\x00'
    return struct.pack('<I', len(body))[:3] + b'\x00' + body


def mysql_error(code, msg, state=None):
    body = b'\xff' + struct.pack('<H', code) + ((b'#' + state.encode()) if state else b'') + msg.encode()
    return struct.pack('<I', len(body))[:3] + b'\x00' + body


def pg_msg(t, payload):
    return t + struct.pack('>I', len(payload) + 4) + payload


def bson(elems):
    body = b''
    for k, v in elems:
        if isinstance(v, bool):
            body += b'\x08' + k.encode() + b'\x00' + (b'\x01' if v else b'\x00')
        elif isinstance(v, int):
            body += b'\x10' + k.encode() + b'\x00' + struct.pack('<i', v)
        elif isinstance(v, float):
            body += b'\x01' + k.encode() + b'\x00' + struct.pack('<d', v)
        else:
            s = v.encode() + b'\x00'
            body += b'\x02' + k.encode() + b'\x00' + struct.pack('<i', len(s)) + s
    return struct.pack('<i', len(body) + 5) + body + b'\x00'


def mongo(opcode, payload, req=0x2f1a0b3c, resp=0):
    return struct.pack('<iiii', 16 + len(payload), req, resp, opcode) + payload


def spec_database():
    put('mysql--mariadb-11.server', mysql_greeting('11.4.2-MariaDB-log'), 'tcp', 3306, 'NULL', 'mysql', 'MariaDB', '11.4.2')
    put('mysql--mysql-ubuntu.server', mysql_greeting('8.0.35-0ubuntu0.22.04.1'), 'tcp', 3306, 'NULL', 'mysql', 'MySQL', '8.0.35')
    put('mysql--mysql-8.server', mysql_greeting('8.0.36'), 'tcp', 3306, 'NULL', 'mysql', 'MySQL', '8.0.36')
    put('mysql--too-many-connections.server', mysql_error(1040, 'Too many connections', '08004'), 'tcp', 3306, 'NULL', 'mysql', 'MySQL', '')
    put('postgresql--protocol4-startup.client', struct.pack('>II', 25, 0x00040000) + b'user\x00alice\x00\x00', 'tcp', 5432, 'NULL', '')
    ctx = 'postgresql--psql-startup.client'
    def params(version):
        out = b''
        for k, v in [('application_name', 'psql'), ('client_encoding', 'UTF8'), ('DateStyle', 'ISO, MDY'), ('default_transaction_read_only', 'off'),
                     ('in_hot_standby', 'off'), ('integer_datetimes', 'on'), ('IntervalStyle', 'postgres'), ('is_superuser', 'off'),
                     ('server_encoding', 'UTF8'), ('server_version', version), ('session_authorization', 'alice')]:
            out += pg_msg(b'S', k.encode() + b'\x00' + v.encode() + b'\x00')
        return out
    put('postgresql--trust.server', pg_msg(b'R', b'\x00\x00\x00\x00') + params('16.4'), 'tcp', 5432, ctx, 'postgresql', 'PostgreSQL DB', '16.4')
    trunc = b'$4096\r\n# Server\r\nredis_version:6.2.14\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n'
    put('redis--info-truncated.server', trunc, 'tcp', 6379, 'redis--cli-info.client', 'redis', 'Redis key-value store', '6.2.14')
    put('redis--hello2.client', '*2\r\n$5\r\nHELLO\r\n$1\r\n2\r\n', 'tcp', 6379, 'NULL', 'redis')
    put('redis--hello2.server', '*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n6.0.9\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:5\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n', 'tcp', 6379, 'redis--hello2.client', 'redis', 'Redis key-value store', '6.0.9')
    put('redis--auth.client', '*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n', 'tcp', 6379, 'NULL', 'redis')
    put('memcached--version.client', 'version\r\n', 'tcp', 11211, 'NULL', 'memcached')
    put('memcached--stats.client', 'stats\r\n', 'tcp', 11211, 'NULL', '')
    put('memcached--set.client', 'set session:42 0 300 5\r\nhello\r\n', 'tcp', 11211, 'NULL', 'memcached')
    put('memcached--get.client', 'get session:42\r\n', 'tcp', 11211, 'NULL', 'memcached')
    # MongoDB: OP_MSG replies (flagBits, section kind 0, one BSON document)
    bi = bson([('version', '7.0.5'), ('gitVersion', '7809d71e84e314b497f282ea8aa06d7ded3eb205'), ('allocator', 'tcmalloc'), ('ok', 1.0)])
    put('mongodb--buildinfo-7.server', mongo(2013, b'\x00\x00\x00\x00\x00' + bi, resp=0x1c2b3a49), 'tcp', 27017, 'mongodb--hello-opmsg.client', 'mongodb', 'MongoDB', '7.0.5')
    hello = bson([('isWritablePrimary', True), ('topologyVersion', 'x'), ('maxBsonObjectSize', 16777216), ('maxMessageSizeBytes', 48000000),
                  ('maxWriteBatchSize', 100000), ('localTime', 'x'), ('logicalSessionTimeoutMinutes', 30), ('connectionId', 7),
                  ('minWireVersion', 0), ('maxWireVersion', 21), ('readOnly', False), ('ok', 1.0)])
    put('mongodb--hello-opmsg.server', mongo(2013, b'\x00\x00\x00\x00\x00' + hello, resp=0x1c2b3a49), 'tcp', 27017, 'mongodb--hello-opmsg.client', 'mongodb', 'MongoDB', '')
    ism = bson([('ismaster', True), ('maxBsonObjectSize', 16777216), ('maxWireVersion', 17), ('minWireVersion', 0), ('ok', 1.0)])
    reply = struct.pack('<iqii', 8, 0, 0, 1) + ism
    put('mongodb--ismaster-opreply.server', mongo(1, reply, resp=0x1c2b3a49), 'tcp', 27017, 'mongodb--ismaster-opquery.client', 'mongodb', 'MongoDB', '')
    q = struct.pack('<i', 0) + b'admin.$cmd\x00' + struct.pack('<ii', 0, -1) + bson([('isMaster', 1), ('helloOk', True), ('client', 'x')])
    put('mongodb--ismaster-opquery.client', mongo(2004, q, req=0x1c2b3a49), 'tcp', 27017, 'NULL', 'mongodb')
    m = b'\x00\x00\x00\x00\x00' + bson([('hello', 1), ('$db', 'admin')])
    put('mongodb--hello-opmsg.client', mongo(2013, m, req=0x1c2b3a49), 'tcp', 27017, 'NULL', 'mongodb')
    # Cassandra: SUPPORTED answering OPTIONS (string multimap)
    def sl(items):
        return struct.pack('>H', len(items)) + b''.join(struct.pack('>H', len(x)) + x.encode() for x in items)
    mm = struct.pack('>H', 3) + struct.pack('>H', 11) + b'COMPRESSION' + sl(['snappy', 'lz4']) + struct.pack('>H', 11) + b'CQL_VERSION' + sl(['3.4.6']) + struct.pack('>H', 17) + b'PROTOCOL_VERSIONS' + sl(['3/v3', '4/v4', '5/v5'])
    put('cassandra-native--supported.server', b'\x84\x00\x00\x00\x06' + struct.pack('>I', len(mm)) + mm, 'tcp', 9042, 'cassandra-native--options.client', 'cassandra-native', 'Apache Cassandra')
    put('cassandra-native--options.client', b'\x04\x00\x00\x00\x05\x00\x00\x00\x00', 'tcp', 9042, 'NULL', 'cassandra-native')
    st = struct.pack('>H', 1) + struct.pack('>H', 11) + b'CQL_VERSION' + struct.pack('>H', 5) + b'3.0.0'
    put('cassandra-native--startup.client', b'\x04\x00\x00\x01\x01' + struct.pack('>I', len(st)) + st, 'tcp', 9042, 'NULL', 'cassandra-native')
    put('zookeeper--srvr.client', 'srvr', 'tcp', 2181, 'NULL', 'zookeeper')
    put('zookeeper--ruok.client', 'ruok', 'tcp', 2181, 'NULL', 'zookeeper')
    put('zookeeper--stat.client', 'stat', 'tcp', 2181, 'NULL', 'zookeeper')
    put('zookeeper--stat-not-whitelisted.server', 'stat is not executed because it is not in the whitelist.\n', 'tcp', 2181, 'zookeeper--stat.client', 'zookeeper', 'Apache ZooKeeper')


def amqp_start(props):
    """Connection.Start (class 10, method 10), version 0-9, server-properties table."""
    table = b''
    for k, v in props:
        table += bytes([len(k)]) + k.encode() + b'S' + struct.pack('>I', len(v)) + v.encode()
    args = b'\x00\x0a\x00\x0a\x00\x09' + struct.pack('>I', len(table)) + table + struct.pack('>I', 5) + b'PLAIN' + struct.pack('>I', 5) + b'en_US'
    return b'\x01\x00\x00' + struct.pack('>I', len(args)) + args + b'\xce'


def spec_messaging():
    put('amqp--lavinmq.server', amqp_start([('product', 'LavinMQ'), ('version', '1.2.10'), ('platform', 'Crystal 1.10.1')]), 'tcp', 5672, 'amqp--header-091.client', 'amqp', 'LavinMQ', '1.2.10')
    put('amqp--header-010.client', 'AMQP\x01\x01\x00\x0a', 'tcp', 5672, 'NULL', '')
    put('amqp--version-mismatch.server', 'AMQP\x00\x00\x09\x01', 'tcp', 5672, 'amqp--header-010.client', 'amqp')
    put('amqp--header-10-sasl.client', 'AMQP\x03\x01\x00\x00', 'tcp', 5672, 'NULL', 'amqp')
    sasl = b'\x00\x00\x00\x1d\x02\x01\x00\x00\x00S\x40\xc0\x10\x01\xe0\x0d\x01\xa3\x05PLAIN'
    put('amqp--amqp10-sasl.server', b'AMQP\x03\x01\x00\x00' + sasl, 'tcp', 5672, 'amqp--header-10-sasl.client', 'amqp')
    put('amqp--header-08.client', 'AMQP\x01\x01\x08\x00', 'tcp', 5672, 'NULL', 'amqp')
    s2s = "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback' to='example.org' from='example.net' version='1.0'>"
    put('xmpp-server--peer-stream.client', s2s, 'tcp', 5269, 'NULL', 'xmpp-server')
    put('xmpp-server--stream.server', s2s.replace("to='example.org' from='example.net'", "id='4f1b2c3d' from='example.org' to='example.net'"), 'tcp', 5269, 'xmpp-server--peer-stream.client', 'xmpp-server')
    ctx = 'irc--nick-user.client'
    pre = ':irc.example.net NOTICE * :*** Looking up your hostname...\r\n:irc.example.net 001 alice :Welcome to the Example IRC Network alice!~alice@192.0.2.7\r\n'
    put('irc--unrealircd.server', pre + ':irc.example.net 002 alice :Your host is irc.example.net, running version UnrealIRCd-6.1.4\r\n', 'tcp', 6667, ctx, 'irc', 'UnrealIRCd', '6.1.4')
    put('irc--solanum.server', pre + ':irc.example.net 002 alice :Your host is irc.example.net[192.0.2.1/6667], running version solanum-1.0-dev\r\n', 'tcp', 6667, ctx, 'irc', '', '')
    put('nats--old-info.server', 'INFO {"server_id":"lNM2a1SeAhsiTe9fJaIAo6","version":"1.4.1","proto":1,"host":"0.0.0.0","port":4222,"auth_required":false,"max_payload":1048576}\r\n', 'tcp', 4222, 'NULL', 'nats', 'NATS server', '1.4.1')
    put('nats--go-client.client', 'CONNECT {"verbose":false,"pedantic":false,"tls_required":false,"name":"","lang":"go","version":"1.28.0","protocol":1,"echo":true}\r\nPING\r\n', 'tcp', 4222, 'NULL', 'nats')
    put('beanstalkd--stats.client', 'stats\r\n', 'tcp', 11300, 'NULL', '')
    put('beanstalkd--put.client', 'put 0 0 120 5\r\nhello\r\n', 'tcp', 11300, 'NULL', 'beanstalkd')
    cid = b'adminclient-1'
    body = b'\x00\x12\x00\x03' + struct.pack('>i', 1) + struct.pack('>H', len(cid)) + cid + b'\x12apache-kafka-java\x063.6.1\x00'
    put('kafka--apiversions.client', struct.pack('>I', len(body)) + body, 'tcp', 9092, 'NULL', 'kafka')


def ber(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    if n < 0x100:
        return bytes([tag, 0x81, n]) + content
    return bytes([tag, 0x82]) + struct.pack('>H', n) + content


def spec_directory():
    ctx = 'ldap--ldapwhoami-bind.client'
    diag = b'80090308: LdapErr: DSID-0C090569, comment: AcceptSecurityContext error, data 52e, v4563\x00'
    msg = ber(0x30, ber(0x02, b'\x01') + ber(0x61, ber(0x0a, b'\x31') + ber(0x04, b'') + ber(0x04, diag)))
    put('ldap--active-directory-bind-failed.server', msg, 'tcp', 389, ctx, 'ldap', 'Microsoft Windows Active Directory LDAP')
    # Kerberos AS-REP over TCP (the real KDC here only had errors to give)
    rep = ber(0x6b, ber(0x30, ber(0xa0, ber(0x02, b'\x05')) + ber(0xa1, ber(0x02, b'\x0b')) + ber(0xa3, ber(0x1b, b'EXAMPLE.ORG'))))
    put('kerberos-sec--as-rep-tcp.server', struct.pack('>I', len(rep)) + rep, 'tcp', 88, 'kerberos-sec--as-req-tcp.client', 'kerberos-sec')


def dns_txt_answer(qid, text, flags=0x8580):
    q = b'\x07version\x04bind\x00\x00\x10\x00\x03'
    ans = b'\xc0\x0c\x00\x10\x00\x03\x00\x00\x00\x00' + struct.pack('>H', len(text) + 1) + bytes([len(text)]) + text.encode()
    return struct.pack('>HHHHHH', qid, flags, 1, 1, 0, 0) + q + ans


def spec_infra():
    tcp = lambda m: struct.pack('>H', len(m)) + m
    ref = open(os.path.join(EX, 'domain--dnsmasq-refused.server'), 'rb').read()
    put('domain--tcp-a-example.client', tcp(open(os.path.join(EX, 'domain--a-example.client'), 'rb').read()), 'tcp', 53, 'NULL', '')
    put('domain--tcp-dnsmasq-refused.server', tcp(ref), 'tcp', 53, 'domain--tcp-a-example.client', 'domain')
    put('socks5--userpass-greeting.client', b'\x05\x01\x02', 'tcp', 1080, 'NULL', 'socks5')
    put('socks5--userpass.server', b'\x05\x02', 'tcp', 1080, 'socks5--userpass-greeting.client', 'socks5')
    put('socks5--no-acceptable-method.server', b'\x05\xff', 'tcp', 1080, 'socks5--userpass-greeting.client', 'socks5')
    put('socks4--granted.server', b'\x00\x5a\x00\x50\xc0\x00\x02\x0a', 'tcp', 1080, 'socks4--curl.client', 'socks4')
    def bgp_open(asn, bgpid):
        caps = b'\x02\x06\x41\x04' + struct.pack('>I', asn)  # 4-octet AS capability (RFC 6793)
        body = struct.pack('>BHH', 4, asn if asn < 65536 else 23456, 90) + bytes(bgpid) + bytes([len(caps)]) + caps
        return b'\xff' * 16 + struct.pack('>HB', 19 + len(body), 1) + body
    put('bgp--peer-open.client', bgp_open(65002, [192, 0, 2, 2]), 'tcp', 179, 'NULL', 'bgp')
    put('bgp--open.server', bgp_open(65001, [192, 0, 2, 1]), 'tcp', 179, 'bgp--peer-open.client', 'bgp')
    put('bgp--notification-bad-peer-as.server', b'\xff' * 16 + b'\x00\x15\x03\x02\x02', 'tcp', 179, 'bgp--peer-open.client', 'bgp')
    call = lambda prog, vers: struct.pack('>IIIIII', 0x4d2c1a05, 0, 2, prog, vers, 0) + b'\x00' * 16
    rm = lambda b: struct.pack('>I', 0x80000000 | len(b)) + b
    put('nfs--null-call.client', rm(call(100003, 3)), 'tcp', 2049, 'NULL', 'nfs')
    put('mountd--null-call.client', rm(call(100005, 3)), 'tcp', 20048, 'NULL', 'mountd')
    put('ident--query.client', '22, 113\r\n', 'tcp', 113, 'NULL', 'ident')
    put('ident--userid.server', '22 , 113 : USERID : UNIX : alice\r\n', 'tcp', 113, 'ident--query.client', 'ident')
    put('finger--user-query.client', 'alice\r\n', 'tcp', 79, 'NULL', '')
    put('finger--netkit-user.server', 'Login: alice          \t\t\tName: Alice Example\r\nDirectory: /home/alice               \tShell: /bin/bash\r\nNever logged in.\r\nNo mail.\r\nNo Plan.\r\n', 'tcp', 79, 'finger--user-query.client', 'finger', 'Linux fingerd')
    put('finger--empty-query.client', '\r\n', 'tcp', 79, 'NULL', '')
    put('finger--no-one.server', 'No one logged on.\r\n', 'tcp', 79, 'finger--empty-query.client', 'finger')
    put('whois--domain-query.client', 'example.com\r\n', 'tcp', 43, 'NULL', '')
    put('whois--iana.server', '% IANA WHOIS server\n% for more information on IANA, visit http://www.iana.org\n% This query returned 1 object\n\ndomain:       EXAMPLE.COM\n', 'tcp', 43, 'whois--domain-query.client', 'whois', 'IANA whois')
    put('whois--ripe.server', '% This is the RIPE Database query service.\n% The objects are in RPSL format.\n%\n% The RIPE Database is subject to Terms and Conditions.\n', 'tcp', 43, 'whois--domain-query.client', 'whois', 'RIPE NCC whois')
    put('whois--registry.server', '   Domain Name: EXAMPLE.COM\r\n   Registry Domain ID: 2336799_DOMAIN_COM-VRSN\r\n   Registrar WHOIS Server: whois.iana.org\r\n', 'tcp', 43, 'whois--domain-query.client', 'whois')
    # Modbus/TCP (MBAP: transaction, protocol 0, length, unit, PDU)
    put('modbus--read-holding-registers.client', b'\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x02', 'tcp', 502, 'NULL', 'modbus')
    put('modbus--read-holding-registers.server', b'\x00\x01\x00\x00\x00\x07\x01\x03\x04\x00\x0a\x00\x14', 'tcp', 502, 'modbus--read-holding-registers.client', 'modbus')
    put('modbus--illegal-address.server', b'\x00\x01\x00\x00\x00\x03\x01\x83\x02', 'tcp', 502, 'modbus--read-holding-registers.client', 'modbus')
    put('modbus--device-id.client', b'\x00\x02\x00\x00\x00\x05\x01\x2b\x0e\x01\x00', 'tcp', 502, 'NULL', 'modbus')
    objs = b''.join(bytes([i, len(v)]) + v for i, v in enumerate([b'Schneider Electric', b'BMX P34 2020', b'v3.20']))
    pdu = b'\x2b\x0e\x01\x01\x00\x00\x03' + objs
    put('modbus--device-id.server', b'\x00\x02\x00\x00' + struct.pack('>H', len(pdu) + 1) + b'\x01' + pdu, 'tcp', 502, 'modbus--device-id.client', 'modbus', 'Schneider Electric', 'v3.20')
    # PPTP Start-Control-Connection-Request / -Reply (RFC 2637 2.1, 2.2), 156 bytes each
    def sccr(ctrl, result, host, vendor):
        b = struct.pack('>HHIHH', 156, 1, 0x1a2b3c4d, ctrl, 0) + struct.pack('>HBB', 0x0100, result, 0) + struct.pack('>IIHH', 1, 1, 1, 0x0100)
        return b + host.ljust(64, b'\x00') + vendor.ljust(64, b'\x00')
    put('pptp--sccrq.client', sccr(1, 0, b'', b'Microsoft'), 'tcp', 1723, 'NULL', 'pptp')
    # Minecraft server list ping (handshake + status request) and the status response
    hs = b'\x00\xfd\x05\x09localhost\x63\xdd\x01'
    put('minecraft--server-list-ping.client', bytes([len(hs)]) + hs + b'\x01\x00', 'tcp', 25565, 'NULL', 'minecraft')
    js = b'{"version":{"name":"1.20.4","protocol":765},"players":{"max":20,"online":0},"description":{"text":"A Minecraft Server"}}'
    def varint(n):
        out = b''
        while True:
            b = n & 0x7f
            n >>= 7
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out
    pkt_ = b'\x00' + varint(len(js)) + js
    put('minecraft--status.server', varint(len(pkt_)) + pkt_, 'tcp', 25565, 'minecraft--server-list-ping.client', 'minecraft', 'Minecraft', '1.20.4')
    def btc_version(ua):
        payload = struct.pack('<iQq', 70016, 1033, 1795271400) + struct.pack('<Q', 1) + b'\x00' * 10 + b'\xff\xff' + bytes([192, 0, 2, 7]) + struct.pack('>H', 8333)
        payload += struct.pack('<Q', 1033) + b'\x00' * 10 + b'\xff\xff' + bytes([192, 0, 2, 8]) + struct.pack('>H', 8333)
        payload += struct.pack('<Q', 0x1a2b3c4d5e6f7081) + bytes([len(ua)]) + ua + struct.pack('<i', 820000) + b'\x01'
        return b'\xf9\xbe\xb4\xd9' + b'version'.ljust(12, b'\x00') + struct.pack('<I', len(payload)) + b'\x5d\xf6\xe0\xe2' + payload
    put('bitcoin--peer-version.client', btc_version(b'/Satoshi:26.0.0/'), 'tcp', 8333, 'NULL', 'bitcoin')
    put('bitcoin--bitcoin-core.server', btc_version(b'/Satoshi:25.1.0/'), 'tcp', 8333, 'bitcoin--peer-version.client', 'bitcoin', 'Bitcoin Core', '25.1.0')
    put('bitcoin--btcd.server', btc_version(b'/btcd:0.24.0/'), 'tcp', 8333, 'bitcoin--peer-version.client', 'bitcoin')


def spec_tls():
    real = open(os.path.join(EX, 'ssl--openssl-tls12.server'), 'rb').read()
    hello_len = struct.unpack('>H', real[3:5])[0]
    hello = real[:5 + hello_len]
    for slug, v in [('sslv3', b'\x03\x00')]:
        d = hello[:1] + v + hello[3:9] + v + hello[11:]
        put(f'ssl--serverhello-{slug}.server', d, 'tcp', 443, 'ssl--openssl-hello-tls12.client', 'ssl')


def qname(name):
    return b''.join(bytes([len(l)]) + l.encode() for l in name.split('.')) + b'\x00'


def spec_udp():
    u = lambda name, data, port, ctx, svc, prod='', ver='': put(name, data, 'udp', port, ctx, svc, prod, ver)
    q = struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + qname('_ssh._tcp.local') + b'\x00\x0c\x00\x01'
    u('mdns--ssh-browse.client', q, 5353, 'NULL', 'mdns')
    ans = qname('_ssh._tcp.local') + b'\x00\x0c\x00\x01\x00\x00\x11\x94' + struct.pack('>H', 12) + b'\x09fileserve\xc0\x0c'
    r = struct.pack('>HHHHHH', 0, 0x8400, 0, 1, 0, 0) + ans
    u('mdns--avahi-ptr.server', r, 5353, 'mdns--ssh-browse.client', 'mdns')
    lq = struct.pack('>HHHHHH', 0x5a17, 0, 1, 0, 0, 0) + b'\x04wpad\x00\x00\x01\x00\x01'
    u('llmnr--wpad.client', lq, 5355, 'NULL', 'llmnr')
    u('llmnr--wpad.server', struct.pack('>HHHHHH', 0x5a17, 0x8000, 1, 1, 0, 0) + b'\x04wpad\x00\x00\x01\x00\x01' + b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x1e\x00\x04\xc0\x00\x02\x05', 5355, 'llmnr--wpad.client', 'llmnr')
    nb = b'\x20CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00'
    u('netbios-ns--nbstat.client', struct.pack('>HHHHHH', 0x1f2e, 0, 1, 0, 0, 0) + nb + b'\x00\x21\x00\x01', 137, 'NULL', 'netbios-ns')
    names = b''.join(n.ljust(15, b' ') + bytes([suf]) + fl for n, suf, fl in [(b'FILESRV01', 0x00, b'\x04\x00'), (b'WORKGROUP', 0x00, b'\x84\x00'), (b'FILESRV01', 0x20, b'\x04\x00')])
    rd = bytes([3]) + names + b'\x52\x54\x00\x12\x34\x56' + b'\x00' * 40
    ctx = 'domain--versionbind.client'
    u('domain--bind-source-build.server', dns_txt_answer(0x1a2b, '9.18.24'), 53, ctx, 'domain', 'ISC BIND', '9.18.24')
    def ntp(first, stratum, refid):
        return bytes([first, stratum, 6, 0xe9]) + b'\x00\x00\x00\x10\x00\x00\x00\x20' + refid + b'\xea\xf1\xc3\x10' + b'\x00' * 4 + b'\xea\xf1\xc3\xa2\x5a\x3b\x00\x00' + b'\xea\xf1\xc3\xa2\x60\x00\x00\x00' * 2
    u('ntp--stratum1-gps.server', ntp(0x24, 1, b'GPS\x00'), 123, 'ntp--client-v4.client', 'ntp')
    u('ntp--stratum3.server', ntp(0x24, 3, bytes([192, 0, 2, 123])), 123, 'ntp--client-v4.client', 'ntp')
    u('ntp--client-v3.client', b'\x1b' + b'\x00' * 47, 123, 'NULL', 'ntp')
    u('ntp--v3-reply.server', ntp(0x1c, 2, bytes([192, 0, 2, 1])), 123, 'ntp--client-v3.client', 'ntp')
    def snmp_resp(version, community, oid, value):
        vb = ber(0x30, ber(0x30, ber(0x06, oid) + ber(0x04, value)))
        pdu = ber(0xa2, ber(0x02, b'\x04\x19\x18\x6b') + ber(0x02, b'\x00') + ber(0x02, b'\x00') + vb)
        return ber(0x30, ber(0x02, bytes([version])) + ber(0x04, community) + pdu)
    sysdescr = b'\x2b\x06\x01\x02\x01\x01\x01\x00'
    sysname = b'\x2b\x06\x01\x02\x01\x01\x05\x00'
    ctx2 = 'snmp--netsnmp-get-v2c.client'
    u('snmp--cisco-ios.server', snmp_resp(1, b'public', sysdescr, b'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11, RELEASE SOFTWARE (fc3)\r\nTechnical Support: http://www.cisco.com/techsupport'), 161, ctx2, 'snmp', 'Cisco SNMP service')
    u('snmp--windows.server', snmp_resp(1, b'public', sysdescr, b'Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)'), 161, ctx2, 'snmp', 'Microsoft Windows SNMP service')
    rep = bytearray(open(os.path.join(EX, 'snmp--netsnmp-v3-report.server'), 'rb').read())
    rep = bytes(rep).replace(b'\x80\x00\x1f\x88', b'\x80\x00\x00\x09')
    u('snmp--cisco-v3-report.server', rep, 161, 'snmp--netsnmp-v3-discovery.client', 'snmp', 'Cisco SNMP service')
    init = b'\x01\x00\x00\x00' + struct.pack('<I', 0x5e2d7c11) + bytes(range(32)) + bytes(range(100, 148)) + bytes(range(150, 178)) + bytes(16) + bytes(16)
    u('wireguard--handshake-initiation.client', init, 51820, 'NULL', 'wireguard')
    u('wireguard--handshake-response.server', b'\x02\x00\x00\x00' + struct.pack('<II', 0x77c0ffee, 0x5e2d7c11) + bytes(range(32)) + bytes(range(40, 56)) + bytes(16) + bytes(16), 51820, 'wireguard--handshake-initiation.client', 'wireguard')
    u('wireguard--cookie-reply.server', b'\x03\x00\x00\x00' + struct.pack('<I', 0x5e2d7c11) + bytes(range(24)) + bytes(range(60, 92)), 51820, 'wireguard--handshake-initiation.client', 'wireguard')
    tid = bytes.fromhex('6a1f0c93b5e2d47a10c3f8e1')
    xor = b'\x00\x20\x00\x08\x00\x01\xe1\x2e\xe1\x12\xa6\x43'
    sw = b'stund 0.97'
    swattr = b'\x80\x22' + struct.pack('>H', len(sw)) + sw + b'\x00' * ((4 - len(sw) % 4) % 4)
    u('stun--generic-software.server', b'\x01\x01' + struct.pack('>H', len(xor) + len(swattr)) + b'\x21\x12\xa4\x42' + tid + xor + swattr, 3478, 'stun--binding.client', 'stun')
    u('stun--plain-binding-success.server', b'\x01\x01' + struct.pack('>H', len(xor)) + b'\x21\x12\xa4\x42' + tid + xor, 3478, 'stun--binding.client', 'stun')
    u('tftp--rrq.client', b'\x00\x01pxelinux.0\x00octet\x00', 69, 'NULL', 'tftp')
    u('tftp--rrq-blksize.client', b'\x00\x01pxelinux.0\x00octet\x00blksize\x001428\x00', 69, 'NULL', 'tftp')
    u('tftp--oack.server', b'\x00\x06blksize\x001428\x00', 69, 'tftp--rrq-blksize.client', 'tftp')
    ms = 'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n'
    u('upnp--msearch.client', ms, 1900, 'NULL', 'upnp')
    u('upnp--miniupnpd.server', 'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\nUSN: uuid:3b2c4d5e-1f00-4a6b-8c9d-0e1f2a3b4c5d::upnp:rootdevice\r\nEXT:\r\nSERVER: OpenWRT/22.03 UPnP/1.1 MiniUPnPd/2.3.3\r\nLOCATION: http://192.168.1.1:5000/rootDesc.xml\r\n\r\n', 1900, 'upnp--msearch.client', 'upnp', 'MiniUPnP', '2.3.3')
    u('upnp--libupnp.server', 'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nDATE: Sat, 21 Nov 2026 14:30:00 GMT\r\nEXT:\r\nLOCATION: http://192.168.1.20:49152/description.xml\r\nSERVER: Linux/5.10 UPnP/1.0 Portable SDK for UPnP devices/1.14.12\r\nST: upnp:rootdevice\r\nUSN: uuid:55076f6e-6b79-1d65-a4eb-00089be34071::upnp:rootdevice\r\n\r\n', 1900, 'upnp--msearch.client', 'upnp')
    attrs = b'\x01\x07alice' + b'\x02\x12' + bytes(range(16)) + b'\x04\x06\xc0\x00\x02\x07' + b'\x05\x06\x00\x00\x00\x00'
    areq = b'\x01\x2a' + struct.pack('>H', 20 + len(attrs)) + bytes(range(200, 216)) + attrs
    u('radius--access-request.client', areq, 1812, 'NULL', 'radius')
    for code, slug in [(2, 'access-accept'), (11, 'access-challenge')]:
        extra = b'\x12\x0dHello, alice' if code == 11 else b''
        u(f'radius--{slug}.server', bytes([code, 0x2a]) + struct.pack('>H', 20 + len(extra)) + bytes(range(32, 48)) + extra, 1812, 'radius--access-request.client', 'radius')
    def avp(t, v, m=True):
        return struct.pack('>HHH', (0x8000 if m else 0) | (6 + len(v)), 0, t) + v
    sccrq = avp(0, b'\x00\x01') + avp(2, b'\x01\x00') + avp(3, b'\x00\x00\x00\x03') + avp(4, b'\x00\x00\x00\x00') + avp(7, b'lac1') + avp(9, b'\x00\x01') + avp(10, b'\x00\x04')
    u('l2tp--sccrq.client', b'\xc8\x02' + struct.pack('>HHHHH', 12 + len(sccrq), 0, 0, 0, 0) + sccrq, 1701, 'NULL', 'l2tp')
    sccrp = avp(0, b'\x00\x02') + avp(2, b'\x01\x00') + avp(7, b'lns1') + avp(8, b'xelerance.com', False) + avp(9, b'\x00\x07')
    sccrp2 = avp(0, b'\x00\x02') + avp(2, b'\x01\x00') + avp(7, b'lns1') + avp(9, b'\x00\x07')
    u('l2tp--sccrp.server', b'\xc8\x02' + struct.pack('>HHHHH', 12 + len(sccrp2), 1, 0, 0, 1) + sccrp2, 1701, 'l2tp--sccrq.client', 'l2tp')
    def dhcp(op, mtype):
        b = bytes([op, 1, 6, 0]) + struct.pack('>I', 0x3903f326) + b'\x00\x00\x80\x00' + b'\x00' * 4 + (b'\xc0\x00\x02\x64' if op == 2 else b'\x00' * 4) + b'\x00' * 8
        b += b'\x52\x54\x00\x12\x34\x56' + b'\x00' * 10 + b'\x00' * 64 + b'\x00' * 128 + b'\x63\x82\x53\x63' + bytes([53, 1, mtype]) + b'\xff'
        return b
    u('dhcps--discover.client', dhcp(1, 1), 67, 'NULL', 'dhcps')
    u('dhcps--offer.server', dhcp(2, 2), 67, 'dhcps--discover.client', 'dhcps')
    u('quake3--getstatus.client', b'\xff\xff\xff\xffgetstatus', 27960, 'NULL', 'quake3')
    u('quake3--ioq3-status.server', b'\xff\xff\xff\xffstatusResponse\n\\sv_hostname\\Frag Fest\\version\\ioq3 1.36_GIT_f2c61c14-2023-01-30 linux-x86_64 Jan 30 2023\\mapname\\q3dm17\n', 27960, 'quake3--getstatus.client', 'quake3')
    u('quake3--info.server', b'\xff\xff\xff\xffinfoResponse\n\\hostname\\Frag Fest\\mapname\\q3dm17\\clients\\3', 27960, 'quake3--getstatus.client', 'quake3')
    u('syslog--rfc3164.client', "<34>Nov 21 14:30:00 mymachine su: 'su root' failed for alice on /dev/pts/8", 514, 'NULL', 'syslog')
    ike = bytes.fromhex('8a1b2c3d4e5f6071') + b'\x00' * 8 + b'\x21\x20\x22\x08' + b'\x00' * 4 + struct.pack('>I', 28)
    u('isakmp--ikev2-sa-init.client', ike, 500, 'NULL', 'isakmp')
    u('memcached--udp-stats.client', b'\x00\x02\x00\x00\x00\x01\x00\x00stats\r\n', 11211, 'NULL', 'memcached')


def spec_contexts():
    """Client heads used as context whose clientmatch is checked on their own too."""
    pass


def spec_truncated():
    """Heads cut short (--head-bytes, a small snaplen): real captures, first bytes only. A name
    with "-cut" tells test_sigset.c to match it as a head that stopped at --head-bytes."""
    def head(name, n):
        return open(os.path.join(EX, name), 'rb').read()[:n]
    def upto(name, text, extra=0):
        data = open(os.path.join(EX, name), 'rb').read()
        return data[:data.index(text) + len(text) + extra]
    # Right after the portable version (complete as it stands), inside it (product only),
    # and in the Debian comment (the version, without the comment).
    put('ssh--openssh-cut-after-version.server', upto('ssh--openssh-debian12.server', b'OpenSSH_9.2p1'), 'tcp', 22, 'NULL', 'ssh', 'OpenSSH', '9.2p1')
    put('ssh--openssh-cut-in-version.server', upto('ssh--openssh-debian12.server', b'OpenSSH_9.2'), 'tcp', 22, 'NULL', 'ssh', 'OpenSSH', '')
    put('ssh--openssh-cut-in-comment.server', upto('ssh--openssh-debian12.server', b'Debian-2+de'), 'tcp', 22, 'NULL', 'ssh', 'OpenSSH', '9.2p1')
    put('nats--info-cut-before-version.server', upto('nats--server-2.9.server', b'"version":"2.9'), 'tcp', 4222, 'NULL', 'nats', 'NATS server', '')
    put('domain--tcp-bind-debian-cut.server', upto('domain--tcp-bind-debian-versionbind.server', b'9.18.49-1~deb'), 'tcp', 53, 'domain--tcp-versionbind.client', 'domain', 'ISC BIND', '9.18.49')
    put('ssh--openssh-cut.server', head('ssh--openssh-debian12.server', 14), 'tcp', 22, 'NULL', 'ssh')
    put('imap--dovecot-cut.server', head('imap--dovecot-debian.server', 30), 'tcp', 143, 'NULL', 'imap')
    put('pop3--dovecot-cut.server', head('pop3--dovecot-debian.server', 16), 'tcp', 110, 'NULL', 'pop3')
    put('mysql--mariadb-cut.server', head('mysql--mariadb-debian.server', 30), 'tcp', 3306, 'NULL', 'mysql', 'MariaDB', '10.11.19')
    put('mysql--greeting-cut.server', head('mysql--mariadb-debian.server', 9), 'tcp', 3306, 'NULL', 'mysql')
    put('domain--tcp-query-cut.client', head('domain--tcp-versionbind.client', 20), 'tcp', 53, 'NULL', '')
    put('domain--tcp-dnsmasq-after-cut-query.server', head('domain--tcp-dnsmasq-versionbind.server', 30), 'tcp', 53, 'domain--tcp-query-cut.client', 'domain')


REAL_CLIENT_ROWS = [
    ('http--curl-missing-page.client', 'tcp', 80, 'NULL', 'http', '', ''),
    ('http--etcd-version.client', 'tcp', 2379, 'NULL', 'http', '', ''),
    ('http--prometheus-buildinfo.client', 'tcp', 9090, 'NULL', 'http', '', ''),
    ('http--influxdb-ping.client', 'tcp', 8086, 'NULL', 'http', '', ''),
    ('redis--cli-info.client', 'tcp', 6379, 'NULL', 'redis', '', ''),
    ('redis--hello3.client', 'tcp', 6379, 'NULL', 'redis', '', ''),
    ('git--upload-pack-v0.client', 'tcp', 9418, 'NULL', 'git', '', ''),
    ('microsoft-ds--smb1-negotiate.client', 'tcp', 445, 'NULL', 'microsoft-ds', '', ''),
    ('domain--versionbind.client', 'udp', 53, 'NULL', 'domain', '', ''),
    ('domain--tcp-versionbind.client', 'tcp', 53, 'NULL', '', '', ''),
    ('ntp--client-v4.client', 'udp', 123, 'NULL', 'ntp', '', ''),
    ('snmp--netsnmp-get-v1.client', 'udp', 161, 'NULL', 'snmp', '', ''),
    ('irc--nick-user.client', 'tcp', 6667, 'NULL', 'irc', '', ''),
    ('rpcbind--dump-udp.client', 'udp', 111, 'NULL', 'rpcbind', '', ''),
    ('ssl--openssl-hello-tls12.client', 'tcp', 443, 'NULL', 'ssl', '', ''),
    ('mdns--host-a.client', 'udp', 5353, 'NULL', 'mdns', '', ''),
    ('tftp--rrq-boot.client', 'udp', 69, 'NULL', 'tftp', '', ''),
]


def main():
    for f in (spec_remote_access, spec_web, spec_media, spec_mail, spec_file_transfer, spec_database,
              spec_messaging, spec_directory, spec_infra, spec_tls, spec_udp, spec_truncated):
        f()
    listed = {r[0] for r in REAL + REAL_CLIENT_ROWS + rows_spec}
    missing = sorted(set(os.listdir(EX)) - listed)
    if missing:
        raise SystemExit('examples not listed: ' + ', '.join(missing))
    with open('tests/signatures/examples.csv', 'w') as out:
        out.write('# examples.csv - every example under tests/signatures/examples/, checked by\n'
                  '# tests/unit/test_sigset.c. Columns: file, transport, server port, probe_context\n'
                  '# (NULL: nothing else; or the client example whose bytes the client sent first),\n'
                  '# the expected service, product and version of the best evidence (empty\n'
                  '# product/version: the evidence must have none; empty service: no evidence at all).\n'
                  '# A .server file is the server head; a .client file alone is the client head of a\n'
                  '# conversation whose server said nothing yet.\n'
                  'file,transport,server_port,probe_context,expect_service,expect_product,expect_version\n')
        out.write('# --- real: bytes captured from Debian 12 daemons and clients on loopback ---\n')
        for r in REAL + REAL_CLIENT_ROWS:
            out.write(','.join(str(x) for x in r) + '\n')
        out.write('# --- built from the protocol specifications (make_examples.py), where no\n'
                  '# --- real server could be run here; a few are real captures edited in one field\n')
        for r in rows_spec:
            out.write(','.join(str(x) for x in r) + '\n')


if __name__ == '__main__':
    main()
