# mail.sig - mail and news: SMTP (RFC 5321 greeting "220 host text"), POP3
# (RFC 1939 "+OK text"), IMAP (RFC 9051 "* OK [...] text"), NNTP (RFC 3977
# "200/201 text"). All of them greet first, so every line sits under NULL.
# Products are told by the greeting text their authors chose.

Probe TCP NULL q||

# --- SMTP ---------------------------------------------------------------------------------
match smtp m%^220[ -]([\w.-]+) ESMTP Postfix \((Debian|Ubuntu)(?:/GNU)?\)\r\n% p/Postfix smtpd/ h/$1/ i/$2/ o/Linux/ cpe:/a:postfix:postfix/
match smtp m|^220[ -]([\w.-]+) ESMTP Postfix(?: \(([^)\r\n]*)\))?\r\n| p/Postfix smtpd/ h/$1/ i/$2/ cpe:/a:postfix:postfix/
match smtp m%^220[ -]([\w.-]+) ESMTP Exim ([\d.]+)(?: (Debian|Ubuntu))? % p/Exim smtpd/ v/$2/ h/$1/ i/$3/ cpe:/a:exim:exim:$2/
match smtp m%^220[ -]([\w.-]+) ESMTP Sendmail ([\d.]+)/[\d.]+/(Debian|Ubuntu)-([^;\s]+); % p/Sendmail/ v/$2/ h/$1/ i/$3 $4/ o/Linux/ cpe:/a:sendmail:sendmail:$2/
match smtp m|^220[ -]([\w.-]+) ESMTP Sendmail ([\d.]+)(?=/)(?:/([\d.]+)[;/])?| p/Sendmail/ v/$2/ h/$1/ i/Sendmail config $3/ cpe:/a:sendmail:sendmail:$2/
match smtp m|^220[ -]([\w.-]+) ESMTP OpenSMTPD\r\n| p/OpenSMTPD/ h/$1/ cpe:/a:openbsd:opensmtpd/
match smtp m|^220[ -]([\w.-]+) Microsoft ESMTP MAIL Service, Version: ([\d.]+)(?= )| p/Microsoft ESMTP/ v/$2/ h/$1/ o/Windows/ cpe:/o:microsoft:windows/
match smtp m|^220[ -]([\w.-]+) Microsoft ESMTP MAIL Service ready at | p/Microsoft Exchange smtpd/ h/$1/ o/Windows/ cpe:/a:microsoft:exchange_server/ cpe:/o:microsoft:windows/
match smtp m|^220[ -]([\w.-]+) ESMTP Haraka(?:/([\d.]+))?(?=[ \r])| p/Haraka smtpd/ v/$2/ h/$1/ cpe:/a:haraka_project:haraka:$2/
softmatch smtp m|^220[ -][^\r\n]*SMTP|i

# --- POP3 ---------------------------------------------------------------------------------
match pop3 m%^\+OK Dovecot \((Debian|Ubuntu)\) ready\.\r\n% p/Dovecot pop3d/ i/$1/ o/Linux/ cpe:/a:dovecot:dovecot/
match pop3 m|^\+OK Dovecot ready\.\r\n| p/Dovecot pop3d/ cpe:/a:dovecot:dovecot/
match pop3 m|^\+OK Hello there\.\r\n| p/Courier pop3d/ cpe:/a:courier-mta:courier_mail_server/
match pop3 m|^\+OK ([\w.-]+) Cyrus POP3 v?([\d.]+)(?=[-\s])(?:-([^\s]+) )?| p/Cyrus pop3d/ v/$2/ h/$1/ i/$3/ cpe:/a:cmu:cyrus_imap_server:$2/
match pop3 m|^\+OK The Microsoft Exchange POP3 service is ready\.| p/Microsoft Exchange pop3d/ o/Windows/ cpe:/a:microsoft:exchange_server/ cpe:/o:microsoft:windows/
softmatch pop3 m|^\+OK [^\r\n]|

# --- IMAP ---------------------------------------------------------------------------------
match imap m%^\* OK (?:\[CAPABILITY [^\]\r\n]*\] )?Dovecot \((Debian|Ubuntu)\) ready\.\r\n% p/Dovecot imapd/ i/$1/ o/Linux/ cpe:/a:dovecot:dovecot/
match imap m|^\* OK (?:\[CAPABILITY [^\]\r\n]*\] )?Dovecot ready\.\r\n| p/Dovecot imapd/ cpe:/a:dovecot:dovecot/
match imap m|^\* OK (?:\[CAPABILITY [^\]\r\n]*\] )?Courier-IMAP ready\. Copyright 1998-(\d+) Double Precision| p/Courier Imapd/ i/released $1/ cpe:/a:courier-mta:courier_mail_server/
match imap m|^\* OK (?:\[CAPABILITY [^\]\r\n]*\] )?([\w.-]+) Cyrus IMAP v?([\d.]+)(?=[-\s])(?:-([^\s]+) )?| p/Cyrus imapd/ v/$2/ h/$1/ i/$3/ cpe:/a:cmu:cyrus_imap_server:$2/
match imap m|^\* OK The Microsoft Exchange IMAP4 service is ready\.| p/Microsoft Exchange imapd/ o/Windows/ cpe:/a:microsoft:exchange_server/ cpe:/o:microsoft:windows/
softmatch imap m%^\* (?:OK|PREAUTH) [^\r\n]%

# --- NNTP ---------------------------------------------------------------------------------
match nntp m|^20[01] ([\w.-]+) InterNetNews NNRP server INN ([\d.]+)(?=[ \r])| p/INN nnrpd/ v/$2/ h/$1/ cpe:/a:isc:inn:$2/
match nntp m|^20[01] ([\w.-]+) InterNetNews server INN ([\d.]+)(?=[ \r])| p/INN innd/ v/$2/ h/$1/ cpe:/a:isc:inn:$2/
match nntp m|^20[01] Leafnode NNTP Daemon, version ([\d.]+)(?=[ \r])(?: running at ([\w.-]+)\s)?| p/Leafnode nntpd/ v/$1/ h/$2/
softmatch nntp m=^20[01] [^\r\n]*(?:NNTP|news)=i
