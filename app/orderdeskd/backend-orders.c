/*
 * backend-orders.c - POST /v1/orders and `orderdeskd import`: placing a
 * storefront's orders.
 */
#include "app/orderdeskd/backend-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import.h"
#include "app/log/ledger.h"
#include "app/orderdeskd/routes.h"
#include "lib/encode.h"
#include "lib/secret.h"

/* Loads the key the backend signs a storefront's orders with. */
static enum od_code storefront_key(struct backend *b, const char *name,
				   struct sigkey **out, struct od_err *err)
{
	const size_t head = sizeof SF_KEY_MAGIC + 6, want = head + 65;
	uint8_t seed[SIGKEY_SEED_LEN];
	char file[128], hex[65], *text = NULL;
	size_t len = 0;
	enum od_code rc;

	*out = NULL;
	if (!backend_storefront_name_ok(name))
		return od_err_set(err, OD_E_NOTFOUND, "this certificate names "
				  "no storefront of this backend");
	snprintf(file, sizeof file, "%s/%s.key", BACKEND_SF_KEYS, name);
	rc = backend_read_small(b->dir, file, 256, 1, &text, &len, err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND, "there is no storefront "
				  "%s; make it with orderdeskd storefront add",
				  name);
	if (rc != OD_OK)
		return rc;
	if (len == want)
		memcpy(hex, text + head, 64);
	hex[64] = '\0';
	if (len != want || memcmp(text, SF_KEY_MAGIC "\nsign: ", head) != 0 ||
	    text[len - 1] != '\n' ||
	    hex_decode("the storefront key", hex, seed, sizeof seed,
		       err) != OD_OK)
		rc = od_err_set(err, OD_E_TAMPERED, "%s of %.200s is damaged",
				file, b->dir);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, out, err);
	secret_wipe(hex, sizeof hex);
	secret_wipe(seed, sizeof seed);
	secret_wipe(text, len);
	free(text);
	return rc;
}

/*
 * Checks that the owner has made the storefront a user of the shop with
 * the key the backend holds for it; *fp gets that key's fingerprint.  The
 * fold would refuse each order anyway: this says once, and what to do.
 */
static enum od_code storefront_approved(struct backend *b, const char *name,
					const struct sigkey *k,
					char fp[SIGKEY_FP_LEN + 1],
					struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	char pub64[64];
	struct user_record u;
	enum od_code rc;

	sigkey_public(k, pub);
	b64_encode(pub, sizeof pub, pub64);
	rc = sigkey_fingerprint(pub, fp, err);
	if (rc != OD_OK)
		return rc;
	rc = store_user_get(b->store, name, &u, err);
	if (rc == OD_E_NOTFOUND || (rc == OD_OK &&
	    (strcmp(u.role, "storefront") != 0 ||
	     memcmp(u.pubkey, pub, sizeof pub) != 0)))
		return od_err_set(err, OD_E_DENIED, "the shop's owner has not "
				  "approved storefront %s with this key; on "
				  "a desk: orderdesk sync --approve-storefront "
				  "%s --key %s", name, name, pub64);
	if (rc == OD_OK && !u.active)
		return od_err_set(err, OD_E_DENIED, "storefront %s has been "
				  "revoked by the shop", name);
	return rc;
}

/* Places one order as the storefront: one transaction, one entry. */
static enum od_code place_one(struct backend *b, const char *name,
			      const char *fp, const struct sigkey *k,
			      const struct order *o, long long *seq,
			      char id[STMT_ID_LEN + 1], struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc;

	id[0] = '\0';
	rc = statement_new(STMT_ORDER_PLACED, name, fp, o->number, &st, err);
	if (rc == OD_OK)
		rc = order_to_statement(o, st, err);
	if (rc == OD_OK)
		rc = store_begin(b->store, err);
	if (rc == OD_OK) {
		rc = ledger_append(b->store, k, st, seq, err);
		if (rc == OD_OK)
			rc = store_commit(b->store, err);
		else
			store_rollback(b->store);
	}
	if (rc == OD_OK)
		snprintf(id, STMT_ID_LEN + 1, "%s", st->id);
	statement_free(st);
	return rc;
}

/* One batch of orders being placed, and what came of each. */
struct placing {
	backend_order_fn cb;
	void *ctx;
	json_t *receipts;      /* or NULL */
	size_t accepted, refused;
};

/* The storefront's key, once it is known to be approved to place orders. */
static enum od_code place_begin(struct backend *b, const char *name,
				struct sigkey **k, char fp[SIGKEY_FP_LEN + 1],
				struct od_err *err)
{
	enum od_code rc;

	*k = NULL;
	rc = storefront_key(b, name, k, err);
	if (rc == OD_OK)
		rc = storefront_approved(b, name, *k, fp, err);
	return rc;
}

/*
 * Places o as the storefront and records what came of it in pl; a refused
 * order is recorded, not failed.  Fails only out of memory.
 */
static enum od_code place_next(struct backend *b, const char *name,
			       const char *fp, const struct sigkey *k,
			       const struct order *o, struct placing *pl,
			       struct od_err *err)
{
	char id[STMT_ID_LEN + 1];
	struct od_err oerr;
	long long seq = 0;
	json_t *r;

