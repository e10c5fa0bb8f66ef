/*
 * bench-store.c - what encryption, signing and durability cost the store,
 * measured against baselines taken in the same process (`make bench`).
 *
 *   bench-store ORDERS.json DIR
 *	Imports the orders into an encrypted store and into a plain SQLite
 *	store (same schema, same code path: store_begin, ledger_append for
 *	each order, store_commit, as shop_append_many does), then lists,
 *	searches, confirms and reopens both, phase by phase and side by side,
 *	and prints one figure a line: "NAME: VALUE UNIT".  Ratios are
 *	computed here from the two runs, never assumed; targets are printed
 *	beside them for a reader and never checked, so the exit status says
 *	only whether everything worked.  DIR must exist and be empty.
 *
 *   bench-store --peak-rss CMD ARG...
 *	Runs CMD with its standard output thrown away and prints
 *	"PEAK_KIB SECONDS": its peak resident memory (wait4's ru_maxrss) and
 *	its wall time.  /usr/bin/time is not on a fresh Debian; this is.
 *	With --peak-rss-cpu, SECONDS is its CPU time instead (user and
 *	system, all its threads): steady on a machine other work shares.
 *
 * Both sides run the same statements (same ids, same bytes) so the two
 * folded states can be compared at the end: a digest that differs means the
 * benchmark measured something that did not work, and it fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/import/import.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/shop/shop.h"
#include "app/keys/sigkey.h"
#include "app/log/statement.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/err.h"
#include "lib/secret.h"
#include "storage/keyslot.h"
#include "storage/store.h"

#include <sqlite3.h>

#define ACTOR          "bench"
#define PASSPHRASE     "bench passphrase, not a secret"
#define DURABLE_N      1000   /* confirmations, one transaction each */
#define BULK_N         1000   /* confirmations in one transaction */
#define BULK_ROUNDS    3      /* bulk batches per side, best taken */
#define IMPORT_ROUNDS  2      /* imports per side, in ABBA order */
#define LIST_ROUNDS    5      /* list passes per side, best taken */
#define SEARCH_ROUNDS  5      /* search passes per side, best taken */
#define OPEN_ROUNDS    5      /* reopen + first query per side, best */
#define FSYNC_N        100    /* bare write + fdatasync probes */
#define UNLOCK_N       3      /* Argon2id unlocks */
#define NEED_ORDERS    (DURABLE_N + BULK_ROUNDS * BULK_N)

/* Names that exist in gen-orders' tables: CJK and Latin, common and rare. */
static const char *const search_names[] = {
	"王小明", "山田太郎", "김민준", "Anna Müller", "John Smith",
	"Siobhán Murphy",
};
#define NSEARCH (sizeof search_names / sizeof search_names[0])

/* What both sides share: the orders and the one signing key. */
struct bench {
	const char *dir;
	struct order_list *list;
	struct sigkey *key;
	char fp[SIGKEY_FP_LEN + 1];
	uint8_t pub[SIGKEY_PUB_LEN];
	struct statement *genesis;
};

/* One store under test and what was measured on it. */
struct side {
	const char *name;        /* "plain", "encrypted" */
	int encrypted;
	char *path;
	uint8_t key[STORE_KEY_LEN];
	struct store *s;
	double import_s[IMPORT_ROUNDS];
	double list_s[LIST_ROUNDS];
	double search_s[SEARCH_ROUNDS];
	long long search_hits[NSEARCH];
	double durable_s;
	double durable_lat[DURABLE_N];
	double bulk_s[BULK_ROUNDS];
	double open_s[OPEN_ROUNDS];
	long long open_new;      /* the first query's answer */
	uint8_t digest[32];
};

/* What the listing callback adds up, so that every field is really read. */
struct touch {
	long long rows;
	unsigned long long bytes;
	long long total;
};

