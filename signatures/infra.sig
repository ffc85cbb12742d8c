# infra.sig - network plumbing over TCP: DNS over TCP (RFC 1035 4.2.2, 2-byte
# length), SOCKS (RFC 1928, SOCKS4 protocol note), BGP (RFC 4271), ONC RPC
# portmapper (RFC 1833, record marking RFC 5531 11), ident (RFC 1413), finger
# (RFC 1288), whois (RFC 3912), daytime (RFC 867), Modbus/TCP (MBAP header),
# PPTP (RFC 2637), OpenVPN over TCP, Minecraft server list ping, Bitcoin P2P.

# --- DNS over TCP: a response (QR set) to the client's query --------------------------------------
# version.bind CHAOS TXT answers name the server software.
Probe TCP DNSStatusTCP q|\x00\x1e\xbe\xef\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04bind\x00\x00\x10\x00\x03|
match domain m%^[\s\S]{2}[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S]dnsmasq-([\w.]+)(?=[^\w.]|$)% p/dnsmasq/ v/$1/ cpe:/a:thekelleys:dnsmasq:$1/
match domain m%^[\s\S]{2}[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S](9\.\d+\.\d+)[\w.~+-]*-(Debian|Ubuntu)% p/ISC BIND/ v/$1/ i/$2/ o/Linux/ cpe:/a:isc:bind:$1/
match domain m%^[\s\S]{2}[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S](9\.\d+\.\d+)(?=[^\w.]|$)% p/ISC BIND/ v/$1/ cpe:/a:isc:bind:$1/
match domain m%^[\s\S]{2}[\s\S]{2}[\x80-\xff][\s\S]\x00\x01\x00[\x01-\x0f][\s\S]{4}\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03[\s\S]{4}[\s\S]{2}[\s\S]unbound ([\d.]+)(?=[^\w.]|$)% p/Unbound/ v/$1/ cpe:/a:nlnetlabs:unbound:$1/
softmatch domain m|^[\s\S]{2}[\s\S]{2}[\x80-\xff][\x00-\x0f\x80-\x8f]\x00[\x00\x01]|

# A DNS response over TCP whose query was cut short (no probe recognised it): soft only.
Probe TCP NULL q||
softmatch domain m|^\x00[\x0c-\xff][\s\S]{2}[\x80-\x87][\x00-\x0f\x80-\x8f]\x00\x01\x00[\x00-\x10]\x00[\x00-\x10]\x00[\x00-\x10]|

# --- SOCKS5: version 5, the method the server chose ------------------------------------------------
Probe TCP SOCKS5Greeting q|\x05|
match socks5 m%^\x05\x00(?:$|\x05[\x00-\x08]\x00[\x01\x03\x04])% i/no authentication/
match socks5 m%^\x05\x02(?:$|\x01[\x00-\xff])% i|username/password authentication|
match socks5 m|^\x05\xff$| i/no acceptable methods/

# --- SOCKS4: reply version 0, status 0x5a granted, 0x5b-0x5d rejected ------------------------------
Probe TCP SOCKS4Connect q|\x04\x01|
match socks4 m|^\x00\x5a[\s\S]{6}| i/request granted/
match socks4 m|^\x00([\x5b-\x5d])[\s\S]{6}| i/request rejected or failed, code $I(1,">")/

Probe TCP NULL q||
clientmatch socks5 m%^\x05[\x01-\x08][\x00-\x03\x80-\xfe]{1,8}(?:$|\x05[\x01-\x03]\x00[\x01\x03\x04]|\x01[\x01-\xff])% i/client greeting/
clientmatch socks4 m|^\x04[\x01\x02][\s\S]{2}[\s\S]{4}[^\0]{0,255}\0| i/client request/

# --- BGP: 16 bytes of 0xff marker, length, type; OPEN (1) carries version 4, AS, hold time --------
match bgp m|^\xff{16}[\x00\x01][\s\S]\x01\x04([\s\S]{2})([\s\S]{2})| i/OPEN, AS $I(1,">"), hold time $I(2,">")/
match bgp m|^\xff{16}\x00[\x15-\xff]\x03([\x01-\x06])| i/NOTIFICATION, error code $I(1,">")/
clientmatch bgp m|^\xff{16}[\x00\x01][\s\S]\x01\x04([\s\S]{2})| i/peer OPEN, AS $I(1,">")/

# --- ONC RPC over TCP: record mark (last fragment bit), xid, CALL 0 / REPLY 1 -----------------------
# A portmapper DUMP reply: accepted, success, and the first mapping is the portmapper itself.
match rpcbind m|^\x80[\s\S]{3}[\s\S]{4}\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01\x86\xa0\x00\x00\x00[\x02-\x04]| i/RPC #100000 (portmapper) dump/
clientmatch rpcbind m|^\x80[\s\S]{3}[\s\S]{4}\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa0\x00\x00\x00[\x02-\x04]| i/client call to the portmapper/
clientmatch nfs m|^\x80[\s\S]{3}[\s\S]{4}\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa3\x00\x00\x00[\x02-\x04]| i/client call to NFS/
clientmatch mountd m|^\x80[\s\S]{3}[\s\S]{4}\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa5\x00\x00\x00[\x01-\x03]| i/client call to mountd/