	od_err_clear(&oerr);
	if (place_one(b, name, fp, k, o, &seq, id, &oerr) == OD_OK) {
		pl->accepted++;
		r = json_pack("{s:s, s:s, s:s, s:I}", "order", o->number,
			      "result", "accepted", "id", id, "seq",
			      (json_int_t)seq);
	} else {
		pl->refused++;
		seq = 0;
		r = json_pack("{s:s, s:s, s:s}", "order", o->number,
			      "result", "refused", "reason", oerr.msg);
	}
	if (pl->cb != NULL)
		pl->cb(pl->ctx, o->number, seq, seq > 0 ? NULL : oerr.msg);
	if (pl->receipts == NULL) {
		json_decref(r);
		return OD_OK;
	}
	if (r == NULL || json_array_append_new(pl->receipts, r) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

/*
 * Places each order of list as the storefront; a refused order does not
 * stop the others.  Fails as a whole only when the storefront may not
 * place orders at all, or out of memory.
 */
static enum od_code place_list(struct backend *b, const char *name,
			       const struct order_list *list,
			       struct placing *pl, struct od_err *err)
{
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	enum od_code rc;
	size_t i;

	rc = place_begin(b, name, &k, fp, err);
	for (i = 0; rc == OD_OK && i < list->count; i++)
		rc = place_next(b, name, fp, k, list->orders[i], pl, err);
	sigkey_free(k);
	return rc;
}

enum od_code backend_import_from(struct backend *b, const char *name,
				 struct import_reader *in,
				 backend_order_fn cb, void *ctx,
				 size_t *accepted, struct od_err *err)
{
	struct placing pl = { cb, ctx, NULL, 0, 0 };
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	struct order *o;
	enum od_code rc;
	size_t count;

	*accepted = 0;
	/* A file that does not parse places nothing: read it whole first. */
	rc = import_check(in, &count, err);
	if (rc == OD_OK)
		rc = place_begin(b, name, &k, fp, err);
	while (rc == OD_OK && (rc = import_next(in, &o, err)) == OD_OK &&
	       o != NULL) {
		rc = place_next(b, name, fp, k, o, &pl, err);
		order_free(o);
	}
	sigkey_free(k);
	*accepted = pl.accepted;
	return rc;
}

enum od_code backend_import(struct backend *b, const char *name,
			    const char *data, size_t len, backend_order_fn cb,
			    void *ctx, size_t *accepted, struct od_err *err)
{
	struct import_reader *in;
	enum od_code rc;

	*accepted = 0;
	rc = import_open_mem(data, len, &in, err);
	if (rc == OD_OK)
		rc = backend_import_from(b, name, in, cb, ctx, accepted, err);
	import_close(in);
	return rc;
}

/* POST /v1/orders, from the storefront name. */
static unsigned route_orders(struct backend *b, const char *name,
			     const char *body, size_t len, struct buf *out,
			     char *note, size_t note_size)
{
	struct placing pl = { NULL, NULL, NULL, 0, 0 };
	struct order_list *list = NULL;
	json_t *answer;
	struct od_err err;
	enum od_code rc;
	unsigned status;

	od_err_clear(&err);
	if (len == 0)
		return backend_reply_error(out, 400, "the body must be orders in the "
				   "import JSON format", note, note_size);
	/* CSV is for files; over the wire only the JSON format. */
	{
		size_t i = (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0) ?
			   3 : 0;

		while (i < len && (body[i] == ' ' || body[i] == '\t' ||
				   body[i] == '\r' || body[i] == '\n'))
			i++;
		if (i == len || (body[i] != '[' && body[i] != '{'))
			return backend_reply_error(out, 400, "the body must be orders "
					   "in the import JSON format", note,
					   note_size);
	}
	rc = import_parse(body, len, &list, &err);
	if (rc != OD_OK)
		return backend_reply_error(out, rc == OD_E_NOMEM ? 500 : 400, err.msg,
				   note, note_size);
	if (list->count > b->max_batch) {
		order_list_free(list);
		return backend_reply_error(out, 413, "too many orders in one request",
				   note, note_size);
	}
	answer = json_object();
	pl.receipts = json_array();
	if (answer == NULL || pl.receipts == NULL ||
	    json_object_set_new(answer, "receipts", pl.receipts) != 0) {
		if (answer == NULL)
			json_decref(pl.receipts);
		json_decref(answer);
		order_list_free(list);
		return backend_reply_error(out, 500, "out of memory", note, note_size);
	}
	rc = place_list(b, name, list, &pl, &err);
	order_list_free(list);
	if (rc != OD_OK) {
		json_decref(answer);
		status = rc == OD_E_DENIED || rc == OD_E_NOTFOUND ? 403 :
			 rc == OD_E_NOMEM ? 500 : 503;
		return backend_reply_error(out, status, err.msg, note, note_size);
	}
	snprintf(note, note_size, "%zu orders placed, %zu refused",
		 pl.accepted, pl.refused);
	return backend_route_done(b, answer, out, note, note_size);
}

unsigned backend_post_orders(const struct route_call *c)
{
	return route_orders(c->b, c->peer->name, c->body, c->len, c->out,
			    c->note, c->note_size);
}

enum od_code backend_storefront_signer(struct backend *b, const char *name,
				       struct sigkey **k,
				       char fp[SIGKEY_FP_LEN + 1],
				       struct od_err *err)
{
	return place_begin(b, name, k, fp, err);
}
