# database.sig - databases and caches: MySQL/MariaDB, PostgreSQL, Redis,
# Memcached, MongoDB, Cassandra (CQL), ZooKeeper.
#
# MySQL greets first (Protocol::HandshakeV10: 3-byte length, sequence 0,
# protocol 10, NUL-terminated version string). PostgreSQL, Redis, Memcached,
# MongoDB, Cassandra and ZooKeeper answer what the client sent; their answers
# are distinctive enough to sit under NULL (tried for every TCP conversation)
# unless a probe below names the client's exact first bytes.

Probe TCP NULL q||

# --- MySQL / MariaDB ------------------------------------------------------------------------
# MariaDB prefixes "5.5.5-" so that old clients accept it; Debian's package revision follows.
match mysql m%^[\s\S]\x00\x00\x00\x0a5\.5\.5-([\d.]+)-MariaDB-(\d[^\0]*(?:deb\d+u\d+|ubuntu)[^\0]*)\0% p/MariaDB/ v/$1/ i/$2/ o/Linux/ cpe:/a:mariadb:mariadb:$1/
# The version is complete once "-MariaDB" follows it, even in a head cut short.
match mysql m|^[\s\S]\x00\x00\x00\x0a(?:5\.5\.5-)?(\d+\.\d+\.\d+)-MariaDB| p/MariaDB/ v/$1/ cpe:/a:mariadb:mariadb:$1/
match mysql m|^[\s\S]\x00\x00\x00\x0a(\d+\.\d+\.\d+)-(\d[^\0]*ubuntu[^\0]*)\0| p/MySQL/ v/$1/ i/$2/ o/Linux/ cpe:/a:mysql:mysql:$1/
match mysql m|^[\s\S]\x00\x00\x00\x0a(\d+\.\d+\.\d+)(?:-([^\0]+))?\0| p/MySQL/ v/$1/ i/$2/ cpe:/a:mysql:mysql:$1/
# A greeting cut before its version ends: protocol 10 and the start of a version.
softmatch mysql m|^[\s\S]\x00\x00\x00\x0a[1-9]\d?\.\d|
# An error packet (0xff, code) instead of a greeting: the server refuses this client.
match mysql m%^[\s\S]\x00\x00\x00\xff\x6a\x04Host '([^']*)' is not allowed to connect to this (MySQL|MariaDB) server% p/$2/ i/host $1 not allowed/
match mysql m|^[\s\S]\x00\x00\x00\xff\x10\x04(?:#08004)?Too many connections| p/MySQL/ i/too many connections/ cpe:/a:mysql:mysql/
# HandshakeResponse41: sequence 1, capabilities, max packet, charset, 19 zero bytes and
# 4 bytes (MariaDB's extended capabilities, zero for MySQL), then the user name.
clientmatch mysql m|^[\s\S]\x00\x00\x01[\s\S]{9}\x00{19}[\s\S]{4}([^\0]{1,64})\0| i/client login as $1/

# --- PostgreSQL -------------------------------------------------------------------------------
# AuthenticationSASL (R, code 10) with its mechanisms, MD5 (5), cleartext (3), OK (0)
# followed by ParameterStatus (S) messages that include server_version.
match postgresql m%^R\x00\x00\x00[\s\S]\x00\x00\x00\x0a(SCRAM-SHA-256(?:-PLUS)?)\0% p/PostgreSQL DB/ i/auth $1/ cpe:/a:postgresql:postgresql/
match postgresql m|^R\x00\x00\x00\x0c\x00\x00\x00\x05[\s\S]{4}| p/PostgreSQL DB/ i/auth MD5/ cpe:/a:postgresql:postgresql/
match postgresql m|^R\x00\x00\x00\x08\x00\x00\x00\x03| p/PostgreSQL DB/ i/auth cleartext/ cpe:/a:postgresql:postgresql/
match postgresql m%^R\x00\x00\x00\x08\x00\x00\x00\x00(?:S\x00\x00[\s\S]{2}[^\0]*\0[^\0]*\0)*?S\x00\x00[\s\S]{2}server_version\0(\d+(?:\.\d+)?) \((Debian|Ubuntu) ([^)\0]*)\)\0% p/PostgreSQL DB/ v/$1/ i/$2 $3/ o/Linux/ cpe:/a:postgresql:postgresql:$1/
match postgresql m|^R\x00\x00\x00\x08\x00\x00\x00\x00(?:S\x00\x00[\s\S]{2}[^\0]*\0[^\0]*\0)*?S\x00\x00[\s\S]{2}server_version\0(\d+(?:\.\d+)?)(?=[ \0])| p/PostgreSQL DB/ v/$1/ cpe:/a:postgresql:postgresql:$1/
# ErrorResponse: S severity, V severity, C SQLSTATE, M message; F/L/R name the source file.
match postgresql m%^E\x00\x00[\s\S]{2}S(?:FATAL|ERROR|PANIC)\0(?:V(?:FATAL|ERROR|PANIC)\0)?C([0-9A-Z]{5})\0M[^\0]*\0(?:[DHP][^\0]*\0)*F[\w.]+\.c\0% p/PostgreSQL DB/ i/error $1/ cpe:/a:postgresql:postgresql/
# StartupMessage (protocol 3.0) with its parameters; SSLRequest and GSSENCRequest codes.
clientmatch postgresql m|^\x00\x00[\s\S]{2}\x00\x03\x00\x00(?:[^\0]+\0[^\0]*\0)*?user\0([^\0]{1,64})\0| i/client user $1/
clientmatch postgresql m|^\x00\x00\x00\x08\x04\xd2\x16[\x2f\x30]| i/client SSL or GSSAPI encryption request/

