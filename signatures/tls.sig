# tls.sig - TLS records (RFC 8446 5.1, RFC 5246 6.2): the service is "ssl";
# what runs inside is for the TLS parser and for other evidence to tell.
#
# A ServerHello arrives in a handshake record (type 22, version 3.x) whose
# first message is type 2; its legacy_version says TLS 1.0-1.2, and TLS 1.3
# is told by the supported_versions extension (43) selecting 0x0304.

Probe TCP TLSClientHello q|\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03\x50\x53\x4c\x45\x55\x54\x48\x20\x70\x6f\x72\x74\x73\x6c\x65\x75\x74\x68\x20\x70\x72\x6f\x62\x65\x20\x20\x20\x20\x20\x20\x00\x00\x02\x13\x01\x01\x00\x00\x00|
match ssl m%^\x16\x03\x03[\s\S]{2}\x02[\s\S]{3}\x03\x03[\s\S]{32}(?:\x00|\x20[\s\S]{32})[\s\S]{2}\x00[\s\S]{2}[\s\S]*?\x00\x2b\x00\x02\x03\x04% i/TLSv1.3/
match ssl m|^\x16\x03[\x01-\x03][\s\S]{2}\x02[\s\S]{3}\x03\x03| i/TLSv1.2/
match ssl m|^\x16\x03[\x01\x02][\s\S]{2}\x02[\s\S]{3}\x03\x02| i/TLSv1.1/
match ssl m|^\x16\x03\x01[\s\S]{2}\x02[\s\S]{3}\x03\x01| i/TLSv1.0/
match ssl m|^\x16\x03\x00[\s\S]{2}\x02[\s\S]{3}\x03\x00| i/SSLv3/
# A fatal alert instead of a ServerHello (e.g. 40 handshake_failure, 70 protocol_version).
match ssl m|^\x15\x03[\x00-\x04]\x00\x02\x02([\s\S])| i/TLS alert $I(1,">")/

Probe TCP NULL q||
# The ClientHello says the client speaks TLS, not which service is inside.
softclientmatch ssl m|^\x16\x03[\x00-\x04][\s\S]{2}\x01[\s\S]{3}\x03[\x00-\x04]|
