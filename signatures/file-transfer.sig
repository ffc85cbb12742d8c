# file-transfer.sig - FTP (RFC 959 greeting "220 text"), rsync daemon
# ("@RSYNCD: <protocol>" both ways), git daemon (pkt-lines, Documentation/
# gitprotocol-pack.txt), SMB over TCP 139/445 ([MS-SMB2] 2.2.3/2.2.4,
# [MS-CIFS] 2.2.4.52) and the NetBIOS session service (RFC 1002 4.3).

Probe TCP NULL q||

# --- FTP ----------------------------------------------------------------------------------
match ftp m|^220 \(vsFTPd ([\d.]+)\)| p/vsftpd/ v/$1/ cpe:/a:beasts:vsftpd:$1/
match ftp m|^220[ -]ProFTPD (\d[\w.]*)(?= )(?: Server \(([^)\r\n]*)\))?| p/ProFTPD/ v/$1/ i/$2/ cpe:/a:proftpd:proftpd:$1/
match ftp m%^220[ -]ProFTPD Server \((Debian|Ubuntu)\)% p/ProFTPD/ i/$1/ o/Linux/ cpe:/a:proftpd:proftpd/
match ftp m|^220[ -]ProFTPD Server \(([^)\r\n]*)\)| p/ProFTPD/ i/$1/ cpe:/a:proftpd:proftpd/
match ftp m|^220-+ Welcome to Pure-FTPd \[privsep\] \[TLS\] -+\r\n| p/Pure-FTPd/ i/privsep, TLS/ cpe:/a:pureftpd:pure-ftpd/
match ftp m|^220-+ Welcome to Pure-FTPd(?: \[[^\]\r\n]*\])* -+\r\n| p/Pure-FTPd/ cpe:/a:pureftpd:pure-ftpd/
match ftp m|^220-FileZilla Server (?:version )?(\d[\w.]*(?: beta)?)\r| p/FileZilla ftpd/ v/$1/ o/Windows/ cpe:/a:filezilla-project:filezilla_server:$1/ cpe:/o:microsoft:windows/
match ftp m|^220[ -]Microsoft FTP Service\r\n| p/Microsoft ftpd/ o/Windows/ cpe:/a:microsoft:ftp_service/ cpe:/o:microsoft:windows/
match ftp m|^220[ -]Serv-U FTP Server v([\d.]+) | p/Serv-U ftpd/ v/$1/ o/Windows/ cpe:/a:serv-u:serv-u:$1/ cpe:/o:microsoft:windows/
# Not SMTP: both greet with 220, and a mail host may be called ftp.example.org.
softmatch ftp m|^220[ -](?![^\r\n]*SMTP)[^\r\n]*FTP|i

# --- rsync daemon -------------------------------------------------------------------------
match rsync m%^@RSYNCD: (\d+\.\d+|\d+)[ \n]% p/rsync/ i/protocol version $1/
clientmatch rsync m%^@RSYNCD: (\d+\.\d+|\d+)[^\n]*\n% i/client protocol version $1/

# --- git daemon: the client names the service and the repository ---------------------------
match git m%^[0-9a-f]{4}[0-9a-f]{40} (?:HEAD|refs/[^\0\n]+)\0[^\n]*agent=git/([\w.-]+)(?=[\s\0]|$)% p/git-daemon/ v/$1/ i/protocol v0/ cpe:/a:git-scm:git:$1/
match git m|^000eversion 2\n(?:[0-9a-f]{4}[^\n]*\n)*?[0-9a-f]{4}agent=git/([\w.-]+)\n| p/git-daemon/ v/$1/ i/protocol v2/ cpe:/a:git-scm:git:$1/
match git m|^[0-9a-f]{4}ERR ([^\n]*)| p/git-daemon/ i/error: $1/
clientmatch git m%^[0-9a-f]{4}git-(?:upload-pack|receive-pack|upload-archive) ([^\0]{1,200})\0host=([^\0]{1,255})\0% i/client requested $1 from $2/

# --- SMB2/3 negotiate response over the NetBIOS session framing -----------------------------
# Header: 0xFE 'SMB', StructureSize 64, status 0, command 0 (NEGOTIATE), flags with
# SERVER_TO_REDIR; body: StructureSize 65, SecurityMode, DialectRevision.
match microsoft-ds m|^\x00[\x00\x01]..\xfeSMB\x40\x00..\x00\x00\x00\x00\x00\x00..[\x01\x09]\x00\x00\x00.{44}\x41\x00..\x11\x03|s i/SMB 3.1.1 dialect/
match microsoft-ds m|^\x00[\x00\x01]..\xfeSMB\x40\x00..\x00\x00\x00\x00\x00\x00..[\x01\x09]\x00\x00\x00.{44}\x41\x00..\x02\x03|s i/SMB 3.0.2 dialect/
match microsoft-ds m|^\x00[\x00\x01]..\xfeSMB\x40\x00..\x00\x00\x00\x00\x00\x00..[\x01\x09]\x00\x00\x00.{44}\x41\x00..\x00\x03|s i/SMB 3.0 dialect/
match microsoft-ds m|^\x00[\x00\x01]..\xfeSMB\x40\x00..\x00\x00\x00\x00\x00\x00..[\x01\x09]\x00\x00\x00.{44}\x41\x00..\x10\x02|s i/SMB 2.1 dialect/
match microsoft-ds m|^\x00[\x00\x01]..\xfeSMB\x40\x00..\x00\x00\x00\x00\x00\x00..[\x01\x09]\x00\x00\x00.{44}\x41\x00..\x02\x02|s i/SMB 2.0.2 dialect/
match microsoft-ds m|^\x00[\x00\x01]..\xfeSMB\x40\x00..\x00\x00\x00\x00\x00\x00..[\x01\x09]\x00\x00\x00.{44}\x41\x00..\xff\x02|s i/SMB2 wildcard dialect (answer to an SMB1 multi-protocol negotiate)/
# SMB1 NEGOTIATE (0x72) response: status 0, FLAGS with the reply bit.
match microsoft-ds m|^\x00...\xffSMBr\x00\x00\x00\x00[\x80-\xff]|s i/SMB1 negotiate/
clientmatch microsoft-ds m|^\x00[\x00\x01]..\xfeSMB\x40\x00.{6}\x00\x00.{2}[\x00\x08]\x00\x00\x00|s i/client SMB2 negotiate/
clientmatch microsoft-ds m%^\x00...\xffSMBr\x00\x00\x00\x00[\x00-\x7f].{22}\x00[\s\S]{2}\x02(?:NT LM 0\.12|SMB 2\.002|SMB 2\.\?\?\?)\0%s i/client SMB1 negotiate/

# --- NetBIOS session service (TCP 139): session request and its answer -------------------------
Probe TCP NetBIOSSessionRequest q|\x81\x00|
match netbios-ssn m|^\x82\x00\x00\x00| i/positive session response/
match netbios-ssn m|^\x83\x00\x00\x01([\x80-\x8f])| i/negative session response $I(1,">")/
clientmatch netbios-ssn m|^\x81\x00\x00\x44\x20[A-P]{32}\x00\x20[A-P]{32}\x00| i/client session request/