Probe TCP PostgreSQLSSLRequest q|\x00\x00\x00\x08\x04\xd2\x16\x2f|
# One byte: S (go ahead with TLS) or N (no TLS), then the client's next step.
match postgresql m%^N(?:$|R\x00\x00\x00|E\x00\x00)% p/PostgreSQL DB/ i/TLS refused/ cpe:/a:postgresql:postgresql/

# --- Redis: every client command is a RESP array ("*<n>\r\n$<len>\r\n...") ------------------
Probe TCP RESPCommand q|*|
match redis m%^\$\d+\r\n# Server\r\nredis_version:([\d.]+)\r\n(?:[^\r\n]*\r\n)*?os:(Linux|Darwin|FreeBSD|Windows)[^\r\n]*\r\n% p/Redis key-value store/ v/$1/ o/$2/ cpe:/a:redis:redis:$1/
match redis m|^\$\d+\r\n# Server\r\nredis_version:([\d.]+)\r| p/Redis key-value store/ v/$1/ cpe:/a:redis:redis:$1/
match redis m|^%\d+\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n\$\d+\r\n([\d.]+)\r| p/Redis key-value store/ v/$1/ i/RESP3/ cpe:/a:redis:redis:$1/
match redis m|^\*\d+\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n\$\d+\r\n([\d.]+)\r| p/Redis key-value store/ v/$1/ i/RESP2/ cpe:/a:redis:redis:$1/
match redis m|^-NOAUTH Authentication required\.?\r\n| p/Redis key-value store/ i/authentication required/ cpe:/a:redis:redis/
match redis m|^-WRONGPASS invalid username-password pair| p/Redis key-value store/ i/wrong password/ cpe:/a:redis:redis/
match redis m|^-DENIED Redis is running in protected mode| p/Redis key-value store/ i/protected mode/ cpe:/a:redis:redis/
match redis m|^\+PONG\r\n| p/Redis key-value store/ cpe:/a:redis:redis/
clientmatch redis m%^\*[1-9]\d*\r\n\$\d+\r\n(PING|INFO|AUTH|HELLO|SELECT|CLIENT|GET|SET|COMMAND|CONFIG|KEYS|SCAN|EVAL|SUBSCRIBE|PSUBSCRIBE|MULTI|EXISTS|DEL|HGETALL|LPUSH|RPUSH|XADD|QUIT)\r\n%i i/client command $1/

# --- Memcached text protocol ------------------------------------------------------------------
Probe TCP MemcachedVersion q|version\r\n|
match memcached m|^VERSION (\d[\w.-]*)\r| p/Memcached/ v/$1/ cpe:/a:memcached:memcached:$1/