/* Seconds on a clock that never jumps. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* For qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of n values (n <= 1000); v is left as it was. */
static double median(const double *v, size_t n)
{
	double tmp[1000];

	if (n == 0 || n > sizeof tmp / sizeof tmp[0])
		return 0.0;
	memcpy(tmp, v, n * sizeof *v);
	qsort(tmp, n, sizeof *tmp, cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/*
 * The best (smallest) of n timings.  Other work on the machine only ever
 * adds time, so for a phase repeated a few times the best run is the
 * truest cost of the work itself; latencies sampled many times use the
 * median instead, as a person waiting sees it.
 */
static double best(const double *v, size_t n)
{
	double m = n > 0 ? v[0] : 0.0;
	size_t i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

/* Prints one figure; target (may be NULL) is shown, never checked. */
static void figure(const char *name, double value, const char *unit,
		   const char *target)
{
	printf("%s: %.*f%s%s%s%s%s\n", name, value < 10 ? 3 : 1, value,
	       unit[0] ? " " : "", unit, target ? " (target " : "",
	       target ? target : "", target ? ")" : "");
}

/* Returns a new string "dir/name"; NULL on OOM. */
static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

/* ---- the shared key and statements ---- */

/* Makes the signing key and the genesis statement that founds each store. */
static enum od_code bench_key(struct bench *b, struct od_err *err)
{
	uint8_t seed[SIGKEY_SEED_LEN];
	char b64[64];
	enum od_code rc;

	rc = sigkey_generate_seed(seed, err);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &b->key, err);
	secret_wipe(seed, sizeof seed);
	if (rc != OD_OK)
		return rc;
	sigkey_public(b->key, b->pub);
	rc = sigkey_fingerprint(b->pub, b->fp, err);
	if (rc == OD_OK)
		rc = statement_new(STMT_SHOP_GENESIS, ACTOR, b->fp, NULL,
				   &b->genesis, err);
	b64_encode(b->pub, sizeof b->pub, b64);
	if (rc == OD_OK)
		rc = statement_add(b->genesis, "shop", "Bench shop", err);
	if (rc == OD_OK)
		rc = statement_add(b->genesis, "role", "owner", err);
	if (rc == OD_OK)
		rc = statement_add(b->genesis, "pubkey", b64, err);
	return rc;
}

/* Makes order.confirm statements for orders [from, from + n). */
static enum od_code make_confirms(struct bench *b, size_t from, size_t n,
				  struct statement **sts, struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < n && rc == OD_OK; i++)
		rc = statement_new(STMT_ORDER_CONFIRM, ACTOR, b->fp,
				   b->list->orders[from + i]->number, &sts[i],
				   err);
	return rc;
}

/*
 * The bulk mix walks each order through the rest of its life, one step a
 * position (issue 13): an amendment (one more of its first item, the new
 * total), the confirmation, money (the rest of the new total, or for an
 * order that arrived paid and has nothing left a refund of one minor
 * unit), the parcel of everything, its delivery, and a return of one unit
 * opened, received and accepted with that unit back on the shelf.  So the
 * fold's checks of every new statement (each a read of the order, its
 * parcels or its returns) are in the figures; every eighth statement is
 * a confirmation, as in the day the bench stands for more are, but the
 * batch is the same 1,000 statements against the same raw signing.
 */
#define MIX_STEPS 8

/* Adds "name: value" made by fmt. */
static enum od_code mix_add(struct statement *st, const char *name,
			    struct od_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum od_code mix_add(struct statement *st, const char *name,
			    struct od_err *err, const char *fmt, ...)
{
	char v[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	return statement_add(st, name, v, err);
}

/* The fields of step of order o's walk, into st of that step's kind. */
static enum od_code mix_fields(const struct order *o, int step,
			       struct statement *st, struct od_err *err)
{
	const struct order_item *a = &o->items[0];
	long long total = o->total + a->unit_price;
	long long paid = o->arrival == ARRIVAL_PAID ? o->total : 0;
	char rma[64];
	enum od_code rc = OD_OK;
	size_t i;

	snprintf(rma, sizeof rma, "%s-R1", o->number);
	switch (step) {
	case 0:
		rc = mix_add(st, "was-item", err, "%s %lld", a->sku, a->qty);
		if (rc == OD_OK)
			rc = mix_add(st, "item", err, "%s %lld", a->sku,
				     a->qty + 1);
		if (rc == OD_OK)
			rc = mix_add(st, "was-total", err, "%lld", o->total);
		return rc == OD_OK ? mix_add(st, "total", err, "%lld", total)
				   : rc;
	case 2:
		rc = mix_add(st, "amount", err, "%lld",
			     total > paid ? total - paid : 1);
		return rc == OD_OK ? statement_add(st, total > paid ? "method"
					: "reason", total > paid ? "card"
					: "bench", err) : rc;
	case 3:
		rc = statement_add(st, "carrier", "DHL", err);
		if (rc == OD_OK)
			rc = mix_add(st, "tracking", err, "B%s", o->number);
		for (i = 0; i < o->nitems && rc == OD_OK; i++)
			rc = mix_add(st, "item", err, "%s %lld",
				     o->items[i].sku, o->items[i].qty +
				     (i == 0));
		return rc;
	case 4:
		return mix_add(st, "tracking", err, "B%s", o->number);
	default:
		break;
	}
	rc = statement_add(st, "rma", rma, err);
	if (rc == OD_OK && step == 5)
		rc = statement_add(st, "reason", "bench", err);
	if (rc == OD_OK && step == 6)
		rc = statement_add(st, "condition", "ok", err);
	if (rc == OD_OK && step == 7)
		rc = statement_add(st, "decision", "accept", err);
	return rc == OD_OK ? mix_add(st, step == 7 ? "restock" : "item", err,
				     "%s 1", a->sku) : rc;
}

/* The statement of the bulk mix at position i of orders from on. */
static enum od_code mix_statement(struct bench *b, size_t from, size_t i,
				  struct statement **st, struct od_err *err)
{
	static const enum stmt_kind kinds[MIX_STEPS] = {
		STMT_ORDER_AMEND, STMT_ORDER_CONFIRM, STMT_PAYMENT_RECEIVE,
		STMT_SHIPMENT_CONFIRM, STMT_SHIPMENT_DELIVER, STMT_RETURN_OPEN,
		STMT_RETURN_RECEIVE, STMT_RETURN_CLOSE,
	};
	const struct order *o = b->list->orders[from + i / MIX_STEPS];
	int step = (int)(i % MIX_STEPS);
	enum stmt_kind kind = kinds[step];
	enum od_code rc;

	/* Nothing left to pay: a refund of what was, or (a free order) a
	 * note stands in for the money. */
	if (kind == STMT_PAYMENT_RECEIVE && o->items[0].unit_price == 0 &&
	    (o->arrival == ARRIVAL_PAID || o->total == 0))
		kind = o->arrival == ARRIVAL_PAID && o->total > 0
		       ? STMT_PAYMENT_REFUND : STMT_ORDER_NOTE;
	rc = statement_new(kind, ACTOR, b->fp, o->number, st, err);
	if (rc == OD_OK && kind == STMT_ORDER_NOTE)
		return statement_add(*st, "text", "bench", err);
	if (rc == OD_OK && kind != STMT_ORDER_CONFIRM)
		rc = mix_fields(o, step, *st, err);
	return rc;
}

/* Makes the bulk mix for orders [from, from + n). */
static enum od_code make_mix(struct bench *b, size_t from, size_t n,
			     struct statement **sts, struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < n && rc == OD_OK; i++)
		rc = mix_statement(b, from, i, &sts[i], err);
	return rc;
}

/* Frees n statements. */
static void free_statements(struct statement **sts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		statement_free(sts[i]);
		sts[i] = NULL;
	}
}

/* ---- the stores ---- */

/*
 * The baseline: the same store on a plain SQLite file, made with the
 * settings the encrypted store gets (4096-byte pages, WAL, a 64 MiB cache),
 * so the ratio is what the encryption costs; reopened with what
 * vfs_crypt_open sets on the other side (WAL is in the file).  create makes
 * it (schema and all).
 */
static enum od_code plain_open(const char *path, int create, struct store **out,
			       struct od_err *err)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return od_err_set(err, OD_E_IO, "cannot open %s", path);
	}
	sqlite3_exec(db, create ? "PRAGMA page_size=4096; PRAGMA journal_mode=WAL;"
		     " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
		     : "PRAGMA temp_store=MEMORY;",
		     NULL, NULL, NULL);
	return store_adopt(db, create, out, err);
}

