/* backend-push.c - POST /v1/statements: judging a desk's batch. */
#include "app/orderdeskd/backend-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/fold-unconfirm.h"
#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/orderdeskd/events.h"
#include "app/orderdeskd/routes.h"
#include "lib/encode.h"

/* Counts of one batch's receipts, for the log line. */
struct tally {
	unsigned accepted, duplicate, refused;
};

/* What a replayed statement must equal: the entry already logged. */
struct same {
	long long seq;
	const char *text;
	size_t len;
	const uint8_t *sig;
	int found, equal;
};

static enum od_code same_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct same *sm = ctx;

	if (r->seq != sm->seq)
		return OD_OK;
	sm->found = 1;
	sm->equal = r->statement_len == sm->len &&
		    memcmp(r->statement, sm->text, sm->len) == 0 &&
		    memcmp(r->signature, sm->sig, SIGKEY_SIG_LEN) == 0;
	return OD_OK;
}

/*
 * Checks that a statement whose id is logged at seq is that very entry,
 * byte for byte and with the same signature: only then is it a harmless
 * duplicate.  It reads that one row: a walk of the log (or of the order's
 * entries) per copy let one batch of 500 replays hold the only server
 * thread for seconds.
 */
static enum od_code same_entry(struct backend *b, long long seq,
			       const char *text, size_t len,
			       const uint8_t sig[SIGKEY_SIG_LEN],
			       struct od_err *err)
{
	struct same sm = { seq, text, len, sig, 0, 0 };
	enum od_code rc;

	rc = store_log_at(b->store, seq, same_cb, &sm, err);
	if (rc == OD_E_NOTFOUND)
		rc = OD_OK;   /* said below, with the seq */
	if (rc != OD_OK)
		return rc;
	if (!sm.found || !sm.equal)
		return od_err_set(err, OD_E_EXISTS, "entry %lld already has "
				  "this id with other content or another "
				  "signature", seq);
	return OD_OK;
}

/* What became of one statement of a batch. */
enum verdict_result { V_ACCEPTED, V_DUPLICATE, V_REFUSED };

struct verdict {
	enum verdict_result result;
	long long seq;
	char id[STMT_ID_LEN + 1];        /* "" when it did not parse */
	char reason[OD_ERR_MSG_MAX];
};

/*
 * Decides one statement of a batch.  With own_tx each accepted statement
 * is committed on its own; without, the caller's transaction holds it.
 */
static void judge(struct backend *b, const char *text, size_t len,
		  const char *sig64, const uint8_t *checked_pub, int own_tx,
		  struct verdict *v)
{
	uint8_t sig[SIGKEY_SIG_LEN];
	struct statement *st = NULL;
	struct od_err err;
	long long seq = 0;
	size_t siglen = 0;
	enum od_code rc;

	memset(v, 0, sizeof *v);
	od_err_clear(&err);
	rc = b64_decode("the signature", sig64, strlen(sig64), sig,
			sizeof sig, &siglen, &err);
	if (rc == OD_OK && siglen != sizeof sig)
		rc = od_err_set(&err, OD_E_INPUT, "the signature is not 64 "
				"bytes");
	if (rc == OD_OK)
		rc = statement_parse(text, len, &st, &err);
	if (rc == OD_OK) {
		snprintf(v->id, sizeof v->id, "%s", st->id);
		if (st->kind == STMT_SHOP_GENESIS &&
		    strcmp(statement_get(st, "shop"), b->shop) != 0)
			rc = od_err_set(&err, OD_E_DENIED, "this backend serves "
					"another shop; the desk belongs "
					"elsewhere");
	}
	if (rc == OD_OK) {
		rc = store_log_find_id(b->store, st->id, &seq, &err);
		if (rc == OD_OK)
			rc = same_entry(b, seq, text, len, sig, &err);
		if (rc == OD_OK) {
			v->result = V_DUPLICATE;
			v->seq = seq;
			goto out;
		}
		if (rc == OD_E_NOTFOUND)
			rc = OD_OK;
	}
	/* Entering the shop now: one desk's clock must not date the log. */
	if (rc == OD_OK)
		rc = ledger_check_fresh(st, time(NULL), &err);
	if (rc == OD_OK)
		rc = fold_unconfirm_fresh(b->store, st, time(NULL), &err);
	if (rc == OD_OK && own_tx)
		rc = store_begin(b->store, &err);
	if (rc == OD_OK) {
		rc = ledger_accept_checked(b->store, text, len, sig,
					   checked_pub, &seq, &err);
		if (own_tx && rc == OD_OK)
			rc = store_commit(b->store, &err);
		else if (own_tx)
			store_rollback(b->store);
	}
	if (rc == OD_OK) {
		v->result = V_ACCEPTED;
		v->seq = seq;
	} else {
		v->result = V_REFUSED;
		snprintf(v->reason, sizeof v->reason, "%s", err.msg);
	}
out:
	statement_free(st);
}

