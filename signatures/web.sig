# web.sig - HTTP servers, proxies and the HTTP APIs of common daemons.
#
# The lines apply when the client sent an HTTP request (any method: the
# engine treats every "METHOD SP target SP HTTP/d" head as equivalent to this
# probe). A response is "HTTP/1.x code reason CRLF" then header lines; the
# product mostly comes from the Server: header (RFC 9110 10.2.4), sometimes
# from a product's own header or JSON body. Specific lines come first: the
# generic softmatch at the end must not fix the service before them.
#
# Every header line is searched with the same prefix: the status line, then
# any number of whole header lines, then the wanted header.

Probe TCP HTTPGet q|GET / HTTP/1.0\r\n\r\n|

# --- proxies (service http-proxy) ---------------------------------------------------------
match http-proxy m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: squid/([\d.]+)\r|i p/Squid http proxy/ v/$1/ cpe:/a:squid-cache:squid:$1/
# A response relayed by Squid names it in Via (RFC 9110 7.6.3) whatever the origin server was.
match http-proxy m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Via: 1\.[01] [^\s]+ \(squid/([\d.]+)\)|i p/Squid http proxy/ v/$1/ cpe:/a:squid-cache:squid:$1/
match http-proxy m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: tinyproxy/([\d.]+)\r|i p/tinyproxy/ v/$1/ cpe:/a:tinyproxy_project:tinyproxy:$1/
match http-proxy m|^HTTP/1\.[01] 407 [^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Proxy-Authenticate: ([A-Za-z]+)|i i/proxy authentication required ($1)/

# --- HTTP APIs of daemons that say who they are -------------------------------------------
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Docker/([\w.+~-]+) \((\w+)\)\r\n|i p/Docker/ v/$1/ o/$2/ cpe:/a:docker:docker:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Api-Version: ([\d.]+)\r\n(?:[^\r\n]+\r\n)*?Docker-Experimental: |i p/Docker/ i/API $1/ cpe:/a:docker:docker/
match http m|^HTTP/1\.[01] 200 .*?"version"\s*:\s*\{\s*"number"\s*:\s*"([\d.]+)"[^}]*"distribution"\s*:\s*"opensearch"|s p/OpenSearch REST API/ v/$1/ cpe:/a:amazon:opensearch:$1/
match http m|^HTTP/1\.[01] 200 .*?"cluster_name"\s*:.*?"version"\s*:\s*\{\s*"number"\s*:\s*"([\d.]+)".*?"tagline"\s*:\s*"You Know, for Search"|s p/Elasticsearch REST API/ v/$1/ cpe:/a:elastic:elasticsearch:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: CouchDB/([\d.]+)(?: \(Erlang OTP/(\d+)\))?\r\n|i p/CouchDB httpd/ v/$1/ i/Erlang OTP $2/ cpe:/a:apache:couchdb:$1/
match http m|^HTTP/1\.[01] 200 .*?\r\n\r\n\{"etcdserver":"([\d.]+)"(?:,"etcdcluster":"([\d.]+)"\})?|s p/etcd/ v/$1/ i/cluster version $2/
match http m|^HTTP/1\.[01] 200 .*?\r\n\r\n\{"status":"success","data":\{"version":"([\w.+~-]+)","revision":"[^"]*","branch":"[^"]*","buildUser":"[^"]*","buildDate":"[^"]*","goVersion":"go([\d.]+)"|s p/Prometheus/ v/$1/ i/Go $2/ cpe:/a:prometheus:prometheus:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?X-Influxdb-Version: ([\w.~+-]+)\r|i p/InfluxDB http admin/ v/$1/ cpe:/a:influxdata:influxdb:$1/
match http m|^HTTP/1\.[01] 200 .*?\r\n\r\n\{\s*"major"\s*:\s*"\d+",\s*"minor"\s*:\s*"\d+\+?",\s*"gitVersion"\s*:\s*"v([\d.]+)[^"]*"|s p/Kubernetes API server/ v/$1/ cpe:/a:kubernetes:kubernetes:$1/
match http m|^HTTP/1\.[01] 40[13] .*?\r\n\r\n\{\s*"kind"\s*:\s*"Status",\s*"apiVersion"\s*:\s*"v1",\s*"metadata"\s*:\s*\{\s*\},\s*"status"\s*:\s*"Failure"|s p/Kubernetes API server/ cpe:/a:kubernetes:kubernetes/
match http m%^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?X-Consul-(?:Index|Effective-Consistency|Default-Acl-Policy): %i p/HashiCorp Consul agent/ cpe:/a:hashicorp:consul/
match http m|^HTTP/1\.[01] 200 .*?<title>RabbitMQ Management</title>|s p/RabbitMQ management/ cpe:/a:vmware:rabbitmq/

# --- printers: CUPS answers IPP and its web interface on the same port --------------------
match ipp m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: CUPS/([\d.]+)(?=[ \r])(?: IPP/([\d.]+)\r)?|i p/CUPS/ v/$1/ i/IPP $2/ cpe:/a:apple:cups:$1/

# --- web servers, by their Server: header -------------------------------------------------
match http m%^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: nginx/([\d.]+)(?=[ \r])(?: \((Ubuntu|Debian)\))?%i p/nginx/ v/$1/ i/$2/ cpe:/a:igor_sysoev:nginx:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: nginx\r\n|i p/nginx/ cpe:/a:igor_sysoev:nginx/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: openresty/([\d.]+)\r|i p/OpenResty web app server/ v/$1/ cpe:/a:openresty:ngx_openresty:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Apache-Coyote/([\d.]+)\r|i p|Apache Tomcat/Coyote JSP engine| v/$1/ cpe:/a:apache:coyote_http_connector:$1/
match http m|^HTTP/1\.[01] \d\d\d .*?<h3>Apache Tomcat/([\d.]+)(?=[ <])(?: \((\w+)\)<)?|s p/Apache Tomcat/ v/$1/ i/$2/ cpe:/a:apache:tomcat:$1/
match http m%^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Apache/([\d.]+) \((Debian|Ubuntu|Raspbian|CentOS|Red Hat|Fedora)\)%i p/Apache httpd/ v/$1/ i/$2/ o/Linux/ cpe:/a:apache:http_server:$1/
match http m%^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Apache/([\d.]+) \(Win(?:32|64)\)%i p/Apache httpd/ v/$1/ o/Windows/ cpe:/a:apache:http_server:$1/ cpe:/o:microsoft:windows/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Apache/([\d.]+)(?=[ \r])(?: ([^\r\n]+)\r)?|i p/Apache httpd/ v/$1/ i/$2/ cpe:/a:apache:http_server:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Apache\r\n|i p/Apache httpd/ cpe:/a:apache:http_server/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: lighttpd/([\d.]+)\r|i p/lighttpd/ v/$1/ cpe:/a:lighttpd:lighttpd:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Microsoft-IIS/([\d.]+)\r|i p/Microsoft IIS httpd/ v/$1/ o/Windows/ cpe:/a:microsoft:internet_information_services:$1/ cpe:/o:microsoft:windows/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Microsoft-HTTPAPI/([\d.]+)\r|i p/Microsoft HTTPAPI httpd/ v/$1/ i|SSDP/UPnP| o/Windows/ cpe:/o:microsoft:windows/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Caddy\r\n|i p/Caddy httpd/ cpe:/a:caddyserver:caddy/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: SimpleHTTP/([\d.]+)(?= )(?: Python/([\d.]+)\r)?|i p/SimpleHTTPServer/ v/$1/ i/Python $2/ cpe:/a:python:python:$2/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: BaseHTTP/([\d.]+)(?= )(?: Python/([\d.]+)\r)?|i p/BaseHTTPServer/ v/$1/ i/Python $2/ cpe:/a:python:python:$2/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Werkzeug/([\d.]+)(?= )(?: Python/([\d.]+)\r)?|i p/Werkzeug httpd/ v/$1/ i/Python $2/ cpe:/a:palletsprojects:werkzeug:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: gunicorn(?:/([\d.]+))?\r\n|i p/Gunicorn/ v/$1/ cpe:/a:gunicorn:gunicorn:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: uvicorn\r\n|i p/Uvicorn/ cpe:/a:encode:uvicorn/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?X-Powered-By: Express\r\n|i p/Node.js Express framework/ cpe:/a:expressjs:express/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Jetty\(([\w.-]+)\)|i p/Jetty/ v/$1/ cpe:/a:eclipse:jetty:$1/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Kestrel\r\n|i p/Microsoft Kestrel httpd/ cpe:/a:microsoft:asp.net_core/
match http m|^HTTP/1\.[01] \d\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Server: Cowboy\r\n|i p/Cowboy httpd/ cpe:/a:ninenines:cowboy/
softmatch http m|^HTTP/1\.[01] [1-5]\d\d |

# --- what HTTP clients send ---------------------------------------------------------------
# An absolute URI or CONNECT: the client uses the server as a proxy (RFC 9112 3.2.2, 3.2.3).
clientmatch http-proxy m|^CONNECT [\w.-]+:\d{1,5} HTTP/1\.[01]\r\n| i/client tunnel request/
clientmatch http-proxy m%^(?:GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH) https?://[^\s/]+[^\s]* HTTP/1\.[01]\r\n% i/client absolute-URI request/
# IPP is HTTP POST with its own media type (RFC 8010 3.4).
clientmatch ipp m|^POST /[^\s]* HTTP/1\.1\r\n(?:[^\r\n]+\r\n)*?Content-Type: application/ipp\r\n|i i/IPP request/
# Other origin-form requests: HTTP, but printers, Docker or a proxy may hide behind it.
softclientmatch http m%^(?:GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH) /[^\s]* HTTP/1\.[01]\r\n%