/*
 * Creates side's store for import round r and founds it with the shared
 * genesis statement.
 */
static enum od_code side_create(struct bench *b, struct side *sd, int r,
				struct od_err *err)
{
	enum od_code rc;

	if (asprintf(&sd->path, "%s/%s-%d.db", b->dir, sd->name, r) < 0) {
		sd->path = NULL;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	if (sd->encrypted) {
		rc = sigkey_random(sd->key, sizeof sd->key, err);
		if (rc == OD_OK)
			rc = store_create(sd->path, sd->key, &sd->s, err);
	} else {
		rc = plain_open(sd->path, 1, &sd->s, err);
	}
	if (rc == OD_OK)
		rc = store_begin(sd->s, err);
	if (rc != OD_OK)
		return rc;
	rc = ledger_append(sd->s, b->key, b->genesis, NULL, err);
	if (rc != OD_OK) {
		store_rollback(sd->s);
		return rc;
	}
	return store_commit(sd->s, err);
}

/* Makes order.placed for order i. */
static enum od_code placed_statement(struct bench *b, size_t i,
				     struct statement **st, struct od_err *err)
{
	const struct order *o = b->list->orders[i];
	enum od_code rc;

	rc = statement_new(STMT_ORDER_PLACED, ACTOR, b->fp, o->number, st,
			   err);
	if (rc == OD_OK)
		rc = order_to_statement(o, *st, err);
	return rc;
}

/*
 * Imports every order in one durable transaction, exactly the work
 * shop_append_many does for `orderdesk import` once the file is parsed:
 * rounds of SHOP_ROUND statements, each made, then signed on every core,
 * folded and appended.
 */
static enum od_code side_import(struct bench *b, struct side *sd, int r,
				struct od_err *err)
{
	struct statement *round[SHOP_ROUND] = { NULL };
	double t0 = now();
	enum od_code rc = store_begin(sd->s, err);
	size_t n = b->list->count, done, m = 0, i;