/* Makes the receipt of a verdict and counts it. */
static json_t *receipt(const struct verdict *v, struct tally *t)
{
	switch (v->result) {
	case V_ACCEPTED:
		t->accepted++;
		return json_pack("{s:s, s:s, s:I}", "id", v->id, "result",
				 "accepted", "seq", (json_int_t)v->seq);
	case V_DUPLICATE:
		t->duplicate++;
		return json_pack("{s:s, s:s, s:I}", "id", v->id, "result",
				 "duplicate", "seq", (json_int_t)v->seq);
	default:
		t->refused++;
		event_statement(v->id, v->reason);
		return v->id[0] != '\0' ?
		       json_pack("{s:s, s:s, s:s}", "id", v->id, "result",
				 "refused", "reason", v->reason) :
		       json_pack("{s:s, s:s}", "result", "refused", "reason",
				 v->reason);
	}
}

/* Signatures of a batch checked ahead, on every core. */
struct prechecked {
	uint8_t (*pubs)[SIGKEY_PUB_LEN];
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
	const char **texts;
	size_t *lens;
	size_t *at;              /* which statement of the batch */
	size_t n;
	struct sigkey_vpipe *pipe; /* the checks under way, or NULL */
	size_t *slot;            /* per statement: its check + 1, or 0 */
};

static void prechecked_free(struct prechecked *p)
{
	sigkey_vpipe_end(p->pipe);
	free(p->pubs);
	free(p->sigs);
	free(p->texts);
	free(p->lens);
	free(p->at);
	free(p->slot);
}

/* The key statement i's signature was checked with ahead, or NULL; waits
 * for its verdict (or checks it here). */
static const uint8_t *prechecked_key(struct prechecked *p, size_t i)
{
	size_t k = p->pipe != NULL ? p->slot[i] : 0;

	return k > 0 && sigkey_vpipe_wait(p->pipe, k - 1) ? p->pubs[k - 1] :
							     NULL;
}

/*
 * Checks ahead, spread over the cores, the signature of every statement of
 * list whose signer's key the log already holds; judging each one in
 * order then skips the check when that key is still the signer's
 * (ledger_accept_checked).  The checks run on helper threads while the
 * statements are judged (sigkey_vpipe): the fold and insert of one
 * overlap the checks of the next.  A statement whose signer is added in
 * the same batch, or that does not parse, is checked as it is judged.
 * Without memory p->pipe stays NULL and every statement is checked in
 * order.
 */
static void precheck(struct backend *b, json_t *list, struct prechecked *p)
{
	size_t i, n = json_array_size(list), siglen;
	struct statement *st;
	struct od_err err;
	long long seq;

	memset(p, 0, sizeof *p);
	p->pubs = calloc(n, sizeof *p->pubs);
	p->sigs = calloc(n, sizeof *p->sigs);
	p->texts = calloc(n, sizeof *p->texts);
	p->lens = calloc(n, sizeof *p->lens);
	p->at = calloc(n, sizeof *p->at);
	p->slot = calloc(n, sizeof *p->slot);
	if (!p->pubs || !p->sigs || !p->texts || !p->lens || !p->at ||
	    !p->slot) {
		prechecked_free(p);
		memset(p, 0, sizeof *p);
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *s = json_object_get(e, "statement");
		const char *sig64 = json_string_value(
			json_object_get(e, "signature"));
		size_t k = p->n;

		if (b64_decode("the signature", sig64, strlen(sig64),
			       p->sigs[k], SIGKEY_SIG_LEN, &siglen, &err) !=
			    OD_OK || siglen != SIGKEY_SIG_LEN)
			continue;
		if (statement_parse(json_string_value(s),
				    json_string_length(s), &st, &err) != OD_OK)
			continue;
		/* A logged id is judged by comparing bytes with its entry:
		 * checking a replay's signature would only cost time. */
		if (store_log_find_id(b->store, st->id, &seq, &err) ==
		    OD_E_NOTFOUND &&
		    fold_signer_key(b->store, st, p->pubs[k], &err) == OD_OK) {
			p->texts[k] = json_string_value(s);
			p->lens[k] = json_string_length(s);
			p->at[k] = i;
			p->n++;
		}
		statement_free(st);
	}
	for (i = 0; i < p->n; i++)
		p->slot[p->at[i]] = i + 1;
	sigkey_vpipe_start((const uint8_t (*)[SIGKEY_PUB_LEN])p->pubs,
			   p->texts, p->lens,
			   (const uint8_t (*)[SIGKEY_SIG_LEN])p->sigs, p->n,
			   &p->pipe);
}

