# udp.sig - services over UDP. A UDP probe's lines apply to the server's first
# response datagram when the client's first datagram starts with the probe's
# bytes, or has the same shape (a DNS query, an SNMP message). Several probes
# are one or a few bytes long on purpose: they are the part every client's
# request shares (a message type, an opcode), not a request to replay.
#
# Order matters: mDNS, LLMNR and NetBIOS name service look like DNS, so their
# probes come before the DNS probe, whose softmatch would otherwise fix the
# service as "domain" first.

# --- mDNS (RFC 6762): ID 0, answers with the authoritative bit, names under .local ----------------
Probe UDP mDNSServices q|\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x09_services\x07_dns-sd\x04_udp\x05local\x00\x00\x0c\x00\x01|
match mdns m|^\x00\x00\x84\x00\x00[\x00\x01]\x00[\x01-\x20]\x00[\x00-\x20]\x00[\x00-\x20][\s\S]*?\x05local\x00| i/mDNS response/
clientmatch mdns m|^\x00\x00\x00\x00\x00[\x01-\x20]\x00\x00\x00[\x00-\x20]\x00[\x00-\x20][\s\S]*?\x05local\x00| i/client mDNS query/

# --- LLMNR (RFC 4795): a single-label name, response flags 0x8000 ------------------------------------
Probe UDP LLMNRQuery q|\x5a\x17\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04wpad\x00\x00\x01\x00\x01|
match llmnr m|^[\s\S]{2}\x80\x00\x00\x01\x00[\x01-\x10]\x00\x00\x00\x00[\x01-\x3f][\w-]{1,63}\x00\x00[\x01\x1c\xff]\x00\x01| i/LLMNR response/
clientmatch llmnr m|^[\s\S]{2}\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00[\x01-\x3f][\w-]{1,63}\x00\x00[\x01\x1c\xff]\x00\x01$| i/client LLMNR query/

# --- NetBIOS name service (RFC 1002 4.2): names are 32 letters A-P; NBSTAT is type 0x21 --------------
Probe UDP NBNSNodeStatus q|\x80\xf0\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x20CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00\x00\x21\x00\x01|
match netbios-ns m|^[\s\S]{2}\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00\x20[A-P]{32}\x00\x00\x21\x00\x01\x00\x00\x00\x00[\s\S]{2}[\s\S]([!-~][ -~]{0,14}?) *[\x00\x03\x20]| h/$1/ i/NetBIOS name $1/
clientmatch netbios-ns m|^[\s\S]{2}[\x00\x01][\x00\x10]\x00\x01\x00\x00\x00\x00\x00\x00\x20[A-P]{32}\x00\x00[\x20\x21]\x00\x01| i/client NetBIOS name query/

# --- DNS (RFC 1035): a response (QR set); version.bind CHAOS TXT names the software -----------------
Probe UDP DNSStatus q|\xbe\xef\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04bind\x00\x00\x10\x00\x03|
match domain m%^[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S]dnsmasq-([\w.]+)(?=[^\w.]|$)% p/dnsmasq/ v/$1/ cpe:/a:thekelleys:dnsmasq:$1/
match domain m%^[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S](9\.\d+\.\d+)[\w.~+-]*-(Debian|Ubuntu)% p/ISC BIND/ v/$1/ i/$2/ o/Linux/ cpe:/a:isc:bind:$1/
match domain m%^[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S](9\.\d+\.\d+)(?=[^\w.]|$)% p/ISC BIND/ v/$1/ cpe:/a:isc:bind:$1/
match domain m%^[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S]unbound ([\d.]+)(?=[^\w.]|$)% p/Unbound/ v/$1/ cpe:/a:nlnetlabs:unbound:$1/
match domain m%^[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S]PowerDNS Recursor ([\d.]+)(?=[^\w.]|$)% p/PowerDNS Recursor/ v/$1/ cpe:/a:powerdns:recursor:$1/
match domain m%^[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S]Knot DNS ([\d.]+)(?=[^\w.]|$)% p/Knot DNS/ v/$1/ cpe:/a:cz.nic:knot_dns:$1/
# A unicast server copies the one question (RFC 1035 4.1.1): the root, or a name of two or more
# labels that is not under .local. mDNS answers carry no question or a .local one (RFC 6762 6,
# 3), NetBIOS name service answers none (RFC 1002 4.2.13), LLMNR asks single-label names
# (RFC 4795 2): their headers are DNS headers, their answers are not DNS service.
softmatch domain m%^[\s\S]{2}[\x80-\xff][\x00-\x0f\x80-\x8f]\x00\x01[\s\S]{6}(?:\x00|(?>(?:[\x01-\x3f][\w-]{1,63}){2,})(?<!\x05[Ll][Oo][Cc][Aa][Ll])\x00)%
# A recursive query (RD set) to a unicast server; mDNS, LLMNR and NBNS queries are told apart above.
softclientmatch domain m|^[\s\S]{2}\x01[\x00\x20]\x00\x01\x00\x00\x00\x00\x00[\x00\x01](?:[\x01-\x3f][\w-]{1,63}){2,}\x00|

