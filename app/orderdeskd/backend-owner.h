/*
 * backend-owner.h - a request the shop's owner signs with their own key:
 * POST /v1/invite and POST /v1/events/summary.  Any desk's certificate
 * reaches those routes, so the owner proves who asks with a short text
 *   MAGIC\nactor: NAME\nkey: FP\ntime: T\n...
 * signed by the key the log gives them, within JOIN_INVITE_SKEW of the
 * backend's clock.
 */
#ifndef OD_BACKEND_OWNER_H
#define OD_BACKEND_OWNER_H

#include <stddef.h>

#include "app/orderdeskd/backend.h"

/* The value of "NAME: " on the line at *p, moving past it; NULL if the
 * line is not that field or its value is empty or size or longer. */
const char *backend_line_value(const char **p, const char *name, char *val,
			       size_t size);

/*
 * Checks that text, sent with sig_b64, was signed by actor, an active
 * owner whose key's fingerprint is fp, at time t (the text's): 0, or the
 * HTTP status with err set: 400 for a signature that is not base64 of a
 * signature, 403 "only the shop's owner may MAY", 403 "WHAT is not signed
 * by the owner's key", 403 for a time too far from the backend's clock.
 */
unsigned backend_owner_signed(struct backend *b, const char *actor,
			      const char *fp, long long t, const char *text,
			      const char *sig_b64, const char *may,
			      const char *what, struct od_err *err);

#endif