/*
 * Decides every statement of list.  First the whole batch in one
 * transaction, one durable commit: the usual case, a desk pushing what it
 * signed.  If any statement is refused (a refused statement may have left
 * half a change in the transaction), or the commit fails, all of it is
 * rolled back and each statement is decided again on its own, committed
 * one by one: the verdicts are those of deciding them in order either way.
 */
static void judge_batch(struct backend *b, json_t *list, struct verdict *vs)
{
	size_t i, n = json_array_size(list);
	struct prechecked pre;
	struct od_err err;
	int fast;

	memset(&pre, 0, sizeof pre);
	fast = store_begin(b->store, &err) == OD_OK;
	if (fast)
		precheck(b, list, &pre);
	for (i = 0; fast && i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *s = json_object_get(e, "statement");

		judge(b, json_string_value(s), json_string_length(s),
		      json_string_value(json_object_get(e, "signature")),
		      prechecked_key(&pre, i), 0, &vs[i]);
		if (vs[i].result == V_REFUSED) {
			store_rollback(b->store);
			fast = 0;
		}
	}
	prechecked_free(&pre);
	if (fast && store_commit(b->store, &err) == OD_OK)
		return;
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *s = json_object_get(e, "statement");

		judge(b, json_string_value(s), json_string_length(s),
		      json_string_value(json_object_get(e, "signature")), NULL,
		      1, &vs[i]);
	}
}

/* Checks that o is an object with exactly the keys given. */
static int exact_keys(json_t *o, size_t n)
{
	return json_is_object(o) && json_object_size(o) == n;
}

/* Whether each statement of list is {"statement": TEXT, "signature": S}. */
static int statements_shaped(json_t *list)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		json_t *s = json_object_get(e, "statement");
		json_t *g = json_object_get(e, "signature");

		if (!exact_keys(e, 2) || !json_is_string(s) ||
		    !json_is_string(g) ||
		    json_string_length(s) > STMT_MAX_BYTES)
			return 0;
	}
	return 1;
}

/* POST /v1/statements */
static unsigned route_statements(struct backend *b, const char *body,
				 size_t len, struct buf *out, char *note,
				 size_t note_size)
{
	struct tally t = { 0, 0, 0 };
	struct verdict *verdicts = NULL;
	json_error_t jerr;
	json_t *root, *list, *receipts, *answer = NULL, *r;
	unsigned status = 0;
	const char *why = NULL;
	size_t i, n = 0;

	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	list = json_object_get(root, "statements");
	if (root == NULL) {
		status = 400, why = "the body is not JSON";
	} else if (!exact_keys(root, 1) || !json_is_array(list) ||
		   json_array_size(list) == 0) {
		status = 400, why = "the body must be {\"statements\": [...]} "
				    "with at least one";
	} else if ((n = json_array_size(list)) > b->max_batch) {
		status = 413, why = "too many statements in one batch";
	} else if (!statements_shaped(list)) {
		status = 400, why = "each statement must be {\"statement\": "
				    "TEXT, \"signature\": BASE64}";
	}
	if (status != 0)
		goto out;
	status = 500, why = "out of memory";
	answer = json_pack("{s:[]}", "receipts");
	receipts = json_object_get(answer, "receipts");
	verdicts = calloc(n, sizeof *verdicts);
	if (receipts == NULL || verdicts == NULL)
		goto out;
	judge_batch(b, list, verdicts);
	for (i = 0; i < n; i++) {
		r = receipt(&verdicts[i], &t);
		if (r == NULL || json_array_append_new(receipts, r) != 0)
			goto out;
	}
	snprintf(note, note_size, "%u accepted, %u duplicate, %u refused",
		 t.accepted, t.duplicate, t.refused);
	status = backend_route_done(b, answer, out, note, note_size);
	answer = NULL;
	why = NULL;
out:
	free(verdicts);
	json_decref(root);
	json_decref(answer);
	return why ? backend_reply_error(out, status, why, note, note_size)
		   : status;
}

unsigned backend_post_statements(const struct route_call *c)
{
	return route_statements(c->b, c->body, c->len, c->out, c->note,
				c->note_size);
}
