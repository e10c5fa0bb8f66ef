/*
 * text-post.h - one plain-text HTTPS POST to a foreign server (libcurl on
 * GnuTLS): how the backend hands its checkpoints to the shop's witnesses
 * (C2SP tlog-witness, app/orderdeskd/backend-witness.h).
 *
 * The server must present a certificate for the URL's host from the CA
 * the caller names (a witness's own, `orderdesk witness serve` makes one)
 * or, with none named, from the system's store.  https only, no
 * redirects, no client certificate, a cap on the answer, short timeouts:
 * the caller holds its store while it waits.
 */
#ifndef OD_TEXT_POST_H
#define OD_TEXT_POST_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

#define TEXT_POST_MAX 65536     /* bytes of an answer */

/*
 * POSTs body[0..len) as text/plain to url, trusting ca_file (NULL: the
 * system's CAs), waiting timeout_s seconds at most.  resp (reset first)
 * gets the answer, *status its HTTP status (any status is OD_OK here);
 * an unreachable server, a refused certificate or a timeout gives OD_E_IO
 * with one line saying which.
 */
enum od_code text_post(const char *url, const char *ca_file, const char *body,
		       size_t len, long timeout_s, long *status,
		       struct buf *resp, struct od_err *err);

#endif