# --- NTP (RFC 5905): first byte LI(2) VN(3) mode(3); a server answers in mode 4 -------------------------
# The probes are the client's first byte for the common versions and leap indicators.
Probe UDP NTPv4Client q|\x23|
match ntp m%^[\x24\x64\xa4\xe4]\x00[\s\S]{10}(INIT|STEP|RATE|DENY|RSTR)% i/NTP v4, unsynchronized ($1)/
match ntp m|^[\x24\x64\xa4\xe4]\x01[\s\S]{10}([A-Z]{2,4})\0*| i/NTP v4, stratum 1, reference $1/
match ntp m|^[\x24\x64\xa4\xe4]([\x02-\x10])[\s\S]{46}| i/NTP v4, stratum $I(1,">")/
match ntp m|^[\x1c\x5c\x9c\xdc]([\x00-\x10])[\s\S]{46}| i/NTP v3, stratum $I(1,">")/
Probe UDP NTPv4ClientUnsync q|\xe3|
fallback NTPv4Client
Probe UDP NTPv3Client q|\x1b|
fallback NTPv4Client
Probe UDP NTPv3ClientUnsync q|\xdb|
fallback NTPv4Client
Probe UDP NULL q||
clientmatch ntp m|^[\x1b\x23\x5b\x63\x9b\xa3\xdb\xe3][\x00-\x10][\s\S]{46}$| i/client request/

