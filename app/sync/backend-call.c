/* backend-call.c - one request to the backend, its answer read and judged. */
#include "app/sync/backend-call.h"

#include <string.h>
#include <time.h>

#include "lib/utf8.h"

/*
 * Waits ms before a retry, in short steps so that a stop (the desk
 * locking or closing) is not held up by the pause.
 */
static void pause_unless_stopped(const atomic_int *stop, long ms)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };

	for (; ms > 0 && (stop == NULL || !atomic_load(stop)); ms -= 20)
		nanosleep(&step, NULL);
}

enum od_code backend_call(const struct backend_call *bc, const char *method,
			  const char *path, const char *body, long *status,
			  json_t **out, struct od_err *err)
{
	long ms = 200;
	json_error_t jerr;
	json_t *o, *e;
	long got = 0;
	enum od_code rc;
	int attempt;

	*out = NULL;
	if (status != NULL)
		*status = 0;
	/* A dropped connection may be retried (a statement sent twice is
	 * only a duplicate); a refused pin or certificate never is. */
	for (attempt = 0;; attempt++) {
		rc = tls_client_request(bc->client, method, path, body,
					body ? strlen(body) : 0, &got,
					bc->resp, err);
		if (rc != OD_E_IO || attempt + 1 >= bc->tries ||
		    (bc->stop != NULL && atomic_load(bc->stop)))
			break;
		pause_unless_stopped(bc->stop, ms);
		ms *= 2;
	}
	if (rc != OD_OK)
		return rc;
	if (status != NULL)
		*status = got;
	o = json_loadb(bc->resp->data ? bc->resp->data : "", bc->resp->len,
		       JSON_REJECT_DUPLICATES, &jerr);
	if (got != 200) {
		e = json_object_get(o, "error");
		rc = od_err_set(err, got == 403 || (got == 401 &&
						    bc->refused_401) ?
				OD_E_AUTH : OD_E_IO, "the backend answered %ld:"
				" %.160s", got,
				backend_call_text(json_string_value(e)));
		json_decref(o);
		return rc;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		return od_err_set(err, OD_E_INPUT, "the backend's answer is "
				  "not the expected JSON");
	}
	*out = o;
	return OD_OK;
}

const char *backend_call_text(const char *s)
{
	struct od_err ignore;

	if (s == NULL)
		return "(no reason given)";
	if (utf8_check_text("reason", s, strlen(s), 4096, 0,
			    &ignore) != OD_OK)
		return "(the backend's reason is not plain text and is not "
		       "shown)";
	return s;
}
