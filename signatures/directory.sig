# directory.sig - LDAP (RFC 4511 BER messages) and Kerberos (RFC 4120 over TCP,
# each message behind a 4-byte length).
#
# BER lengths are one byte below 0x80, or 0x81/0x82/0x84 followed by 1, 2 or 4
# length bytes; message IDs are INTEGERs of 1 to 4 bytes. The groups below
# spell that out so the patterns stay anchored.

Probe TCP NULL q||

# --- LDAP -------------------------------------------------------------------------------------
# Active Directory puts its internal error ("80090308: LdapErr: DSID-...") in the
# diagnosticMessage of a failed bind.
match ldap m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x02(?:\x01[\s\S]|\x02[\s\S]{2}|\x03[\s\S]{3}|\x04[\s\S]{4})\x61[\s\S]*?[0-9A-F]{8}: LdapErr: DSID-[0-9A-F]{8}% p/Microsoft Windows Active Directory LDAP/ o/Windows/ cpe:/o:microsoft:windows/
# bindResponse (APPLICATION 1): resultCode ENUMERATED, matchedDN, diagnosticMessage.
match ldap m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x02(?:\x01[\s\S]|\x02[\s\S]{2}|\x03[\s\S]{3}|\x04[\s\S]{4})\x61(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x0a\x01\x00\x04% i/bind accepted/
match ldap m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x02(?:\x01[\s\S]|\x02[\s\S]{2}|\x03[\s\S]{3}|\x04[\s\S]{4})\x61(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x0a\x01([\x01-\x7f])\x04% i/bind result code $I(1,">")/
# searchResEntry (APPLICATION 4) or searchResDone (APPLICATION 5) first: an anonymous search.
match ldap m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x02(?:\x01[\s\S]|\x02[\s\S]{2}|\x03[\s\S]{3}|\x04[\s\S]{4})[\x64\x65](?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x04% i/search response/
# bindRequest (APPLICATION 0): version 2 or 3, then the name.
clientmatch ldap m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x02(?:\x01[\s\S]|\x02[\s\S]{2}|\x03[\s\S]{3}|\x04[\s\S]{4})\x60(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x02\x01[\x02\x03]\x04% i/client bind request/
# searchRequest (APPLICATION 3): baseObject, then scope ENUMERATED.
clientmatch ldap m%^\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x02(?:\x01[\s\S]|\x02[\s\S]{2}|\x03[\s\S]{3}|\x04[\s\S]{4})\x63(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2}|\x84[\s\S]{4})\x04(?:[\x00-\x7f]|\x81[\s\S])[^\x0a]*\x0a\x01[\x00-\x02]% i/client search request/

# --- Kerberos over TCP: 4-byte record length, then the APPLICATION-tagged message -------------
# KRB-ERROR (APPLICATION 30): pvno 5, msg-type 30.
match kerberos-sec m%^\x00\x00[\s\S]{2}\x7e(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\xa0\x03\x02\x01\x05\xa1\x03\x02\x01\x1e% i/KRB-ERROR/
# AS-REP (APPLICATION 11): pvno 5, msg-type 11.
match kerberos-sec m%^\x00\x00[\s\S]{2}\x6b(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\xa0\x03\x02\x01\x05\xa1\x03\x02\x01\x0b% i/AS-REP/
# AS-REQ (APPLICATION 10) / TGS-REQ (APPLICATION 12): pvno at [1], msg-type 10 or 12 at [2].
clientmatch kerberos-sec m%^\x00\x00[\s\S]{2}[\x6a\x6c](?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\x30(?:[\x00-\x7f]|\x81[\s\S]|\x82[\s\S]{2})\xa1\x03\x02\x01\x05\xa2\x03\x02\x01[\x0a\x0c]% i/client AS-REQ or TGS-REQ/