# --- SNMP (RFC 1157, 3416, 3412): SEQUENCE { version, community, PDU } ------------------------------------
Probe UDP SNMPv1GetSysDescr q|\x30\x26\x02\x01\x00\x04\x06public\xa0\x19\x02\x01\x2a\x02\x01\x00\x02\x01\x00\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00|
# GetResponse (0xa2) carrying sysDescr.0 (1.3.6.1.2.1.1.1.0).
match snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01[\x00\x01]\x04[\s\S][\x20-\x7e]{0,64}?\xa2[\s\S]*?\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x04(?:[\x00-\x7f]|\x81[\s\S])Linux ([\w.-]+) (\d[\w.+~-]*)% p/net-snmp/ h/$1/ i/Linux $2/ o/Linux/ cpe:/a:net-snmp:net-snmp/ cpe:/o:linux:linux_kernel:$2/
match snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01[\x00\x01]\x04[\s\S][\x20-\x7e]{0,64}?\xa2[\s\S]*?\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x04(?:[\x00-\x7f]|\x81[\s\S])Cisco IOS Software,[^\0]*?Version ([\w.()]+),% p/Cisco SNMP service/ i/IOS $1/ o/IOS/ cpe:/o:cisco:ios:$1/
match snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01[\x00\x01]\x04[\s\S][\x20-\x7e]{0,64}?\xa2[\s\S]*?\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x04(?:[\x00-\x7f]|\x81[\s\S])Hardware: [^\0]*? - Software: Windows Version ([\d.]+) \(Build (\d+)% p/Microsoft Windows SNMP service/ i/Windows version $1 build $2/ o/Windows/ cpe:/o:microsoft:windows/
match snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01\x00\x04[\s\S]([\x20-\x7e]{0,64}?)\xa2% i/SNMPv1; community $1/
match snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01\x01\x04[\s\S]([\x20-\x7e]{0,64}?)\xa2% i/SNMPv2c; community $1/
clientmatch snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01([\x00\x01])\x04[\s\S]([\x20-\x7e]{1,64}?)[\xa0\xa1\xa3\xa5]% i/client community $2/

Probe UDP SNMPv3Discovery q|\x30\x3a\x02\x01\x03\x30\x0f\x02\x02\x4a\x69\x02\x03\x00\xff\xe3\x04\x01\x04\x02\x01\x03\x04\x10\x30\x0e\x04\x00\x02\x01\x00\x02\x01\x00\x04\x00\x04\x00\x04\x00\x30\x12\x04\x00\x04\x00\xa0\x0c\x02\x02\x37\xf0\x02\x01\x00\x02\x01\x00\x30\x00|
# A Report PDU with the agent's engine ID; enterprise 8072 (0x80001f88) is Net-SNMP.
match snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01\x03\x30[\s\S]{1,40}?\x04[\s\S]\x30[\s\S]\x04[\s\S]\x80\x00\x1f\x88% p/net-snmp/ i/SNMPv3/ cpe:/a:net-snmp:net-snmp/
match snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x02\x01\x03\x30[\s\S]{1,40}?\x04[\s\S]\x30[\s\S]\x04[\s\S]\x80\x00\x00\x09% p/Cisco SNMP service/ i/SNMPv3/ o/IOS/ cpe:/o:cisco:ios/
clientmatch snmp m%^\x30(?:[\x00-\x7f]|\x81[\s\S])\x02\x01\x03\x30(?:[\x00-\x7f]|\x81[\s\S])\x02% i/client SNMPv3/

# --- OpenVPN: opcode<<3 | key id; 7 is P_CONTROL_HARD_RESET_CLIENT_V2, 8 the server's answer ------------------
Probe UDP OpenVPNReset q|\x38|
match openvpn m|^\x40[\s\S]{8}\x01\x00\x00\x00\x00[\s\S]{8}\x00\x00\x00\x00| i/P_CONTROL_HARD_RESET_SERVER_V2/
Probe UDP NULL q||
clientmatch openvpn m%^\x38[\s\S]{8}(?:[\s\S]{20}|[\s\S]{32}|[\s\S]{64})?(?:\x00\x00\x00\x01[\s\S]{4})?\x00\x00\x00\x00\x00$% i/client P_CONTROL_HARD_RESET_CLIENT_V2/

# --- WireGuard: message type in a little-endian word; initiation 148 bytes, response 92, cookie 64 -------------
Probe UDP WireGuardInitiation q|\x01\x00\x00\x00|
match wireguard m%^\x02\x00\x00\x00[\s\S]{88}(?:$|(?=[\x01-\x04]\x00\x00\x00))% i/handshake response/
match wireguard m%^\x03\x00\x00\x00[\s\S]{60}(?:$|(?=[\x01-\x04]\x00\x00\x00))% i/cookie reply/
Probe UDP NULL q||
clientmatch wireguard m%^\x01\x00\x00\x00[\s\S]{144}(?:$|(?=[\x01-\x04]\x00\x00\x00))% i/client handshake initiation/

# --- STUN (RFC 8489): Binding request 0x0001, success response 0x0101, magic cookie 0x2112a442 ---------------
Probe UDP STUNBinding q|\x00\x01|
match stun m%^\x01\x01[\s\S]{2}\x21\x12\xa4\x42[\s\S]{12}[\s\S]*?\x80\x22[\s\S]{2}Coturn-([\d.]+)(?=[ \0]|$)(?: '([^'\0]+)')?% p/coturn/ v/$1/ i/$2/ cpe:/a:coturn_project:coturn:$1/
match stun m|^\x01\x01[\s\S]{2}\x21\x12\xa4\x42[\s\S]{12}[\s\S]*?\x80\x22[\s\S]{2}([\x20-\x7e]{2,})| i/software: $1/
match stun m|^\x01\x01[\s\S]{2}\x21\x12\xa4\x42[\s\S]{12}| i/binding success/
# --- TFTP (RFC 1350): RRQ opcode 1; DATA 3, ERROR 5, OACK 6 (RFC 2347) ----------------------------------------
match tftp m|^\x00\x05\x00[\x00-\x08]([^\0]*)\0| i/error: $1/
match tftp m|^\x00\x03\x00\x01| i/DATA block 1/
match tftp m|^\x00\x06[a-z]+\0\d+\0| i/option acknowledgement/
Probe UDP NULL q||
clientmatch stun m|^\x00\x01[\s\S]{2}\x21\x12\xa4\x42[\s\S]{12}| i/client binding request/
clientmatch tftp m%^\x00[\x01\x02][^\0]{1,255}\0(?:netascii|octet|mail)\0%i i/client read or write request/

