# remote-access.sig - remote shells and desktops: SSH, Telnet, VNC (RFB), RDP.
#
# Written from the protocols (RFC 4253 section 4.2 for the SSH identification
# string, RFC 854/855 for Telnet option negotiation, RFC 6143 for RFB,
# [MS-RDPBCGR] 2.2.1.1/2.2.1.2 for the RDP connection sequence) and from the
# banners of real servers; each line has an example in tests/signatures/.

Probe TCP NULL q||

# --- SSH: "SSH-protoversion-softwareversion [SP comments] CR LF" ---------------------------
# Debian and Ubuntu packages append their package revision as the comment.
# A head cut short (signatures/README.md, "Heads cut short"): a version counts once the byte
# after it (the space before the comment, or the line end) is in the head, so a head cut in
# the comment still gives it. OpenSSH portable's "N.NpD" is complete as it stands and counts
# at the very end of a head too; "OpenSSH_9.2" at the end of a cut head may be the start of
# "9.2p1" (OpenBSD's own sshd sends exactly "OpenSSH_9.2"), so it gives the product alone.
match ssh m|^SSH-([\d.]+)-OpenSSH_([\w.]+) Debian-([^\s\r\n]+)\r?\n| p/OpenSSH/ v/$2/ i/Debian $3; protocol $1/ o/Linux/ cpe:/a:openbsd:openssh:$2/ cpe:/o:debian:debian_linux/
match ssh m|^SSH-([\d.]+)-OpenSSH_([\w.]+) Ubuntu-([^\s\r\n]+)\r?\n| p/OpenSSH/ v/$2/ i/Ubuntu $3; protocol $1/ o/Linux/ cpe:/a:openbsd:openssh:$2/ cpe:/o:canonical:ubuntu_linux/
match ssh m|^SSH-([\d.]+)-OpenSSH_([\w.]+) Raspbian-([^\s\r\n]+)\r?\n| p/OpenSSH/ v/$2/ i/Raspbian $3; protocol $1/ o/Linux/ cpe:/a:openbsd:openssh:$2/
match ssh m|^SSH-([\d.]+)-OpenSSH_([\w.]+) FreeBSD-(\d+)\r?\n| p/OpenSSH/ v/$2/ i/FreeBSD $3; protocol $1/ o/FreeBSD/ cpe:/a:openbsd:openssh:$2/ cpe:/o:freebsd:freebsd/
match ssh m%^SSH-([\d.]+)-OpenSSH_for_Windows_([\w.]+)(?=[ \r\n]|$)% p/OpenSSH for Windows/ v/$2/ i/protocol $1/ o/Windows/ cpe:/a:openbsd:openssh:$2/ cpe:/o:microsoft:windows/
match ssh m%^SSH-([\d.]+)-OpenSSH_([\w.]+)(?=[ \r\n]|$)% p/OpenSSH/ v/$2/ i/protocol $1/ cpe:/a:openbsd:openssh:$2/
match ssh m|^SSH-([\d.]+)-OpenSSH_(\d+\.\d+(?:\.\d+)?p\d)\z| p/OpenSSH/ v/$2/ i/protocol $1/ cpe:/a:openbsd:openssh:$2/
match ssh m|^SSH-([\d.]+)-OpenSSH_\d| p/OpenSSH/ i/protocol $1/ cpe:/a:openbsd:openssh/
match ssh m%^SSH-([\d.]+)-dropbear_([\w.]+)(?=[ \r\n]|$)% p/Dropbear sshd/ v/$2/ i/protocol $1/ cpe:/a:matt_johnston:dropbear_ssh_server:$2/
match ssh m%^SSH-([\d.]+)-dropbear(?:_|\r?\n)% p/Dropbear sshd/ i/protocol $1/ cpe:/a:matt_johnston:dropbear_ssh_server/
match ssh m%^SSH-([\d.]+)-libssh[_-]([\d.]+)(?=[ \r\n]|$)% p/libssh/ v/$2/ i/protocol $1/ cpe:/a:libssh:libssh:$2/
match ssh m%^SSH-([\d.]+)-Cisco-([\d.]+)(?=[ \r\n]|$)% p/Cisco SSH/ v/$2/ i/protocol $1/ o/IOS/ cpe:/o:cisco:ios/
match ssh m|^SSH-([\d.]+)-ROSSSH\r?\n| p/MikroTik RouterOS sshd/ i/protocol $1/ o/RouterOS/ d/router/ cpe:/o:mikrotik:routeros/
match ssh m%^SSH-([\d.]+)-paramiko_([\d.]+)(?=[ \r\n]|$)% p/Paramiko Python sshd/ v/$2/ i/protocol $1/ cpe:/a:paramiko:paramiko:$2/
match ssh m%^SSH-([\d.]+)-AsyncSSH_([\d.]+)(?=[ \r\n]|$)% p/AsyncSSH sshd/ v/$2/ i/protocol $1/
match ssh m|^SSH-([\d.]+)-Go\r?\n| p|Golang x/crypto/ssh server| i/protocol $1/
match ssh m%^SSH-([\d.]+)-Erlang/([\d.]+)(?=[ \r\n]|$)% p/Erlang sshd/ v/$2/ i/protocol $1/ cpe:/a:erlang:erlang_otp:$2/
match ssh m%^SSH-([\d.]+)-APACHE-SSHD-([\d.]+)(?=[ \r\n]|$)% p/Apache MINA sshd/ v/$2/ i/protocol $1/ cpe:/a:apache:sshd:$2/
match ssh m%^SSH-([\d.]+)-[\d.]+ FlowSsh: Bitvise SSH Server \(WinSSHD\) ([\d.]+)(?=[ \r\n]|$)% p/Bitvise WinSSHD/ v/$2/ i/protocol $1/ o/Windows/ cpe:/o:microsoft:windows/
softmatch ssh m|^SSH-\d\.\d+-|
# The client announces itself the same way before anything else happens.
clientmatch ssh m|^SSH-(\d\.\d+)-([^\s\r\n]+)[^\r\n]*\r?\n| i/client: $2/

