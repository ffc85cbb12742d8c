# media.sig - streaming and telephony: RTSP (RFC 2326/7826) and SIP (RFC 3261).
# Both look like HTTP: a request line naming RTSP/1.0 or SIP/2.0 from the
# client, a status line and headers from the server; the product is in the
# Server: (or, for SIP user agents, User-Agent:) header.

Probe TCP RTSPOptions q|OPTIONS rtsp://localhost/ RTSP/1.0\r\nCSeq: 1\r\n\r\n|
match rtsp m|^RTSP/1\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: GStreamer RTSP server\r\n|i p/GStreamer rtspd/ cpe:/a:gstreamer_project:gstreamer/
match rtsp m|^RTSP/1\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: LIVE555 Streaming Media v(\d{4}\.\d\d\.\d\d)\r|i p/LIVE555 RTSP server/ v/$1/ cpe:/a:live555:streaming_media:$1/
match rtsp m|^RTSP/1\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: VLC/([\d.]+)\r|i p/VLC rtspd/ v/$1/ cpe:/a:videolan:vlc_media_player:$1/
match rtsp m|^RTSP/1\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Wowza Streaming Engine ([\d.]+)(?=[+ \r])|i p/Wowza Streaming Engine/ v/$1/ cpe:/a:wowza:streaming_engine:$1/
softmatch rtsp m|^RTSP/1\.0 \d\d\d |
clientmatch rtsp m%^(?:OPTIONS|DESCRIBE|SETUP|PLAY|PAUSE|ANNOUNCE|RECORD|GET_PARAMETER|SET_PARAMETER|TEARDOWN) (?:rtsps?://[^\s]+|\*) RTSP/1\.0\r\n% i/client request/

Probe TCP SIPOptionsTCP q|OPTIONS sip:nobody@localhost SIP/2.0\r\n\r\n|
match sip m%^SIP/2\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?(?:Server|User-Agent): Asterisk PBX ([\w.~+-]+)\r%i p/Asterisk/ v/$1/ cpe:/a:digium:asterisk:$1/
softmatch sip m|^SIP/2\.0 \d\d\d |

Probe UDP SIPOptionsUDP q|OPTIONS sip:nobody@localhost SIP/2.0\r\n\r\n|
match sip m%^SIP/2\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?(?:Server|User-Agent): Asterisk PBX ([\w.~+-]+)\r%i p/Asterisk/ v/$1/ cpe:/a:digium:asterisk:$1/
match sip m%^SIP/2\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?(?:Server|User-Agent): FreeSWITCH-mod_sofia/([\w.~+-]+)\r%i p/FreeSWITCH/ v/$1/ cpe:/a:freeswitch:freeswitch:$1/
match sip m|^SIP/2\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: kamailio \(([\d.]+)(?= )(?: \(([\w/-]+)\)\))?|i p/Kamailio SIP proxy/ v/$1/ i/$2/ cpe:/a:kamailio:kamailio:$1/
match sip m|^SIP/2\.0 \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: OpenSIPS \(([\d.]+)(?= )(?: \(([\w/-]+)\)\))?|i p/OpenSIPS/ v/$1/ i/$2/ cpe:/a:opensips:opensips:$1/
softmatch sip m|^SIP/2\.0 \d\d\d |
clientmatch sip m%^(?:OPTIONS|INVITE|REGISTER|SUBSCRIBE|NOTIFY|MESSAGE|BYE|ACK|CANCEL|INFO|PUBLISH|REFER|PRACK|UPDATE) sips?:[^\s]+ SIP/2\.0\r\n% i/client request/

Probe TCP NULL q||
clientmatch sip m%^(?:OPTIONS|INVITE|REGISTER|SUBSCRIBE|NOTIFY|MESSAGE|BYE|ACK|CANCEL|INFO|PUBLISH|REFER|PRACK|UPDATE) sips?:[^\s]+ SIP/2\.0\r\n% i/client request over TCP/