# --- SSDP / UPnP discovery (UDP 1900) ---------------------------------------------------------------------------
Probe UDP SSDPSearch q|M-SEARCH * HTTP/1.1\r\n|
match upnp m|^HTTP/1\.1 200 OK\r\n(?:[^\r\n]*\r\n)*?SERVER: ([^\r\n]*?) ?UPnP/([\d.]+) MiniUPnPd/([\d.]+)\r|i p/MiniUPnP/ v/$3/ i/$1; UPnP $2/ cpe:/a:miniupnp_project:miniupnpd:$3/
match upnp m|^HTTP/1\.1 200 OK\r\n(?:[^\r\n]*\r\n)*?SERVER: ([^\r\n]*?) ?DLNADOC/([\d.]+) UPnP/([\d.]+) MiniDLNA/([\d.]+)\r|i p/MiniDLNA/ v/$4/ i/$1; DLNADOC $2; UPnP $3/
match upnp m|^HTTP/1\.1 200 OK\r\n(?:[^\r\n]*\r\n)*?USN: uuid:|i i/SSDP response/
Probe UDP NULL q||
clientmatch upnp m|^M-SEARCH \* HTTP/1\.1\r\n| i/client SSDP discovery/

# --- RADIUS (RFC 2865): code, identifier, length (20..4096), authenticator ----------------------------------------
# A BOOTP/DHCP message (RFC 2131) starts with the same op byte and has its magic cookie at 236;
# a head cut before the cookie is still told apart by its header (Ethernet, address length 6,
# hops 0), which as RADIUS would be identifier 1 with a length of exactly 1536.
Probe UDP RADIUSAccessRequest q|\x01|
match radius m%^(?![\s\S]{236}\x63\x82\x53\x63|\x02\x01\x06\x00)\x02[\s\S](?:\x00[\x14-\xff]|[\x01-\x0f][\s\S])[\s\S]{16}% i/Access-Accept/
match radius m%^(?![\s\S]{236}\x63\x82\x53\x63)\x03[\s\S](?:\x00[\x14-\xff]|[\x01-\x0f][\s\S])[\s\S]{16}% i/Access-Reject/
match radius m%^(?![\s\S]{236}\x63\x82\x53\x63)\x0b[\s\S](?:\x00[\x14-\xff]|[\x01-\x0f][\s\S])[\s\S]{16}% i/Access-Challenge/
Probe UDP NULL q||
clientmatch radius m%^(?![\s\S]{236}\x63\x82\x53\x63)\x01[\s\S](?:\x00[\x14-\xff]|[\x01-\x0f][\s\S])[\s\S]{16}\x01([\x03-\xff])% i/client Access-Request/

