/*
 * backend-call.h - one request to the backend and its answer, read the
 * way every sync step reads it.
 *
 * The backend answers 200 with a JSON object, or another status with
 * {"error": "..."}.  Sync (app/sync/sync.c) and the people's bundles
 * (app/sync/people-sync.c) both ask it this way; they differ only in what is
 * given here: which buffer holds the answer (its cap bounds it), how often
 * a dropped connection is tried again, and whether a 401 means the desk
 * was refused (as a 403 always does).
 */
#ifndef OD_BACKEND_CALL_H
#define OD_BACKEND_CALL_H

#include <jansson.h>
#include <stdatomic.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "net/tls-client.h"

/* How one call is made; the caller's, borrowed for the call. */
struct backend_call {
	struct tls_client *client;
	struct buf *resp;        /* the answer's bytes land here (reset) */
	int tries;               /* attempts while the transport fails with
				    OD_E_IO, 0.2 s then twice as long apart;
				    1: no retry */
	const atomic_int *stop;  /* if not NULL and set: no further attempt */
	int refused_401;         /* a 401 is OD_E_AUTH, like a 403 */
};

/*
 * Sends method path (body, if not NULL, as JSON) over bc and reads a 200
 * answer as a JSON object into *out (the caller's, json_decref).  *status
 * (if not NULL) gets the HTTP status, or 0 when the backend was not
 * reached.  A transport failure gives tls_client_request's code and
 * message; another status OD_E_AUTH (403, and 401 if bc->refused_401) or
 * OD_E_IO, with "the backend answered STATUS: REASON" (the reason through
 * backend_call_text); a 200 that is not a JSON object OD_E_INPUT.  *out
 * is NULL on any failure.
 */
enum od_code backend_call(const struct backend_call *bc, const char *method,
			  const char *path, const char *body, long *status,
			  json_t **out, struct od_err *err);

/*
 * What a person may be shown of text the backend wrote (a refusal's
 * reason, an error): s itself when it is one line of plain UTF-8 text
 * (lib/utf8.h), else a fixed sentence, so that a backend cannot drive the
 * person's terminal with escape sequences.  NULL gives "(no reason given)".
 * The result is borrowed (s, or a constant).
 */
const char *backend_call_text(const char *s);

#endif
