/* backend-people.c - GET and POST /v1/people: the people's key bundles. */
#include "app/orderdeskd/backend-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/log/people.h"
#include "app/orderdeskd/routes.h"

#define META_PERSON  "people."     /* + a user: {"bundle", "signature"} */

/* Adds each active person's stored bundle to the array ctx. */
static enum od_code add_person(void *ctx, const struct user_record *u,
			       struct od_err *err)
{
	struct { struct store *s; json_t *arr; } *c = ctx;
	char key[48], *v = NULL;
	json_error_t jerr;
	json_t *o;
	enum od_code rc;

	if (!people_may_hold_slot(u))
		return OD_OK;
	snprintf(key, sizeof key, META_PERSON "%s", u->name);
	rc = store_meta_get(c->s, key, &v, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc != OD_OK)
		return rc;
	o = json_loads(v, JSON_REJECT_DUPLICATES, &jerr);
	free(v);
	if (!json_is_object(o) || json_array_append_new(c->arr, o) != 0)
		return od_err_set(err, OD_E_TAMPERED, "a stored key bundle is "
				  "damaged");
	return OD_OK;
}

/* GET /v1/people: every active person's newest bundle. */
static unsigned route_people_get(struct backend *b, struct buf *out,
				 char *note, size_t note_size)
{
	struct { struct store *s; json_t *arr; } c = { backend_store(b),
						       json_array() };
	struct od_err err;
	size_t n;

	if (c.arr == NULL)
		return backend_reply_error(out, 500, "out of memory", note, note_size);
	if (store_user_each(c.s, add_person, &c, &err) != OD_OK) {
		json_decref(c.arr);
		return backend_reply_error(out, 500, err.msg, note, note_size);
	}
	n = json_array_size(c.arr);
	snprintf(note, note_size, "%zu key bundles", n);
	return backend_reply_json(out, json_pack("{s:o}", "people", c.arr));
}

/* Checks one posted bundle and keeps it if newer; *kept counts. */
static enum od_code take_bundle(struct store *s, json_t *e, size_t *kept,
				struct od_err *err)
{
	const char *text, *sig;
	struct people_bundle pb, old;
	struct user_record u;
	char key[48], *v = NULL, *dump;
	json_t *prev = NULL;
	json_error_t jerr;
	enum od_code rc;

	rc = people_entry_read(e, &text, &sig, &pb, err);
	if (rc != OD_OK)
		return rc;
	rc = store_user_get(s, pb.user, &u, err);
	if (rc == OD_E_NOTFOUND || (rc == OD_OK && !people_may_hold_slot(&u)))
		return od_err_set(err, OD_E_DENIED, "%s is not an active person"
				  " of this shop's log (a storefront signs in "
				  "nowhere); sync the log first", pb.user);
	if (rc == OD_OK)
		rc = people_bundle_verify(text, sig, u.pubkey, err);
	if (rc != OD_OK)
		return rc;
	snprintf(key, sizeof key, META_PERSON "%s", pb.user);
	rc = store_meta_get(s, key, &v, err);
	if (rc == OD_OK) {
		prev = json_loads(v, JSON_REJECT_DUPLICATES, &jerr);
		free(v);
		if (people_bundle_read(json_string_value(json_object_get(prev,
				"bundle")) ? json_string_value(
				json_object_get(prev, "bundle")) : "", &old,
				err) == OD_OK && old.time_ms >= pb.time_ms) {
			json_decref(prev);
			return OD_OK;   /* we have it, or a newer one */
		}
		json_decref(prev);
	} else if (rc != OD_E_NOTFOUND) {
		return rc;
	}
	dump = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
	if (dump == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = store_meta_set(s, key, dump, err);
	free(dump);
	if (rc == OD_OK)
		(*kept)++;
	return rc;
}

/* POST /v1/people: bundles signed by their people. */
static unsigned route_people_post(struct backend *b, const char *body,
				  size_t len, struct buf *out, char *note,
				  size_t note_size)
{
	struct store *s = backend_store(b);
	json_error_t jerr;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *arr = json_object_get(o, "people");
	size_t i, kept = 0;
	struct od_err err;
	enum od_code rc;
	unsigned status;

	if (!json_is_object(o) || json_object_size(o) != 1 ||
	    !json_is_array(arr)) {
		json_decref(o);
		return backend_reply_error(out, 400, "post {\"people\": [...]}", note,
				   note_size);
	}
	if (json_array_size(arr) > PEOPLE_MAX) {
		json_decref(o);
		return backend_reply_error(out, 413, "too many key bundles in one "
				   "request", note, note_size);
	}
	rc = store_begin(s, &err);
	for (i = 0; rc == OD_OK && i < json_array_size(arr); i++)
		rc = take_bundle(s, json_array_get(arr, i), &kept, &err);
	if (rc == OD_OK)
		rc = store_commit(s, &err);
	if (rc != OD_OK) {
		store_rollback(s);
		status = backend_reply_error(out, rc == OD_E_INPUT ? 400 :
				     rc == OD_E_DENIED || rc == OD_E_TAMPERED ?
				     403 : 500, err.msg, note, note_size);
	} else {
		status = backend_reply_json(out, json_pack("{s:I}", "stored",
						   (json_int_t)kept));
		snprintf(note, note_size, "stored %zu key bundles", kept);
	}
	json_decref(o);
	return status;
}

unsigned backend_get_people(const struct route_call *c)
{
	return route_people_get(c->b, c->out, c->note, c->note_size);
}

unsigned backend_post_people(const struct route_call *c)
{
	return route_people_post(c->b, c->body, c->len, c->out, c->note,
				 c->note_size);
}