# --- L2TP (RFC 2661): control message flags 0xc802; Message Type AVP first ------------------------------------------
Probe UDP L2TPControl q|\xc8\x02|
match l2tp m|^\xc8\x02[\s\S]{2}[\s\S]{2}\x00\x00[\s\S]{4}\x80\x08\x00\x00\x00\x00\x00\x02[\s\S]*?[\x00\x80][\s\S]\x00\x00\x00\x08([\x20-\x7e]+)| i/SCCRP; vendor $1/
match l2tp m|^\xc8\x02[\s\S]{2}[\s\S]{2}\x00\x00[\s\S]{4}\x80\x08\x00\x00\x00\x00\x00\x02| i/SCCRP/
Probe UDP NULL q||
clientmatch l2tp m|^\xc8\x02[\s\S]{2}\x00\x00\x00\x00\x00\x00\x00\x00\x80\x08\x00\x00\x00\x00\x00\x01| i/client SCCRQ/

# --- DHCP (RFC 2131): BOOTREQUEST/BOOTREPLY with the magic cookie at offset 236 ----------------------------------------
Probe UDP DHCPDiscover q|\x01\x01\x06|
match dhcps m|^\x02\x01\x06[\s\S]{233}\x63\x82\x53\x63| i/DHCP reply/
Probe UDP NULL q||
clientmatch dhcps m|^\x01\x01\x06[\s\S]{233}\x63\x82\x53\x63| i/client DHCP request/

# --- Quake III engine: connectionless packets start with four 0xff bytes ----------------------------------------------
Probe UDP Quake3GetStatus q|\xff\xff\xff\xffget|
match quake3 m%^\xff\xff\xff\xff(?:statusResponse|infoResponse)\n\\[^\0]*?\\version\\([^\\\n]+)% i/version $1/
match quake3 m%^\xff\xff\xff\xff(?:statusResponse|infoResponse)\n\\% i/status response/
Probe UDP NULL q||
clientmatch quake3 m%^\xff\xff\xff\xffget(?:status|info)% i/client status query/

# --- Kerberos over UDP: AS-REQ (APPLICATION 10) from the client, KRB-ERROR (30) or AS-REP (11) back ------------------
Probe UDP KerberosASReq q|\x6a|
match kerberos-sec m%^\x7e(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\xa0\x03\x02\x01\x05\xa1\x03\x02\x01\x1e% i/KRB-ERROR/
Probe UDP NULL q||
clientmatch kerberos-sec m%^[\x6a\x6c](?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\xa1\x03\x02\x01\x05\xa2\x03\x02\x01[\x0a\x0c]% i/client AS-REQ or TGS-REQ/

# --- Memcached over UDP: an 8-byte frame header (request id, sequence number, datagram count,
# reserved 0) before the text of a command or its answer. The request id varies, so these sit
# under NULL; the server's answer repeats the client's id, with the sequence number 0 first.
Probe UDP NULL q||
match memcached m|^[\s\S]{2}\x00\x00\x00\x01\x00\x00VERSION (\d[\w.-]*)\r| p/Memcached/ v/$1/ cpe:/a:memcached:memcached:$1/
match memcached m|^[\s\S]{2}\x00\x00[\s\S]{2}\x00\x00STAT pid \d+\r\n(?:STAT [^\r\n]+\r\n)*?STAT version ([\d.]+)\r| p/Memcached/ v/$1/ cpe:/a:memcached:memcached:$1/
clientmatch memcached m%^[\s\S]{2}\x00\x00\x00\x01\x00\x00(?:stats|version|gets?|set|add|delete|incr|decr)[ \r]% i/client command over UDP/

# --- Client-only evidence: the server never answers these ------------------------------------------------------------
# syslog (RFC 3164 "<PRI>Mmm dd hh:mm:ss" or RFC 5424 "<PRI>1 YYYY-MM-DDT...").
clientmatch syslog m%^<\d{1,3}>(?:1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d )% i/client message/
# IKE (RFC 2408 / RFC 7296): initiator SPI, zero responder SPI, version 1.0 or 2.0.
clientmatch isakmp m|^[\s\S]{8}\x00{8}[\x01-\x30][\x10\x20][\x02\x04\x22]| i/client initiator/
# ONC RPC call over UDP to the portmapper.
clientmatch rpcbind m|^[\s\S]{4}\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa0\x00\x00\x00[\x02-\x04]| i/client call to the portmapper/
