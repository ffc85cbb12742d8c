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

#endif