# --- Telnet: the server opens with option negotiation (IAC DO/DONT/WILL/WONT opt) ----------
# GNU inetutils telnetd: WILL AUTHENTICATION, WILL ENCRYPT, DO TTYPE, DO TSPEED,
# DO XDISPLOC, DO NEW-ENVIRON, DO ENVIRON.
match telnet m|^\xff\xfb\x25\xff\xfb\x26\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27\xff\xfd\x24| p/GNU inetutils telnetd/ o/Linux/ cpe:/a:gnu:inetutils/
# BusyBox telnetd: DO ECHO, DO NAWS, WILL ECHO, WILL SGA.
match telnet m|^\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03| p/BusyBox telnetd/ o/Linux/ cpe:/a:busybox:busybox/
softmatch telnet m|^\xff[\xfb-\xfe][\x00-\x2a]|

# --- VNC: "RFB xxx.yyy\n" from the server first --------------------------------------------
match vnc m|^RFB 003\.889\n| p/Apple remote desktop vnc/ o/Mac OS X/ cpe:/o:apple:mac_os_x/
match vnc m|^RFB 00(\d)\.00(\d)\n| p/VNC/ i/protocol $1.$2/
clientmatch vnc m|^RFB 00(\d)\.00(\d)\n| i/client protocol $1.$2/

# --- RDP: X.224 Connection Confirm (TPKT 3 0, LI, 0xd0) answering the client's request ------
# RDP_NEG_RSP (type 2, length 8) says which security protocol the server selected.
match ms-wbt-server m|^\x03\x00\x00\x13\x0e\xd0\x00\x00..\x00\x02.\x08\x00\x02\x00\x00\x00|s p/Microsoft Terminal Services/ i/security: CredSSP (NLA)/ o/Windows/ cpe:/o:microsoft:windows/
match ms-wbt-server m|^\x03\x00\x00\x13\x0e\xd0\x00\x00..\x00\x02.\x08\x00\x01\x00\x00\x00|s i/security: TLS/
match ms-wbt-server m|^\x03\x00\x00\x13\x0e\xd0\x00\x00..\x00\x02.\x08\x00\x00\x00\x00\x00|s i/security: standard RDP/
match ms-wbt-server m|^\x03\x00\x00\x13\x0e\xd0\x00\x00..\x00\x03.\x08\x00([\x01-\x06])\x00\x00\x00|s i/negotiation failure code $I(1,">")/
match ms-wbt-server m|^\x03\x00\x00\x0b\x06\xd0\x00\x00..\x00|s i/no security negotiation/
# The client's X.224 Connection Request carries a routing cookie or an RDP_NEG_REQ.
clientmatch ms-wbt-server m|^\x03\x00\x00.[\x06-\xfe]\xe0\x00\x00..\x00Cookie: mstshash=([^\r\n]{1,64})\r\n|s i/client cookie user: $1/
clientmatch ms-wbt-server m|^\x03\x00\x00.[\x06-\xfe]\xe0\x00\x00..\x00\x01[\x00-\x0f]\x08\x00|s i/client negotiation request/
