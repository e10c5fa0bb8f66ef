/*
 * fuzz-backend-request.c - libFuzzer target for orderdeskd's request
 * handler (backend_route_peer), without the network, on a backend made in
 * a temporary directory whose log holds a genesis, an approved storefront
 * "web" and one order.
 *
 * The first byte chooses the request: POST /v1/statements from a desk,
 * POST /v1/orders from the storefront (or from a desk), GET /v1/log with
 * the rest split at the first newline into after= and limit=, or another
 * method or path.  The rest is the body.  Whatever the bytes, the answer
 * must be one JSON object with a known status and never a 500, a 200 for a
 * push must hold one receipt per statement, and every so often the whole
 * log must still replay (ledger_verify): nothing the fuzzer gets accepted
 * may break the shop's history.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/orderdeskd/backend.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "lib/encode.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct backend *fz_backend;
static char fz_dir[128];
static unsigned long fz_runs;

/* Removes the temporary backend when the fuzzer exits. */
static void fz_cleanup(void)
{
	char cmd[200];

	backend_close(fz_backend);
	fz_backend = NULL;
	if (fz_dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz: could not remove %s\n", fz_dir);
	}
}

/* Appends st signed by key to the backend's log, or aborts. */
static void fz_append(struct sigkey *key, struct statement *st)
{
	struct store *s = backend_store(fz_backend);
	struct od_err err;

	if (store_begin(s, &err) != OD_OK ||
	    ledger_append(s, key, st, NULL, &err) != OD_OK ||
	    store_commit(s, &err) != OD_OK) {
		fprintf(stderr, "fuzz: setup: %s\n", err.msg);
		abort();
	}
	statement_free(st);
}

/* Adds a statement field or aborts. */
static void fz_add(struct statement *st, const char *name, const char *v)
{
	struct od_err err;

	if (statement_add(st, name, v, &err) != OD_OK)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char order[] =
		"[{\"number\": \"W-1\", \"placed_at\": \"2026-11-01T00:24:04Z\", "
		"\"currency\": \"EUR\", \"customer\": {\"name\": \"Lena\"}, "
		"\"ship_to\": {\"name\": \"Lena\", \"lines\": [\"Street 1\"], "
		"\"city\": \"Berlin\", \"country\": \"DE\"}, \"items\": "
		"[{\"sku\": \"TEA-1\", \"name\": \"Tea\", \"qty\": 2, "
		"\"unit_price\": 150}], \"total\": 300}]";
	struct backend_init_report rep;
	struct backend_storefront_report sf;
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	char fp[SIGKEY_FP_LEN + 1], pub64[64], parent[100];
	struct sigkey *owner = NULL;
	struct statement *st = NULL;
	struct od_err err;
	size_t placed = 0;

	snprintf(parent, sizeof parent, "/tmp/fuzz-backend.XXXXXX");
	if (mkdtemp(parent) == NULL)
		abort();
	snprintf(fz_dir, sizeof fz_dir, "%s", parent);
	atexit(fz_cleanup);
	snprintf(parent, sizeof parent, "%s/bk", fz_dir);
	if (backend_init(parent, "Fuzz shop", NULL, 0, &rep, &err) != OD_OK ||
	    backend_storefront_add(parent, "web", &sf, &err) != OD_OK ||
	    backend_open(parent, 1, &fz_backend, &err) != OD_OK ||
	    sigkey_generate_seed(seed, &err) != OD_OK ||
	    sigkey_from_seed(seed, &owner, &err) != OD_OK) {
		fprintf(stderr, "fuzz: setup: %s\n", err.msg);
		abort();
	}
	sigkey_public(owner, pub);
	b64_encode(pub, sizeof pub, pub64);
	if (sigkey_fingerprint(pub, fp, &err) != OD_OK ||
	    statement_new(STMT_SHOP_GENESIS, "owner", fp, NULL, &st,
			  &err) != OD_OK)
		abort();
	fz_add(st, "shop", "Fuzz shop");
	fz_add(st, "role", "owner");
	fz_add(st, "pubkey", pub64);
	fz_append(owner, st);
	if (statement_new(STMT_USER_ADD, "owner", fp, NULL, &st, &err) != OD_OK)
		abort();
	fz_add(st, "user", "web");
	fz_add(st, "role", "storefront");
	fz_add(st, "pubkey", sf.pubkey);
	fz_append(owner, st);
	sigkey_free(owner);
	if (backend_import(fz_backend, "web", order, sizeof order - 1, NULL,
			   NULL, &placed, &err) != OD_OK || placed != 1) {
		fprintf(stderr, "fuzz: setup: cannot place an order\n");
		abort();
	}
	return 0;
}

