# messaging.sig - message brokers and chat: MQTT (OASIS MQTT 3.1.1/5.0),
# AMQP 0-9-1 (protocol header and Connection.Start), XMPP (RFC 6120 stream
# headers), IRC (RFC 2812 registration and numerics 001-004), NATS (INFO
# line), beanstalkd (protocol.txt), Kafka (ApiVersions request).

Probe TCP NULL q||

# --- AMQP 0-9-1: the client opens with "AMQP" 0 0 9 1; the server answers Connection.Start ---
# Frame type 1, channel 0, class 10 method 10, version 0-9, then the server-properties
# table: short-string keys, 'S' long-string values.
match amqp m|^\x01\x00\x00[\s\S]{4}\x00\x0a\x00\x0a\x00\x09[\s\S]*?\x08platformS\x00\x00\x00[\s\S]([\x20-\x7e]+)\x07productS\x00\x00\x00[\s\S]RabbitMQ\x07versionS\x00\x00\x00[\s\S]([\d.]+)(?=[\x00-\x1f])| p/RabbitMQ/ v/$2/ i/$1/ cpe:/a:vmware:rabbitmq:$2/
match amqp m|^\x01\x00\x00[\s\S]{4}\x00\x0a\x00\x0a\x00\x09[\s\S]*?\x07productS\x00\x00\x00[\s\S]([\x20-\x7e]+)(?=[\x00-\x1f])(?:[\s\S]*?\x07versionS\x00\x00\x00[\s\S]([\x20-\x7e]+)(?=[\x00-\x1f]))?| p/$1/ v/$2/
# A server that does not speak the client's version answers with its own protocol header.
match amqp m|^AMQP\x00\x00\x09\x01| i/protocol header 0-9-1 (version mismatch)/
match amqp m|^AMQP\x03\x01\x00\x00| i/AMQP 1.0 SASL layer/
clientmatch amqp m|^AMQP\x00\x00\x09\x01| i/client AMQP 0-9-1/
clientmatch amqp m|^AMQP\x01\x01\x08\x00| i/client AMQP 0-8/
clientmatch amqp m|^AMQP[\x00\x02\x03]\x01\x00\x00| i/client AMQP 1.0/

# --- XMPP: the stream header, jabber:client (5222) or jabber:server (5269) ---------------------
match xmpp-client m|^<\?xml version=['"]1\.0['"]\?>\s*<stream:stream [^>]*xmlns=['"]jabber:client['"]| i/XMPP stream/
match xmpp-server m|^<\?xml version=['"]1\.0['"]\?>\s*<stream:stream [^>]*xmlns=['"]jabber:server['"]| i/XMPP server-to-server stream/
clientmatch xmpp-client m|^(?:<\?xml[^>]*>\s*)?<stream:stream [^>]*xmlns=['"]jabber:client['"]| i/client stream/
clientmatch xmpp-server m|^(?:<\?xml[^>]*>\s*)?<stream:stream [^>]*xmlns=['"]jabber:server['"]| i/peer server stream/

# --- IRC: the version comes in numeric 002 "Your host is <server>, running version <v>" ----------
match irc m%^(?:[^\r\n]*\r\n)*?:([\w.-]+) 002 [^\s]+ :Your host is [^,\r\n]+, running version ngircd-([\w.~+-]+)(?=[\s(]|$)% p/ngircd/ v/$2/ h/$1/ cpe:/a:barton:ngircd:$2/
match irc m%^(?:[^\r\n]*\r\n)*?:([\w.-]+) 002 [^\s]+ :Your host is [^,\r\n]+, running version UnrealIRCd-([\w.-]+)(?=[\s(]|$)% p/UnrealIRCd/ v/$2/ h/$1/ cpe:/a:unrealircd:unrealircd:$2/
match irc m|^(?:[^\r\n]*\r\n)*?:([\w.-]+) 002 [^\s]+ :Your host is [^,\r\n]+, running version InspIRCd-(\d[\w.]*)| p/InspIRCd/ v/$2/ h/$1/ cpe:/a:inspircd:inspircd:$2/
match irc m|^(?:[^\r\n]*\r\n)*?:([\w.-]+) 002 [^\s]+ :Your host is [^,\r\n]+, running version ([^\s\r\n]+)| i/version $2/ h/$1/
match irc m%^:([\w.-]+) NOTICE (?:\*|AUTH) :\*\*\* (?:Looking up your hostname|Checking Ident|Found your hostname|Could not resolve your hostname|Couldn't look up your hostname)% h/$1/
clientmatch irc m%^(?:(?:CAP LS[^\r\n]*|PASS [^\r\n]*)\r?\n)*(?:NICK|USER) [^\r\n]+\r?\n(?:NICK|USER) [^\r\n]+% i/client registration/

# --- NATS: the server's INFO line is a JSON object ------------------------------------------
match nats m|^INFO \{"server_id":"[^"]*"[^\r\n]*?"version":"([\d.]+)"(?:[^\r\n]*?"go":"go([\d.]+)")?| p/NATS server/ v/$1/ i/Go $2/ cpe:/a:linuxfoundation:nats-server:$1/
match nats m|^INFO \{"server_id":"[^"]*"| p/NATS server/
clientmatch nats m|^CONNECT \{"[^\r\n]*\}\r\n| i/client CONNECT/

# --- beanstalkd: "stats" is answered by "OK <bytes>" and a YAML document ------------------------
Probe TCP TextStats q|stats\r\n|
match beanstalkd m|^OK \d+\r\n---\n(?:[^\n]*\n)*?version: "?([\d.]+)(?=["\n])| p/beanstalkd/ v/$1/
Probe TCP NULL q||
clientmatch beanstalkd m%^(?:use [\w+/;.$()-]{1,200}|watch [\w+/;.$()-]{1,200}|put \d+ \d+ \d+ \d+|reserve|reserve-with-timeout \d+|list-tubes|stats-tube [\w+/;.$()-]{1,200})\r\n% i/client command/

# --- Kafka: ApiVersions request (api key 18) opens most client connections ---------------------
clientmatch kafka m|^\x00\x00[\s\S]{2}\x00\x12\x00[\x00-\x04][\s\S]{4}\x00[\x00-\x40][\x20-\x7e]*| i/client ApiVersions request/

# --- MQTT: CONNECT (packet type 1) from the client, CONNACK (type 2) from the server -----------
Probe TCP MQTTConnect q|\x10|
match mqtt m|^\x20\x02[\x00\x01]\x00| i/MQTT 3.1.1 connection accepted/
match mqtt m|^\x20\x02[\x00\x01]([\x01-\x05])| i/MQTT 3.1.1 connection refused, code $I(1,">")/
match mqtt m|^\x20[\x03-\x7f][\x00\x01]([\x00\x80-\x9f])| i/MQTT 5 CONNACK, reason $I(1,">")/
Probe TCP NULL q||
clientmatch mqtt m|^\x10(?:[\x80-\xff]{0,3}[\x00-\x7f])\x00\x04MQTT\x04| i/client MQTT 3.1.1/
clientmatch mqtt m|^\x10(?:[\x80-\xff]{0,3}[\x00-\x7f])\x00\x04MQTT\x05| i/client MQTT 5/
clientmatch mqtt m|^\x10(?:[\x80-\xff]{0,3}[\x00-\x7f])\x00\x06MQIsdp\x03| i/client MQTT 3.1/