# --- ident: "<port> , <port> : USERID : <os> : <user>" or ": ERROR : <reason>" --------------------
match ident m|^\d{1,5} ?, ?\d{1,5} ?: ?USERID ?: ?([^:\r\n]+?) ?: ?([^\r\n]+)\r?\n| i/user $2, os $1/
match ident m|^\d{1,5} ?, ?\d{1,5} ?: ?ERROR ?: ?([A-Z-]+)\r?\n| i/error $1/
clientmatch ident m|^\d{1,5} ?, ?\d{1,5}\r?\n$| i/client query/

# --- finger: the classic BSD/netkit layout ---------------------------------------------------------
match finger m|^Login: [^\s]+\s+Name: [^\r\n]*\r?\nDirectory: [^\s]+\s+Shell: [^\r\n]+\r?\n| p/Linux fingerd/ o/Linux/
match finger m|^No one logged on\.?\r?\n| i/no one logged on/

# --- whois --------------------------------------------------------------------------------------------
match whois m|^% IANA WHOIS server\r?\n| p/IANA whois/
match whois m|^% This is the RIPE Database query service\.| p/RIPE NCC whois/
match whois m|^\s*Domain Name: [\w.-]+\r?\n\s*Registry Domain ID: | i/ICANN registry format/

# --- daytime: one line of the current time ----------------------------------------------------------
match daytime m%^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}\r?\n$% i/ctime format/

# --- Modbus/TCP: MBAP header (transaction, protocol 0, length, unit) then the function code ---------
# Read Device Identification (0x2b/0x0e) returns vendor, product code and revision objects.
match modbus m%^[\s\S]{2}\x00\x00\x00[\x08-\xfd][\s\S]\x2b\x0e[\x01-\x04][\s\S][\x00\xff][\s\S][\s\S]\x00[\s\S]([\x20-\x7e]+)\x01[\s\S]([\x20-\x7e]+)\x02[\s\S]([\x20-\x7e]+)(?=[\x00-\x1f]|$)% p/$1/ v/$3/ i/product code $2/ d/specialized/
match modbus m|^[\s\S]{2}\x00\x00\x00[\x03-\xfd][\s\S][\x01-\x04]([\s\S])| i/read response, $I(1,">") bytes/
match modbus m|^[\s\S]{2}\x00\x00\x00\x03[\s\S]([\x81-\x84\x85\x86\x8f\x90\xab])([\x01-\x0b])| i/exception $I(2,">") to function $I(1,">")/
clientmatch modbus m%^[\s\S]{2}\x00\x00\x00[\x02-\xfd][\s\S](?:[\x01-\x06]\x00[\s\S]\x00[\s\S]|\x2b\x0e[\x01-\x04][\s\S])% i/client request/

# --- PPTP: Start-Control-Connection-Reply, 156 bytes, magic cookie 0x1a2b3c4d ---------------------------
match pptp m|^\x00\x9c\x00\x01\x1a\x2b\x3c\x4d\x00\x02\x00\x00\x01\x00[\x01-\x05]\x00[\s\S]{8}[\s\S]{2}[\s\S]{2}([^\0]{1,64})\0*([^\0]{1,64})| h/$1/ i/vendor $2/
clientmatch pptp m|^\x00\x9c\x00\x01\x1a\x2b\x3c\x4d\x00\x01| i/client Start-Control-Connection-Request/

# --- OpenVPN over TCP: 2-byte packet length, then opcode<<3 | key id -----------------------------------
# P_CONTROL_HARD_RESET_SERVER_V2 (8) acknowledging the client's reset.
match openvpn m|^\x00[\x1a-\xff]\x40[\s\S]{8}\x01\x00\x00\x00\x00[\s\S]{8}\x00\x00\x00\x00| i/P_CONTROL_HARD_RESET_SERVER_V2/
clientmatch openvpn m|^\x00\x0e\x38[\s\S]{8}\x00\x00\x00\x00\x00| i/client P_CONTROL_HARD_RESET_CLIENT_V2/

# --- Minecraft: status response (packet 0) with the JSON version object --------------------------------
match minecraft m|^[\s\S]{1,3}?\x00[\s\S]{1,3}?\{[^\0]*?"version":\{"name":"([^"]+)"(?:,"protocol":(\d+)\})?| p/Minecraft/ v/$1/ i/protocol $2/
clientmatch minecraft m|^[\x0f-\x7f]\x00(?:[\x80-\xff]{0,4}[\x00-\x7f])[\x01-\x7f][\w.-]+[\s\S]{2}[\x01\x02]| i/client handshake/

# --- Bitcoin P2P: mainnet magic, "version" command, user agent at offset 104 ------------------------
match bitcoin m|^\xf9\xbe\xb4\xd9version\x00{5}[\s\S]{88}[\s\S]/Satoshi:([\d.]+)/| p/Bitcoin Core/ v/$1/ cpe:/a:bitcoin:bitcoin_core:$1/
match bitcoin m|^\xf9\xbe\xb4\xd9version\x00{5}[\s\S]{88}[\s\S](/[^\0/]{1,40}:[\d.]+/)| i/user agent $1/
clientmatch bitcoin m|^\xf9\xbe\xb4\xd9version\x00{5}| i/client version message/
