/*
 * ftp.h - data channels announced on an FTP control connection.
 *
 * FTP negotiates its data connections on the control connection: the server
 * announces a listening port with 227 (PASV) or 229 (EPSV), the client with
 * PORT or EPRT. Those endpoints carry ftp-data whatever their payload looks
 * like, and on whatever port; this reader finds them in the stream heads.
 */
#ifndef PS_FTP_H
#define PS_FTP_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "evidence.h"

typedef void (*ftp_channel_fn)(const struct ps_addr *host, uint16_t port, const char *how,
                               void *ctx);

/*
 * Call fn for every data endpoint announced in this conversation (server
 * replies 227/229, client commands PORT/EPRT). Returns how many were found.
 * Only conversations whose server head opens with an FTP-style reply ("NNN " or "NNN-")
 * are read.
 */
unsigned ftp_announced_channels(const struct classify_input *in, ftp_channel_fn fn, void *ctx);

/* Was a channel announced by `how` ("PASV", "EPSV", "PORT", "EPRT") announced by the
 * server, which then listens on it (passive mode)? Otherwise the client listens. */
bool ftp_server_listens(const char *how);

/*
 * The same for one TCP segment as it is captured, said by `sender`: a segment that opens
 * with a 227/229 reply or a PORT/EPRT command (checked on its first bytes, so this is
 * cheap enough for every segment of every flow, before or after classification).
 * Unlike ftp_announced_channels it does not see whether the flow greeted like FTP: a
 * whole 227/229 line with valid numbers is taken as what it says. That check never
 * stopped a server that means to announce (its own "227 " line passes it), and a
 * segment that opens so by accident, outside FTP, is not a case met on real networks.
 */
bool ftp_segment_may_announce(const uint8_t *payload, uint32_t len);
unsigned ftp_segment_channels(const uint8_t *payload, uint32_t len, const struct ps_addr *sender,
                              ftp_channel_fn fn, void *ctx);

#endif
