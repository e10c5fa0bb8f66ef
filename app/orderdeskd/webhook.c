/*
 * webhook.c - the storefronts' webhook route: path, limit, ping,
 * signature, delivery id and topic, in that order (webhook.h); the order
 * itself is applied by webhook-apply.c.
 */
#include "app/orderdeskd/webhook.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/import/import-webhook.h"
#include "app/keys/hmac.h"
#include "app/orderdeskd/events.h"
#include "lib/secret.h"
#include "net/https-server.h"
#include "storage/store-hooks.h"

/* What each storefront's webhooks are called and send. */
static const struct hook_kind {
	const char *name;              /* in the path, and in the store */
	enum import_source source;
	const char *sig, *topic, *id;  /* its headers */
	const char *topics[5];         /* the ones that carry an order */
} kinds[] = {
	{ "woocommerce", IMPORT_WOOCOMMERCE, "X-WC-Webhook-Signature",
	  "X-WC-Webhook-Topic", "X-WC-Webhook-Delivery-ID",
	  { "order.created", "order.updated", NULL } },
	{ "shopify", IMPORT_SHOPIFY, "X-Shopify-Hmac-SHA256",
	  "X-Shopify-Topic", "X-Shopify-Webhook-Id",
	  { "orders/create", "orders/updated", "orders/paid",
	    "orders/cancelled", NULL } },
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

int webhook_path(const char *path)
{
	return strncmp(path, WEBHOOK_PREFIX, strlen(WEBHOOK_PREFIX)) == 0;
}

/* The kind of a webhook path, and its storefront's name in name[33]. */
static const struct hook_kind *path_kind(const char *path, char *name)
{
	const char *rest, *slash;
	size_t i, n;

	if (!webhook_path(path))
		return NULL;
	rest = path + strlen(WEBHOOK_PREFIX);
	slash = strchr(rest, '/');
	if (slash == NULL)
		return NULL;
	n = strlen(slash + 1);
	if (n == 0 || n > STMT_NAME_MAX || slash[1] < 'a' || slash[1] > 'z' ||
	    strspn(slash + 1, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return NULL;
	for (i = 0; i < NKINDS; i++)
		if ((size_t)(slash - rest) == strlen(kinds[i].name) &&
		    memcmp(rest, kinds[i].name, (size_t)(slash - rest)) == 0) {
			memcpy(name, slash + 1, n + 1);
			return &kinds[i];
		}
	return NULL;
}

void webhook_args_from(const struct https_request *req,
		       struct backend_args *a)
{
	char name[STMT_NAME_MAX + 1];
	const struct hook_kind *k = path_kind(req->path, name);

	a->hook_sig = a->hook_topic = a->hook_id = NULL;
	if (k == NULL)
		return;
	a->hook_sig = https_request_header(req, k->sig);
	a->hook_topic = https_request_header(req, k->topic);
	a->hook_id = https_request_header(req, k->id);
}

/* Answers status with {"result": result} and more (a JSON object). */
static unsigned answer(const struct route_call *c, unsigned status,
		       const char *result, json_t *more)
{
	json_t *root = more != NULL ? more : json_object();
	struct od_err err;
	char *text;

	if (root == NULL || json_object_set_new(root, "result",
						json_string(result)) != 0) {
		json_decref(root);
		return backend_reply_error(c->out, 500, "out of memory",
					   c->note, c->note_size);
	}
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	buf_reset(c->out);
	if (text == NULL || buf_adds(c->out, text, &err) != OD_OK)
		status = backend_reply_error(c->out, 500, "the answer is too "
					     "large", c->note, c->note_size);
	free(text);
	return status;
}

/* Whether addr has used up its failures (join_fails in JOIN_WINDOW_S). */
static int over_limit(const struct join_guard *g, const char *addr)
{
	long long now = (long long)time(NULL);
	unsigned i;

	for (i = 0; i < JOIN_GUARD_SLOTS; i++)
		if (strcmp(g->slot[i].addr, addr) == 0)
			return g->max_fails > 0 &&
			       g->slot[i].fails >= g->max_fails &&
			       now - g->slot[i].since < JOIN_WINDOW_S;
	return 0;
}

/* WooCommerce's ping when a webhook is made: "webhook_id=N", unsigned. */
static int is_ping(const struct route_call *c, const struct hook_kind *k)
{
	static const char pfx[] = "webhook_id=";
	size_t n = sizeof pfx - 1;

	return k->source == IMPORT_WOOCOMMERCE && c->args->hook_sig == NULL &&
	       c->len > n && c->len <= n + 20 &&
	       memcmp(c->body, pfx, n) == 0 &&
	       strspn(c->body + n, "0123456789") == c->len - n;
}

/* Whether the body is signed with sf's secret (or the old one). */
static int signed_right(const struct route_call *c, const struct hook_kind *k,
			const char *sf, const char **why)
{
	struct store_hook_secrets sec;
	struct od_err err;
	int ok = 0;

	*why = "wrong signature";
	if (c->args->hook_sig == NULL) {
		*why = "no signature";
		return 0;
	}
	if (store_hook_secrets_get(backend_store(c->b), sf, k->name, &sec,
				   &err) != OD_OK) {
		*why = err.code == OD_E_NOTFOUND ? "no secret set for this "
		       "storefront" : "the secret cannot be read";
		return 0;
	}
	ok = hmac_sha256_b64_ok(sec.cur, sec.cur_len, c->body, c->len,
				c->args->hook_sig);
	/* During a rotation, the old secret too. */
	if (!ok && sec.old_len > 0)
		ok = hmac_sha256_b64_ok(sec.old, sec.old_len, c->body, c->len,
					c->args->hook_sig);
	secret_wipe(&sec, sizeof sec);
	return ok;
}

/* Refuses a request whose signature is not right: 401, event, count. */
static unsigned refuse_signature(const struct route_call *c, const char *sf,
				 const char *why)
{
	event_say(EVENT_HOOK_SIGNATURE, c->addr, sf, why);
	backend_join_refused(c->guard, c->addr);
	return backend_reply_error(c->out, 401, "the webhook's signature is "
				   "missing or wrong: set the same secret in "
				   "the storefront and with orderdeskd "
				   "storefront add", c->note, c->note_size);
}

/* Whether topic is one that carries an order of kind k. */
static int order_topic(const struct hook_kind *k, const char *topic)
{
	size_t i;

	for (i = 0; topic != NULL && k->topics[i] != NULL; i++)
		if (strcmp(topic, k->topics[i]) == 0)
			return 1;
	return 0;
}

/* A delivery id is short printable ASCII (it is stored and compared). */
static int id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (i >= STORE_HOOK_ID_MAX || id[i] < 0x21 || id[i] > 0x7e)
			return 0;
	return i > 0;
}

/* The order of a signed body, applied (webhook-apply.c). */
static unsigned take_order(const struct route_call *c,
			   const struct hook_kind *k, const char *sf)
{
	struct webhook_result res;
	struct import_meta m;
	struct order *o = NULL;
	struct od_err err;
	enum od_code rc;
	json_t *more;

	od_err_clear(&err);
	memset(&res, 0, sizeof res);
	rc = import_webhook_order(k->source, c->body, c->len, &o, &m, &err);
	if (rc == OD_E_NOMEM)
		return backend_reply_error(c->out, 500, err.msg, c->note,
					   c->note_size);
	if (rc == OD_OK)
		rc = webhook_apply(c->b, sf, k->name, o, &m, c->args->hook_id,
				   &res, &err);
	if (rc != OD_OK && rc != OD_E_INPUT) {
		order_free(o);
		return backend_reply_error(c->out, rc == OD_E_DENIED ||
					   rc == OD_E_NOTFOUND ? 503 : 500,
					   err.msg, c->note, c->note_size);
	}
	if (rc == OD_E_INPUT)
		snprintf(res.refused, sizeof res.refused, "%s", err.msg);
	if (res.refused[0] != '\0') {
		order_free(o);
		event_say(EVENT_STMT_REFUSED, c->addr, sf, res.refused);
		snprintf(c->note, c->note_size, "%s webhook refused", k->name);
		return answer(c, 200, "refused", json_pack("{s:s}", "reason",
							   res.refused));
	}
	snprintf(c->note, c->note_size, "%s webhook: %zu statements",
		 k->name, res.statements);
	more = json_pack("{s:s, s:I}", "order", o->number, "statements",
			 (json_int_t)res.statements);
	order_free(o);
	return answer(c, 200, res.statements > 0 ? "accepted" : "unchanged",
		      more);
}

unsigned backend_post_webhook(const struct route_call *c)
{
	char sf[STMT_NAME_MAX + 1];
	const struct hook_kind *k = path_kind(c->path, sf);
	const char *why;
	struct od_err err;
	int seen = 0;

	if (k == NULL)
		return backend_reply_error(c->out, 404, "no such webhook: use "
					   "/v1/webhooks/woocommerce/NAME or "
					   "/v1/webhooks/shopify/NAME",
					   c->note, c->note_size);
	/* The server capped a body without a certificate; a desk's too. */
	if (c->len > WEBHOOK_BODY_MAX)
		return backend_reply_error(c->out, 413, "a webhook's body is "
					   "at most 1 MiB", c->note,
					   c->note_size);
	if (over_limit(c->guard, c->addr)) {
		event_say(EVENT_HOOK_SIGNATURE, c->addr, sf, "address over "
			  "its failures: 429");
		return backend_reply_error(c->out, 429, "too many failures from "
					   "this address; try again later",
					   c->note, c->note_size);
	}
	if (is_ping(c, k)) {
		snprintf(c->note, c->note_size, "woocommerce ping");
		return answer(c, 200, "ping", NULL);
	}
	if (!signed_right(c, k, sf, &why))
		return refuse_signature(c, sf, why);
	/* Signed: from here on the body is the storefront's. */
	if (c->args->hook_id != NULL && !id_ok(c->args->hook_id))
		return backend_reply_error(c->out, 400, "the delivery id must "
					   "be 1 to 128 printable characters",
					   c->note, c->note_size);
	if (c->args->hook_id != NULL &&
	    store_hook_seen(backend_store(c->b), sf, k->name,
			    c->args->hook_id, &seen, &err) != OD_OK)
		return backend_reply_error(c->out, 500, err.msg, c->note,
					   c->note_size);
	if (seen) {
		snprintf(c->note, c->note_size, "%s webhook redelivered",
			 k->name);
		return answer(c, 200, "duplicate", NULL);
	}
	if (!order_topic(k, c->args->hook_topic)) {
		snprintf(c->note, c->note_size, "%s webhook of another topic",
			 k->name);
		return answer(c, 200, "ignored", NULL);
	}
	return take_order(c, k, sf);
}