	for (done = 0; done < n && rc == OD_OK; done += m) {
		m = n - done < SHOP_ROUND ? n - done : SHOP_ROUND;
		for (i = 0; i < m && rc == OD_OK; i++)
			rc = placed_statement(b, done + i, &round[i], err);
		if (rc == OD_OK)
			rc = ledger_append_many(sd->s, b->key, round, m, NULL,
						err);
		for (i = 0; i < m; i++) {
			statement_free(round[i]);
			round[i] = NULL;
		}
	}
	if (rc != OD_OK) {
		store_rollback(sd->s);
		return rc;
	}
	rc = store_commit(sd->s, err);
	sd->import_s[r] = now() - t0;
	return rc;
}

/* Removes a store file and the WAL and shm files beside it. */
static void remove_store(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char *p;
	size_t i;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		if (asprintf(&p, "%s%s", path, suffixes[i]) < 0)
			continue;
		unlink(p);
		free(p);
	}
}

/*
 * Import round r > 0: the same import into a throwaway store of sd's kind,
 * removed afterwards; the later phases use round 0's store.
 */
static enum od_code side_import_again(struct bench *b, struct side *sd,
				      int r, struct od_err *err)
{
	struct side *extra = calloc(1, sizeof *extra);
	enum od_code rc;

	if (extra == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	extra->name = sd->name;
	extra->encrypted = sd->encrypted;
	rc = side_create(b, extra, r, err);
	if (rc == OD_OK)
		rc = side_import(b, extra, r, err);
	sd->import_s[r] = extra->import_s[r];
	store_close(extra->s);
	if (extra->path != NULL)
		remove_store(extra->path);
	secret_wipe(extra->key, sizeof extra->key);
	free(extra->path);
	free(extra);
	return rc;
}

/* Reads every field a listing shows, so none of it can be skipped. */
static enum od_code touch_order(void *ctx, const struct order *o,
				struct od_err *err)
{
	struct touch *t = ctx;

	t->rows++;
	t->bytes += strlen(o->number) + strlen(o->placed_at) +
		    strlen(o->customer_name) + strlen(o->email) +
		    strlen(o->phone) + strlen(o->city) + strlen(o->currency) +
		    o->nitems + (unsigned)o->status;
	t->total += o->total;
	return OD_OK;
}

/* One pass over orders matching f; *rows gets how many there were. */
static enum od_code walk(struct side *sd, int status, const char *search,
			 long long *rows, struct od_err *err)
{
	struct store_filter f = { status, search };
	struct touch t = { 0, 0, 0 };
	enum od_code rc = store_order_each(sd->s, &f, touch_order, &t, err);

	*rows = t.rows;
	return rc;
}

/* Lists all orders once (round r); every order must come back. */
static enum od_code side_list(struct bench *b, struct side *sd, int r,
			      struct od_err *err)
{
	long long rows;
	double t0 = now();
	enum od_code rc = walk(sd, -1, NULL, &rows, err);

	sd->list_s[r] = now() - t0;
	if (rc == OD_OK && rows != (long long)b->list->count)
		rc = od_err_set(err, OD_E_INTERNAL, "%s store listed %lld "
				"orders, not %zu", sd->name, rows,
				b->list->count);
	return rc;
}

/* Runs every search once (round r); each name must be found. */
static enum od_code side_search(struct side *sd, int r, struct od_err *err)
{
	enum od_code rc = OD_OK;
	double t0 = now();
	size_t i;

	for (i = 0; i < NSEARCH && rc == OD_OK; i++) {
		rc = walk(sd, -1, search_names[i], &sd->search_hits[i], err);
		if (rc == OD_OK && sd->search_hits[i] == 0)
			rc = od_err_set(err, OD_E_INTERNAL, "search %zu found "
					"nothing in the %s store", i, sd->name);
	}
	sd->search_s[r] = now() - t0;
	return rc;
}

/* Appends sts[0..n) in one transaction. */
static enum od_code append_batch(struct bench *b, struct store *s,
				 struct statement **sts, size_t n,
				 struct od_err *err)
{
	enum od_code rc = store_begin(s, err);
	size_t i, m;

	/* As shop_append_many does: rounds, each signed on every core. */
	for (i = 0; i < n && rc == OD_OK; i += m) {
		m = n - i < SHOP_ROUND ? n - i : SHOP_ROUND;
		rc = ledger_append_many(s, b->key, sts + i, m, NULL, err);
	}
	if (rc != OD_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/*
 * Confirms sts[0..DURABLE_N) one durable transaction each (what
 * `orderdesk confirm N` does per order), timing each one.
 */
static enum od_code side_durable(struct bench *b, struct side *sd,
				 struct statement **sts, struct od_err *err)
{
	enum od_code rc = store_set_durable(sd->s, 1, err);
	double t0 = now(), t;
	size_t i;

	for (i = 0; i < DURABLE_N && rc == OD_OK; i++) {
		t = now();
		rc = append_batch(b, sd->s, &sts[i], 1, err);
		sd->durable_lat[i] = now() - t;
	}
	sd->durable_s = now() - t0;
	return rc;
}

/* Confirms a batch of BULK_N in one durable transaction (round r). */
static enum od_code side_bulk(struct bench *b, struct side *sd, int r,
			      struct statement **sts, struct od_err *err)
{
	double t0 = now();
	enum od_code rc = append_batch(b, sd->s, sts, BULK_N, err);

	sd->bulk_s[r] = now() - t0;
	return rc;
}

/*
 * Signs the canonical text of each statement with nothing else around it:
 * the floor for a batch, as every confirmation must be signed.  Timed one
 * by one on this thread (secs[0], the target's baseline) and spread over
 * every core as a bulk action signs them (secs[1]).
 */
static enum od_code raw_sign(struct bench *b, struct statement **sts,
			     size_t n, double secs[2], struct od_err *err)
{
	uint8_t sig[SIGKEY_SIG_LEN], (*sigs)[SIGKEY_SIG_LEN];
	struct buf *texts = calloc(n, sizeof *texts);
	const char **msgs = calloc(n, sizeof *msgs);
	size_t *lens = calloc(n, sizeof *lens);
	enum od_code rc = OD_OK;
	double t0;
	size_t i;

	sigs = calloc(n, sizeof *sigs);
	if (texts == NULL || msgs == NULL || lens == NULL || sigs == NULL) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		buf_init(&texts[i], STMT_MAX_BYTES);
	for (i = 0; i < n && rc == OD_OK; i++) {
		rc = statement_build(sts[i], &texts[i], err);
		msgs[i] = texts[i].data;
		lens[i] = texts[i].len;
	}
	t0 = now();
	for (i = 0; i < n && rc == OD_OK; i++)
		rc = sigkey_sign(b->key, texts[i].data, texts[i].len, sig,
				 err);
	secs[0] = now() - t0;
	t0 = now();
	if (rc == OD_OK)
		rc = sigkey_sign_many(b->key, msgs, lens, n, sigs, err);
	secs[1] = now() - t0;
	for (i = 0; i < n; i++)
		buf_free(&texts[i]);
out:
	free(texts);
	free(msgs);
	free(lens);
	free(sigs);
	return rc;
}

/* Closes side's store, so the next open starts with a cold SQLite cache. */
static void side_close(struct side *sd)
{
	store_close(sd->s);
	sd->s = NULL;
}

/*
 * Opens the closed store and answers the first query a person asks after
 * unlocking: the log head and how many orders are new (round r).
 */
static enum od_code side_open(struct side *sd, int r, struct od_err *err)
{
	uint8_t hash[32];
	long long seq;
	double t0 = now();
	enum od_code rc;

	if (sd->encrypted)
		rc = store_open(sd->path, sd->key, &sd->s, err);
	else
		rc = plain_open(sd->path, 0, &sd->s, err);
	if (rc == OD_OK)
		rc = store_log_head(sd->s, &seq, hash, err);
	if (rc == OD_OK)
		rc = walk(sd, ORDER_NEW, NULL, &sd->open_new, err);
	sd->open_s[r] = now() - t0;
	if (rc == OD_OK && r + 1 < OPEN_ROUNDS)
		side_close(sd);
	return rc;
}

/* ---- baselines outside the store ---- */

/*
 * One bare durable write, the floor under any durable commit: 4 KiB
 * appended to a file in dir, then fdatasync (what SQLite calls to sync the
 * WAL on Linux).  *med gets the median of FSYNC_N.
 */
static enum od_code bare_fsync(const char *dir, double *med,
			       struct od_err *err)
{
	static double lat[FSYNC_N];
	unsigned char page[4096];
	char *path = path_in(dir, "fsync-probe");
	enum od_code rc = OD_OK;
	double t;
	int fd, i;

	if (path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memset(page, 0xa5, sizeof page);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = od_err_set(err, OD_E_IO, "cannot create %s: %s", path,
				strerror(errno));
		goto out;
	}
	for (i = 0; i < FSYNC_N && rc == OD_OK; i++) {
		t = now();
		if (pwrite(fd, page, sizeof page, (off_t)i * 4096) !=
		    (ssize_t)sizeof page || fdatasync(fd) != 0)
			rc = od_err_set(err, OD_E_IO, "cannot write %s: %s",
					path, strerror(errno));
		lat[i] = now() - t;
	}
	close(fd);
	unlink(path);
	*med = median(lat, FSYNC_N);
out:
	free(path);
	return rc;
}

/*
 * Makes a real key slot (default Argon2id cost) and times loading the file
 * and unlocking it, as every command does first.  *med gets the median.
 */
static enum od_code unlock_time(const char *dir, double *med,
				struct od_err *err)
{
	uint8_t data_key[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf = NULL;
	double lat[UNLOCK_N], t;
	char *path = path_in(dir, "keyslots");
	enum od_code rc;
	int i;

	if (path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = sigkey_random(data_key, sizeof data_key, err);
	if (rc == OD_OK)
		rc = sigkey_generate_seed(seed, err);
	if (rc == OD_OK)
		rc = keyslot_new(path, &kf, err);
	if (rc == OD_OK)
		rc = keyslot_add(kf, ACTOR, PASSPHRASE, strlen(PASSPHRASE),
				 data_key, seed, NULL, err);
	if (rc == OD_OK)
		rc = keyslot_save(kf, data_key, err);
	keyslot_free(kf);
	kf = NULL;
	for (i = 0; i < UNLOCK_N && rc == OD_OK; i++) {
		t = now();
		rc = keyslot_load(path, &kf, err);
		if (rc == OD_OK)
			rc = keyslot_unlock(kf, ACTOR, PASSPHRASE,
					    strlen(PASSPHRASE), data_key, seed,
					    err);
		lat[i] = now() - t;
		keyslot_free(kf);
		kf = NULL;
	}
	if (rc == OD_OK)
		*med = median(lat, UNLOCK_N);
	secret_wipe(data_key, sizeof data_key);
	secret_wipe(seed, sizeof seed);
	unlink(path);
	free(path);
	return rc;
}

/* ---- the run ---- */

/* Imports, lists and searches on both sides. */
static enum od_code phase_read(struct bench *b, struct side sides[2],
			       struct od_err *err)
{
	enum od_code rc = OD_OK;
	int i, r;

	/*
	 * Both sides run phase by phase and round by round, so that a machine
	 * that drifts (other work, a warming cache) hurts both alike; the two
	 * imports run plain, encrypted, encrypted, plain for the same reason.
	 */
	for (i = 0; i < 2 && rc == OD_OK; i++)
		rc = side_create(b, &sides[i], 0, err);
	for (i = 0; i < 2 && rc == OD_OK; i++)
		rc = side_import(b, &sides[i], 0, err);
	for (r = 1; r < IMPORT_ROUNDS; r++)
		for (i = 0; i < 2 && rc == OD_OK; i++)
			rc = side_import_again(b, &sides[r % 2 ? 1 - i : i],
					       r, err);
	for (r = 0; r < LIST_ROUNDS; r++)
		for (i = 0; i < 2 && rc == OD_OK; i++)
			rc = side_list(b, &sides[i], r, err);
	for (r = 0; r < SEARCH_ROUNDS; r++)
		for (i = 0; i < 2 && rc == OD_OK; i++)
			rc = side_search(&sides[i], r, err);
	return rc;
}

/*
 * Durable single confirmations, then bulk batches, each bulk round next to
 * raw signing of the very same statement texts.
 */
static enum od_code phase_confirm(struct bench *b, struct side sides[2],
				  double raw_s[2][BULK_ROUNDS],
				  double *fsync_med, struct od_err *err)
{
	static struct statement *sts[DURABLE_N > BULK_N ? DURABLE_N : BULK_N];
	size_t n = b->list->count;
	enum od_code rc;
	int i, r;

	/*
	 * The newest orders are confirmed, newest batch first, as a merchant
	 * works through the queue.  (Numbers of one width sit together in the
	 * table's text order; a batch of 2001..3000, which interleave with
	 * 20010..30009, wrote about 45% more pages when we tried it.)
	 */
	rc = bare_fsync(b->dir, fsync_med, err);
	if (rc == OD_OK)
		rc = make_confirms(b, n - DURABLE_N, DURABLE_N, sts, err);
	for (i = 0; i < 2 && rc == OD_OK; i++)
		rc = side_durable(b, &sides[i], sts, err);
	free_statements(sts, DURABLE_N);
	for (r = 0; r < BULK_ROUNDS && rc == OD_OK; r++) {
		rc = make_mix(b, n - DURABLE_N - (size_t)(r + 1) * BULK_N,
			      BULK_N, sts, err);
		if (rc == OD_OK)
		if (rc == OD_OK) {
			double secs[2] = { 0, 0 };

			rc = raw_sign(b, sts, BULK_N, secs, err);
			raw_s[0][r] = secs[0];
			raw_s[1][r] = secs[1];
		}
		for (i = 0; i < 2 && rc == OD_OK; i++)
			rc = side_bulk(b, &sides[i], r, sts, err);
		free_statements(sts, BULK_N);
	}
	return rc;
}

/* Reopens both sides, then checks they hold the same state. */
static enum od_code phase_open(struct side sides[2], struct od_err *err)
{
	enum od_code rc = OD_OK;
	int i, r;

	side_close(&sides[0]);
	side_close(&sides[1]);
	for (r = 0; r < OPEN_ROUNDS; r++)
		for (i = 0; i < 2 && rc == OD_OK; i++)
			rc = side_open(&sides[i], r, err);
	for (i = 0; i < 2 && rc == OD_OK; i++)
		rc = store_state_digest(sides[i].s, sides[i].digest, err);
	if (rc == OD_OK && (memcmp(sides[0].digest, sides[1].digest, 32) ||
			    sides[0].open_new != sides[1].open_new ||
			    memcmp(sides[0].search_hits, sides[1].search_hits,
				   sizeof sides[0].search_hits)))
		rc = od_err_set(err, OD_E_INTERNAL, "the plain and encrypted "
				"stores ended in different states");
	return rc;
}

/* Prints a measured pair and its ratio (encrypted over plain). */
static void report_pair(const char *name, double plain, double enc,
			double scale, const char *unit)
{
	char line[128];

	snprintf(line, sizeof line, "%s (plain sqlite)", name);
	figure(line, plain * scale, unit, NULL);
	figure(name, enc * scale, unit, NULL);
	snprintf(line, sizeof line, "%s ratio vs plain sqlite", name);
	figure(line, plain > 0 ? enc / plain : 0.0, "", "<= 1.3");
}

/* Prints everything measured. */
static void report(struct bench *b, struct side sides[2], double parse_s,
		   const double raw_s[2][BULK_ROUNDS], double fsync_med,
		   double unlock_med)
{
	struct side *p = &sides[0], *e = &sides[1];
	double single = median(e->durable_lat, DURABLE_N);
	double raw = best(raw_s[0], BULK_ROUNDS);
	double raw_all = best(raw_s[1], BULK_ROUNDS);
	double bulk = best(e->bulk_s, BULK_ROUNDS);

	printf("orders: %zu\n", b->list->count);
	printf("method: ratios are encrypted store / plain SQLite store, both "
	       "measured in this run, phase by phase\n"
	       "method: import = store part only (build order.placed, sign, "
	       "fold, insert, chain; one transaction), mean of 2 (ABBA)\n"
	       "method: best of 5 for list (all %zu orders), search (%zu "
	       "names a pass) and open-after-unlock (store_open + log "
	       "head + count of new orders); best of 3 for bulk\n"
	       "method: 1000 confirmations = one durable transaction each "
	       "(synchronous=FULL); single confirm = their median; bare "
	       "fsync = 4 KiB append + fdatasync, median of %d\n"
	       "method: bulk = %d statements in one transaction, each "
	       "order's walk in turn: order.amend, order.confirm, "
	       "payment.receive (or payment.refund), shipment.confirm, "
	       "shipment.deliver of its parcel, return.open, "
	       "return.receive, return.close with a restock; signed "
	       "by helpers on the spare cores from the front and by the "
	       "caller from the back between folding and storing each "
	       "(%ld cores here); raw signing = sigkey_sign of the "
	       "same %d statement texts one by one, and sigkey_sign_many "
	       "of them on every core\n",
	       b->list->count, NSEARCH, FSYNC_N, BULK_N,
	       sysconf(_SC_NPROCESSORS_ONLN), BULK_N);
	figure("import parse (JSON read + validate, not in the ratio)",
	       parse_s, "s", NULL);
	report_pair("import", median(p->import_s, IMPORT_ROUNDS),
		    median(e->import_s, IMPORT_ROUNDS), 1, "s");
	report_pair("list all", best(p->list_s, LIST_ROUNDS),
		    best(e->list_s, LIST_ROUNDS), 1000, "ms");
	report_pair("search by customer",
		    best(p->search_s, SEARCH_ROUNDS),
		    best(e->search_s, SEARCH_ROUNDS), 1000, "ms");
	report_pair("1000 confirmations", p->durable_s,
		    e->durable_s, 1, "s");
	report_pair("open-after-unlock",
		    best(p->open_s, OPEN_ROUNDS), best(e->open_s, OPEN_ROUNDS),
		    1000, "ms");
	figure("raw signing of 1000",
	       raw * 1000, "ms", NULL);
	figure("bulk confirm of 1000 (plain sqlite)",
	       best(p->bulk_s, BULK_ROUNDS) * 1000, "ms", NULL);
	figure("bulk confirm of 1000",
	       bulk * 1000, "ms", NULL);
	figure("bulk confirm ratio vs raw signing", bulk > 0 ? raw / bulk : 0,
	       "", ">= 0.8");
	figure("raw signing of 1000 on every core", raw_all * 1000, "ms",
	       NULL);
	figure("bulk confirm ratio vs raw signing on every core",
	       bulk > 0 ? raw_all / bulk : 0, "", NULL);
	figure("bare fsync",
	       fsync_med * 1000, "ms", NULL);
	figure("single confirm (plain sqlite)",
	       median(p->durable_lat, DURABLE_N) * 1000, "ms", NULL);
	figure("single confirm", single * 1000, "ms", NULL);
	figure("single confirm in fsyncs", fsync_med > 0 ? single / fsync_med
	       : 0, "", "< 3");
	figure("unlock (argon2id 64 MiB)", unlock_med * 1000, "ms", NULL);
}

/* Frees what the run holds; the store files stay for the script. */
static void bench_free(struct bench *b, struct side sides[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		store_close(sides[i].s);
		secret_wipe(sides[i].key, sizeof sides[i].key);
		free(sides[i].path);
	}
	statement_free(b->genesis);
	sigkey_free(b->key);
	order_list_free(b->list);
}

/* The in-process figures. */
static int run_bench(const char *orders_path, const char *dir)
{
	struct bench b = { dir, NULL, NULL, "", { 0 }, NULL };
	struct side sides[2] = { { .name = "plain" },
				 { .name = "encrypted", .encrypted = 1 } };
	double raw_s[2][BULK_ROUNDS], parse_s = 0, fsync_med = 0, unlock_med = 0;
	struct od_err err;
	enum od_code rc;
	double t0 = now();

	od_err_clear(&err);
	rc = import_read_file(orders_path, &b.list, &err);
	parse_s = now() - t0;
	if (rc == OD_OK && b.list->count < NEED_ORDERS)
		rc = od_err_set(&err, OD_E_USAGE, "the bench needs at least "
				"%d orders", NEED_ORDERS);
	if (rc == OD_OK)
		rc = bench_key(&b, &err);
	if (rc == OD_OK)
		rc = phase_read(&b, sides, &err);
	if (rc == OD_OK)
		rc = phase_confirm(&b, sides, raw_s, &fsync_med, &err);
	if (rc == OD_OK)
		rc = phase_open(sides, &err);
	if (rc == OD_OK)
		rc = unlock_time(dir, &unlock_med, &err);
	if (rc == OD_OK)
		report(&b, sides, parse_s, raw_s, fsync_med, unlock_med);
	bench_free(&b, sides);
	if (rc != OD_OK) {
		fprintf(stderr, "bench-store: %s\n", err.msg);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * Runs argv[0..] with stdout on /dev/null and prints its peak RSS in KiB and
 * its wall time (cpu: its CPU time).  Linux counts the forked copy of this small process in the
 * child's ru_maxrss too, but as a maximum, not a sum: it cannot inflate a
 * command bigger than us.  The child's failure is ours: a figure from a run
 * that did not work would mislead.
 */
static int run_peak_rss(char **argv, int cpu)
{
	struct rusage ru;
	double t0 = now();
	pid_t pid, got;
	int status = 0, fd;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("bench-store: fork");
		return 1;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "bench-store: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	do
		got = wait4(pid, &status, 0, &ru);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		perror("bench-store: wait4");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-store: %s failed (status %d)\n",
			argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return 1;
	}
	printf("%ld %.3f\n", ru.ru_maxrss, cpu ? (double)ru.ru_utime.tv_sec +
	       (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6 : now() - t0);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--peak-rss") == 0)
		return run_peak_rss(argv + 2, 0);
	if (argc >= 3 && strcmp(argv[1], "--peak-rss-cpu") == 0)
		return run_peak_rss(argv + 2, 1);
	if (argc == 3 && argv[1][0] != '-')
		return run_bench(argv[1], argv[2]);
	fprintf(stderr, "usage: bench-store ORDERS.json DIR\n"
		"       bench-store --peak-rss[-cpu] CMD [ARG...]\n");
	return 2;
}