Probe TCP TextStats q|stats\r\n|
match memcached m|^STAT pid \d+\r\n(?:STAT [^\r\n]+\r\n)*?STAT version ([\d.]+)\r(?:\nSTAT libevent ([\w.-]+)\r)?| p/Memcached/ v/$1/ i/libevent $2/ cpe:/a:memcached:memcached:$1/

Probe TCP NULL q||
clientmatch memcached m%^(?:set|add|replace|append|prepend|cas) [^\s]{1,250} \d+ \d+ \d+(?: \d+)?(?: noreply)?\r\n% i/client storage command/
clientmatch memcached m|^gets? [^\s]{1,250}(?: [^\s]{1,250})*\r\n| i/client retrieval command/
clientmatch memcached m|^version\r\n| i/client version command/

# --- MongoDB wire protocol: 16-byte header (length, requestID, responseTo, opCode) ---------------
# OP_MSG (2013) or OP_REPLY (1) answering hello/isMaster or buildInfo.
match mongodb m%^[\s\S]{12}(?:\xdd\x07\x00\x00|\x01\x00\x00\x00)[\s\S]*?\x02version\0[\s\S]\0\0\0(\d+\.\d+\.\d+)\0% p/MongoDB/ v/$1/ cpe:/a:mongodb:mongodb:$1/
match mongodb m|^[\s\S]{12}\xdd\x07\x00\x00[\s\S]{4}\x00[\s\S]{4}[\s\S]*?\x10maxWireVersion\0([\s\S])\0\0\0| p/MongoDB/ i/OP_MSG; maxWireVersion $I(1,"<")/ cpe:/a:mongodb:mongodb/
match mongodb m|^[\s\S]{12}\x01\x00\x00\x00[\s\S]{20}[\s\S]*?\x10maxWireVersion\0([\s\S])\0\0\0| p/MongoDB/ i/OP_REPLY; maxWireVersion $I(1,"<")/ cpe:/a:mongodb:mongodb/
# OP_QUERY (2004) to admin.$cmd, or OP_MSG whose body names the database ($db).
clientmatch mongodb m%^[\s\S]{12}\xd4\x07\x00\x00[\s\S]{4}admin\.\$cmd\0[\s\S]{8}[\s\S]{4}[\x01-\x13](?:isMaster|ismaster|hello|buildinfo|buildInfo)\0% i/client OP_QUERY handshake/
clientmatch mongodb m|^[\s\S]{12}\xdd\x07\x00\x00[\s\S]{4}\x00[\s\S]{4}[\s\S]*?\x02\$db\0| i/client OP_MSG/

# --- Cassandra native protocol (CQL): version byte (0x80 for responses), flags, stream, opcode ----
# SUPPORTED (0x06) answering OPTIONS lists CQL_VERSION among its string multimap.
match cassandra-native m|^[\x83-\x85]\x00[\s\S]{2}\x06[\s\S]{4}[\s\S]*?\x00\x0bCQL_VERSION\x00\x01\x00\x05(\d\.\d\.\d)| p/Apache Cassandra/ i/CQL $1/ cpe:/a:apache:cassandra/
clientmatch cassandra-native m|^[\x03-\x05]\x00\x00[\s\S]\x05\x00\x00\x00\x00| i/client OPTIONS/
clientmatch cassandra-native m|^[\x03-\x05]\x00[\s\S]{2}\x01[\s\S]{4}\x00[\x01-\x04]\x00\x0bCQL_VERSION| i/client STARTUP/

# --- ZooKeeper four-letter words ----------------------------------------------------------------
match zookeeper m|^Zookeeper version: ([\d.]+)(?=[-,])| p/Apache ZooKeeper/ v/$1/ cpe:/a:apache:zookeeper:$1/
match zookeeper m|^\w{4} is not executed because it is not in the whitelist\.| p/Apache ZooKeeper/ i/four-letter word not allowed/ cpe:/a:apache:zookeeper/
clientmatch zookeeper m%^(?:ruok|srvr|stat|conf|cons|dump|envi|mntr|wchs|wchc|isro|crst|srst)$% i/client four-letter word/

Probe TCP ZooKeeperRuok q|ruok|
match zookeeper m|^imok$| p/Apache ZooKeeper/ cpe:/a:apache:zookeeper/
