/*
 * ftp.c - find the data channels an FTP control connection announces.
 *
 * The heads are read line by line; only a line whose first byte can open an
 * announcement ('2', 'P', 'E' in either case) is copied and read, so the many
 * other lines of an SMTP or FTP head cost a memchr each. Server replies:
 *   227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)   -> h1.h2.h3.h4 : p1*256+p2
 *   229 Entering Extended Passive Mode (|||port|)   -> the server's address : port
 * Client commands:
 *   PORT h1,h2,h3,h4,p1,p2                           -> h1.h2.h3.h4 : p1*256+p2
 *   EPRT |1|a.b.c.d|port|  or  EPRT |2|v6addr|port|  -> that address : port
 * An announced IPv4 address of 0.0.0.0, or one that is not the sender's own
 * (a NAT rewrote it, or the server sits behind one), is also registered at
 * the sender's address as seen in the capture, since that is where the
 * connection will appear.
 *
 * The control connection is recognised by its replies (three digits and a
 * space or dash), not by the 220 greeting, so a capture that starts after the
 * login still yields its channels.
 */
#include "ftp.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FTP_LINE_MAX 256

/* Could a line opening with byte c announce a channel (a 227/229 reply, PORT or EPRT)? */
static bool may_announce(uint8_t c)
{
    return c == '2' || c == 'P' || c == 'p' || c == 'E' || c == 'e';
}

/*
 * Next line of a head that may announce a channel into out (NUL-terminated, CR/LF
 * stripped), skipping the lines that cannot by their first byte; returns false at the
 * end. Only those few lines are copied: a long SMTP or FTP head costs a memchr per line.
 */
static bool next_candidate_line(const struct head_bytes *h, uint32_t *pos, char *out, size_t outlen)
{
    uint32_t start, end;
    for (;;) {
        if (*pos >= h->len)
            return false;
        start = *pos;
        const uint8_t *lf = memchr(h->data + start, '\n', h->len - start);
        if (!lf)
            return false; /* a line cut by the head's end could carry a cut number */
        end = (uint32_t)(lf - h->data);
        *pos = end + 1;
        if (may_announce(h->data[start]))
            break;
    }
    uint32_t n = end - start;
    if (n && h->data[start + n - 1] == '\r')
        n--;
    if (n >= outlen)
        n = (uint32_t)outlen - 1;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = h->data[start + i];
        out[i] = (char)(c ? c : ' ');
    }
    out[n] = '\0';
    return true;
}

