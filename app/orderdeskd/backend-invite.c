/* backend-invite.c - POST /v1/invite: a join code for an owner, signed for. */
#include "app/orderdeskd/backend-internal.h"
#include "app/orderdeskd/backend-owner.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/orderdeskd/routes.h"
#include "lib/encode.h"
#include "lib/secret.h"

#define META_NONCE   "invite."     /* + an invite's nonce: seen */

/* Checks an owner's signed invite request; 0 or the HTTP status. */
static unsigned check_invite(struct backend *b, const char *text,
			     const char *sig_b64, char nonce[33],
			     struct od_err *err)
{
	char actor[40], fp[80], when[24], *end;
	const char *p = text;
	long long t;

	if (strncmp(p, WIRE_INVITE_MAGIC "\n", sizeof WIRE_INVITE_MAGIC) != 0)
		goto bad;
	p += sizeof WIRE_INVITE_MAGIC;
	if (!backend_line_value(&p, "actor", actor, sizeof actor) ||
	    !backend_line_value(&p, "key", fp, sizeof fp) ||
	    !backend_line_value(&p, "time", when, sizeof when) ||
	    !backend_line_value(&p, "nonce", nonce, 33) || *p != '\0' ||
	    strlen(nonce) != 32 || strspn(nonce, "0123456789abcdef") != 32)
		goto bad;
	t = strtoll(when, &end, 10);
	if (*end != '\0')
		goto bad;
	return backend_owner_signed(b, actor, fp, t, text, sig_b64,
				    "invite a desk", "the invite request", err);
bad:
	od_err_set(err, OD_E_INPUT, "an invite request is not in the expected "
		   "form");
	return 400;
}

/* POST /v1/invite: a new one-time code, for an owner. */
static unsigned route_invite(struct backend *b,
			     const struct backend_config *cfg,
			     const char *body, size_t len, struct buf *out,
			     char *note, size_t note_size)
{
	static const char *const names[] = { "request", "signature" };
	char nonce[33], key[48], code[JOIN_CODE_LEN + 1], *seen = NULL;
	struct store *s = backend_store(b);
	long long expires = 0;
	struct od_err err;
	unsigned status;
	enum od_code rc;
	json_t *o = backend_parse_strings(body, len, names, 2, 0);

	code[0] = '\0';
	if (o == NULL)
		return backend_reply_error(out, 400, "an invite is {\"request\", "
				   "\"signature\"}, both strings", note,
				   note_size);
	status = check_invite(b, json_string_value(json_object_get(o,
								"request")),
			      json_string_value(json_object_get(o,
								"signature")),
			      nonce, &err);
	if (status != 0) {
		status = backend_reply_error(out, status, err.msg, note, note_size);
		goto out;
	}
	snprintf(key, sizeof key, META_NONCE "%s", nonce);
	rc = store_begin(s, &err);
	if (rc == OD_OK) {
		rc = store_meta_get(s, key, &seen, &err);
		if (rc == OD_OK)
			rc = od_err_set(&err, OD_E_EXISTS, "this invite request "
					"was already answered (a replay)");
		else if (rc == OD_E_NOTFOUND)
			rc = store_meta_set(s, key, "1", &err);
	}
	if (rc == OD_OK)
		rc = backend_join_issue(s, (long long)time(NULL),
					cfg->join_ttl_s, code, &expires,
					&err);
	if (rc == OD_OK)
		rc = store_commit(s, &err);
	if (rc != OD_OK) {
		store_rollback(s);
		status = backend_reply_error(out, rc == OD_E_EXISTS ? 403 : 500,
				     err.msg, note, note_size);
		goto out;
	}
	status = backend_reply_json(out, json_pack("{s:s,s:I}", "code", code,
					   "expires", (json_int_t)expires));
	snprintf(note, note_size, "issued a join code for an owner");
out:
	secret_wipe(code, sizeof code);
	free(seen);
	json_decref(o);
	return status;
}

unsigned backend_post_invite(const struct route_call *c)
{
	return route_invite(c->b, c->cfg, c->body, c->len, c->out, c->note,
			    c->note_size);
}