/* Aborts unless the answer is one JSON object fitting status. */
static void fz_check_answer(unsigned status, const struct buf *out,
			    int push, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *ans, *req;

	if (status != 200 && status != 400 && status != 403 &&
	    status != 404 && status != 405 && status != 413)
		abort();
	ans = json_loadb(out->data ? out->data : "", out->len, 0, &jerr);
	if (!json_is_object(ans))
		abort();
	if (status != 200 && !json_is_string(json_object_get(ans, "error")))
		abort();
	if (status == 200 && !json_is_object(json_object_get(ans, "head")))
		abort();
	if (status == 200 && push) {
		req = json_loadb(body, len, 0, &jerr);
		if (json_array_size(json_object_get(req, "statements")) !=
		    json_array_size(json_object_get(ans, "receipts")))
			abort();
		json_decref(req);
	}
	json_decref(ans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct backend_peer desk = { "desk-1", 0 };
	static const struct backend_peer web = { "web", 1 };
	static const struct backend_peer stranger = { "nobody", 1 };
	const struct backend_peer *peer = &desk;
	const char *method = "POST", *path = "/v1/statements";
	const char *after = NULL, *limit = NULL;
	char note[160], *text, *nl;
	struct ledger_report rep;
	struct od_err err;
	struct buf out;
	unsigned status, sel;
	size_t len;

	if (size == 0)
		return 0;
	sel = data[0] % 8;
	len = size - 1;
	/* A NUL-terminated copy, as libmicrohttpd hands the body over. */
	text = malloc(len + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, len);
	text[len] = '\0';
	switch (sel) {
	case 0:
	case 1:
		break;
	case 2:
	case 3:
		peer = &web;
		path = "/v1/orders";
		break;
	case 4:
		path = "/v1/orders";
		peer = data[0] & 8 ? &stranger : &desk;
		break;
	case 5:
	case 6:
		method = "GET";
		path = "/v1/log";
		after = text;
		nl = memchr(text, '\n', len);
		if (nl != NULL) {
			*nl = '\0';
			limit = nl + 1;
		}
		break;
	default:
		method = data[0] & 8 ? "PUT" : "GET";
		path = data[0] & 16 ? "/v1/orders" : "/v1/statements";
		peer = data[0] & 32 ? &web : &desk;
		break;
	}
	buf_init(&out, 3 * BACKEND_PAGE_BYTES + 1024 * 1024);
	status = backend_route_peer(fz_backend, peer, method, path,
				    &(const struct backend_args){ .after = after,
						.limit = limit },
				    text, len, &out, note,
				    sizeof note);
	fz_check_answer(status, &out, sel <= 1 && peer == &desk &&
			strcmp(method, "POST") == 0, text, len);
	if (memchr(note, '\0', sizeof note) == NULL)
		abort();
	buf_free(&out);
	free(text);
	if (++fz_runs % 512 == 0 &&
	    ledger_verify(backend_store(fz_backend), &rep, &err) != OD_OK) {
		fprintf(stderr, "fuzz: the log no longer verifies: %s\n",
			err.msg);
		abort();
	}
	return 0;
}