/* Six comma-separated numbers 0-255: an address and a port. */
static bool parse_six(const char *s, uint8_t addr[4], uint16_t *port)
{
    unsigned v[6];
    int used = 0;
    if (sscanf(s, "%u,%u,%u,%u,%u,%u%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &used) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        if (v[i] > 255)
            return false;
    for (int i = 0; i < 4; i++)
        addr[i] = (uint8_t)v[i];
    *port = (uint16_t)(v[4] << 8 | v[5]);
    return *port != 0;
}

static void announce_v4(const uint8_t a[4], const struct ps_addr *sender, uint16_t port,
                        const char *how, ftp_channel_fn fn, void *ctx)
{
    struct ps_addr host;
    addr_set_v4(&host, a);
    bool unspecified = !(a[0] | a[1] | a[2] | a[3]);
    if (!unspecified)
        fn(&host, port, how, ctx);
    if (unspecified || addr_compare(&host, sender) != 0)
        fn(sender, port, how, ctx);
}

/* "(|||port|)" with any delimiter character, as RFC 2428 allows. */
static bool parse_epsv(const char *s, uint16_t *port)
{
    const char *p = strchr(s, '(');
    if (!p || !p[1])
        return false;
    char d = p[1];
    if (p[2] != d || p[3] != d)
        return false;
    unsigned v;
    char close;
    if (sscanf(p + 4, "%u%c", &v, &close) != 2 || close != d || v == 0 || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

/* "EPRT |proto|addr|port|" */
static bool parse_eprt(const char *s, const struct ps_addr *sender, struct ps_addr *host,
                       uint16_t *port)
{
    char d = s[0];
    if (!d)
        return false;
    const char *f1 = s + 1, *f2 = strchr(f1, d);
    if (!f2)
        return false;
    const char *f3 = strchr(f2 + 1, d);
    if (!f3)
        return false;
    const char *f4 = strchr(f3 + 1, d);
    if (!f4)
        return false;
    char text[64];
    size_t n = (size_t)(f3 - f2 - 1);
    if (n == 0 || n >= sizeof text)
        return false;
    memcpy(text, f2 + 1, n);
    text[n] = '\0';
    unsigned v;
    if (sscanf(f3 + 1, "%u", &v) != 1 || v == 0 || v > 65535)
        return false;
    uint8_t b[16];
    if (*f1 == '1' && inet_pton(AF_INET, text, b) == 1)
        addr_set_v4(host, b);
    else if (*f1 == '2' && inet_pton(AF_INET6, text, b) == 1)
        addr_set_v6(host, b);
    else
        *host = *sender;
    *port = (uint16_t)v;
    return true;
}

static bool replies_like_ftp(const struct head_bytes *h)
{
    return h->len >= 4 && h->data[0] >= '1' && h->data[0] <= '5' && h->data[1] >= '0' &&
           h->data[1] <= '9' && h->data[2] >= '0' && h->data[2] <= '9' &&
           (h->data[3] == ' ' || h->data[3] == '-');
}

/* One line: a server's 227/229 reply or a client's PORT/EPRT command, said by `sender`. */
static unsigned announce_line(const char *line, const struct ps_addr *sender, ftp_channel_fn fn,
                              void *ctx)
{
    uint8_t a[4];
    uint16_t port;
    struct ps_addr host;
    if (strncmp(line, "227 ", 4) == 0) {
        /* The numbers usually sit in parentheses, but RFC 959 does not promise it. */
        const char *paren = strchr(line, '(');
        const char *p = paren ? paren + 1 : line + 4;
        while (*p && (*p < '0' || *p > '9'))
            p++;
        if (!parse_six(p, a, &port))
            return 0;
        announce_v4(a, sender, port, "PASV", fn, ctx);
        return 1;
    }
    if (strncmp(line, "229 ", 4) == 0 && parse_epsv(line, &port)) {
        fn(sender, port, "EPSV", ctx);
        return 1;
    }
    if (strncasecmp(line, "PORT ", 5) == 0 && parse_six(line + 5, a, &port)) {
        announce_v4(a, sender, port, "PORT", fn, ctx);
        return 1;
    }
    if (strncasecmp(line, "EPRT ", 5) == 0 && parse_eprt(line + 5, sender, &host, &port)) {
        fn(&host, port, "EPRT", ctx);
        if (addr_compare(&host, sender) != 0)
            fn(sender, port, "EPRT", ctx);
        return 1;
    }
    return 0;
}

static unsigned announce_lines(const struct head_bytes *h, const struct ps_addr *sender,
                               ftp_channel_fn fn, void *ctx)
{
    unsigned found = 0;
    char line[FTP_LINE_MAX];
    uint32_t pos = 0;
    while (next_candidate_line(h, &pos, line, sizeof line))
        found += announce_line(line, sender, fn, ctx);
    return found;
}

unsigned ftp_announced_channels(const struct classify_input *in, ftp_channel_fn fn, void *ctx)
{
    if (in->transport != 6 || !replies_like_ftp(&in->server_head))
        return 0;
    return announce_lines(&in->server_head, &in->server, fn, ctx) +
           announce_lines(&in->client_head, &in->client, fn, ctx);
}

bool ftp_server_listens(const char *how)
{
    return strcmp(how, "PASV") == 0 || strcmp(how, "EPSV") == 0;
}

/* Cheap enough for every TCP segment: most fail on their first byte. */
bool ftp_segment_may_announce(const uint8_t *p, uint32_t len)
{
    if (len < 10)
        return false;
    switch (p[0]) {
    case '2':
        return p[1] == '2' && (p[2] == '7' || p[2] == '9') && p[3] == ' ';
    case 'P':
    case 'p':
        return strncasecmp((const char *)p, "PORT ", 5) == 0;
    case 'E':
    case 'e':
        return strncasecmp((const char *)p, "EPRT ", 5) == 0;
    }
    return false;
}

unsigned ftp_segment_channels(const uint8_t *payload, uint32_t len, const struct ps_addr *sender,
                              ftp_channel_fn fn, void *ctx)
{
    if (!ftp_segment_may_announce(payload, len))
        return 0;
    struct head_bytes h = {.data = payload, .len = len};
    return announce_lines(&h, sender, fn, ctx);
}
