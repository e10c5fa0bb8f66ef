/*
 * backend-join.c - POST /v1/join: a one-time code and a certificate request
 * make a desk; the join codes and the per-address guard.
 */
#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/orderdeskd/routes.h"
#include "lib/file.h"
#include "lib/secret.h"

#define META_JOIN    "join."       /* + the code's id: its record */
#define REQ_PEM_MAX  (16 * 1024)

json_t *backend_parse_strings(const char *body, size_t len,
			      const char *const *names, size_t n, size_t extra)
{
	json_error_t jerr;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	size_t i;

	if (!json_is_object(o) || json_object_size(o) != n + extra)
		goto bad;
	for (i = 0; i < n; i++)
		if (!json_is_string(json_object_get(o, names[i])))
			goto bad;
	return o;
bad:
	json_decref(o);
	return NULL;
}

/* The guard's slot for addr (a new or the oldest one if absent). */
static unsigned guard_find(struct join_guard *g, const char *addr,
			   long long now)
{
	unsigned i, oldest = 0;

	for (i = 0; i < JOIN_GUARD_SLOTS; i++) {
		if (strcmp(g->slot[i].addr, addr) == 0)
			return i;
		if (g->slot[i].since < g->slot[oldest].since)
			oldest = i;
	}
	snprintf(g->slot[oldest].addr, sizeof g->slot[oldest].addr, "%s",
		 addr);
	g->slot[oldest].fails = 0;
	g->slot[oldest].since = now;
	return oldest;
}

/* Whether addr has used up its failures in the current window. */
static int guard_blocked(struct join_guard *g, const char *addr, long long now)
{
	unsigned i = guard_find(g, addr, now);

	if (now - g->slot[i].since >= JOIN_WINDOW_S) {
		g->slot[i].fails = 0;
		g->slot[i].since = now;
	}
	return g->max_fails > 0 && g->slot[i].fails >= g->max_fails;
}

/* Counts a failed join against addr. */
static void guard_fail(struct join_guard *g, const char *addr, long long now)
{
	g->slot[guard_find(g, addr, now)].fails++;
}

enum od_code backend_join_issue(struct store *s, long long now, long long ttl,
				char code[JOIN_CODE_LEN + 1],
				long long *expires, struct od_err *err)
{
	char key[16], text[JOIN_RECORD_MAX], *old = NULL;
	struct join_record rec;
	enum od_code rc;
	int attempt;

	/* The id is 20 bits: draw again while it names a live record. */
	for (attempt = 0; attempt < 32; attempt++) {
		rc = join_code_new(now, ttl, code, &rec, err);
		if (rc != OD_OK)
			return rc;
		snprintf(key, sizeof key, META_JOIN "%.4s", code);
		rc = store_meta_get(s, key, &old, err);
		if (rc == OD_E_NOTFOUND)
			break;
		free(old);
		old = NULL;
		if (rc != OD_OK)
			goto fail;
	}
	if (attempt == 32) {
		rc = od_err_set(err, OD_E_BUSY, "cannot find a free join code "
				"id; try again");
		goto fail;
	}
	join_record_format(&rec, text);
	rc = store_meta_set(s, key, text, err);
	if (rc != OD_OK)
		goto fail;
	*expires = rec.expires;
	return OD_OK;
fail:
	secret_wipe(code, JOIN_CODE_LEN + 1);
	return rc;
}

enum od_code backend_join_code(struct backend *b, long long ttl,
			       char code[JOIN_CODE_LEN + 1],
			       long long *expires, struct od_err *err)
{
	struct store *s = backend_store(b);
	enum od_code rc = store_begin(s, err);

	if (rc == OD_OK)
		rc = backend_join_issue(s, (long long)time(NULL), ttl, code,
					expires, err);
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc != OD_OK)
		secret_wipe(code, JOIN_CODE_LEN + 1);
	return rc;
}

/* Writes text to path, mode 0600, failing if it exists. */
static enum od_code write_new(const char *path, const char *text,
			      struct od_err *err)
{
	return file_write_new(path, text, strlen(text), err);
}

/*
 * Keeps a joined desk's certificate in desks/NAME/desk.pem, where
 * `orderdeskd desk revoke NAME` finds its serial.  A name taken gives
 * OD_E_EXISTS.
 */
static enum od_code keep_desk_cert(struct backend *b, const char *name,
				   const char *cert, struct od_err *err)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/desks", backend_dir(b));
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s",
				  path, strerror(errno));
	snprintf(path, sizeof path, "%s/desks/%s", backend_dir(b), name);
	if (mkdir(path, 0700) != 0)
		return od_err_set(err, errno == EEXIST ? OD_E_EXISTS : OD_E_IO,
				  "a desk named %s already exists; join with "
				  "another --desk-name", name);
	snprintf(path, sizeof path, "%s/desks/%s/desk.pem", backend_dir(b),
		 name);
	return write_new(path, cert, err);
}

/* Whether desks/NAME exists already. */
static int desk_exists(struct backend *b, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/desks/%s", backend_dir(b), name);
	return lstat(path, &st) == 0;
}

enum od_code backend_join_parse(const char *body, size_t len,
				struct backend_join_req *req,
				struct od_err *err)
{
	static const char *const names[] = { "code", "request", "desk" };
	const char *desk;
	enum od_code rc;
	json_t *o;

	memset(req, 0, sizeof *req);
	o = backend_parse_strings(body, len, names, 3, 1);
	if (o == NULL || !json_is_boolean(json_object_get(o, "founding"))) {
		rc = od_err_set(err, OD_E_INPUT, "a join is {\"code\", "
				"\"request\", \"desk\": strings, "
				"\"founding\": a boolean}");
		goto out;
	}
	rc = join_code_normalize(json_string_value(json_object_get(o, "code")),
				 req->code, err);
	if (rc != OD_OK) {
		rc = OD_E_AUTH;
		goto out;
	}
	/* Checked here, before the name makes a path (desks/NAME). */
	desk = json_string_value(json_object_get(o, "desk"));
	if (!pki_name_ok(desk)) {
		rc = od_err_set(err, OD_E_INPUT, "a desk's name is 1 to %d "
				"letters, digits, '.', '_' or '-', starting "
				"with a letter or digit", PKI_NAME_MAX);
		goto out;
	}
	memcpy(req->desk, desk, strlen(desk) + 1);
	req->request = strdup(json_string_value(json_object_get(o,
								"request")));
	if (req->request == NULL) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	req->founding = json_is_true(json_object_get(o, "founding"));
out:
	if (rc != OD_OK)
		backend_join_req_clear(req);
	json_decref(o);
	return rc;
}

void backend_join_req_clear(struct backend_join_req *req)
{
	secret_wipe(req->code, sizeof req->code);
	free(req->request);
	memset(req, 0, sizeof *req);
}

/* One join being answered: what its steps share. */
struct join_try {
	struct backend *b;
	struct store *s;
	struct join_guard *g;
	const char *addr;
	long long now;
	struct backend_join_req jr;
	char key[16];
	char *rec_text;
	struct join_record rec;
	long long seq;
	int tx;                  /* a transaction is open: rolled back */
	struct buf *out;
	char *note;
	size_t note_size;
	struct od_err err;
};

/* Refuses the join with status and msg; returns status. */
static unsigned join_refuse(struct join_try *t, unsigned status,
			    const char *msg)
{
	return backend_reply_error(t->out, status, msg, t->note,
				   t->note_size);
}

/* Reads the code's record in a new transaction: 0, or the refusal. */
static unsigned join_find(struct join_try *t)
{
	enum od_code rc;

	snprintf(t->key, sizeof t->key, META_JOIN "%.4s", t->jr.code);
	rc = store_begin(t->s, &t->err);
	t->tx = rc == OD_OK;
	if (rc == OD_OK)
		rc = store_meta_get(t->s, t->key, &t->rec_text, &t->err);
	if (rc == OD_E_NOTFOUND) {
		guard_fail(t->g, t->addr, t->now);
		return join_refuse(t, 403, "wrong join code; check it with "
				   "the owner");
	}
	if (rc == OD_OK)
		rc = join_record_parse(t->rec_text, &t->rec, &t->err);
	return rc == OD_OK ? 0 : join_refuse(t, 500, t->err.msg);
}

/* Checks the code itself: 0, or the refusal (a wrong try is kept). */
static unsigned join_check(struct join_try *t)
{
	char text[JOIN_RECORD_MAX];
	unsigned tries = t->rec.tries;
	struct od_err why;

	if (join_code_check(&t->rec, t->jr.code, t->now, &why) == OD_OK)
		return 0;
	guard_fail(t->g, t->addr, t->now);
	/* A wrong try counts even though the join fails. */
	if (t->rec.tries != tries) {
		join_record_format(&t->rec, text);
		if (store_meta_set(t->s, t->key, text, &t->err) != OD_OK ||
		    store_commit(t->s, &t->err) != OD_OK)
			return join_refuse(t, 500, t->err.msg);
		t->tx = 0;
	}
	return join_refuse(t, 403, why.msg);
}

/* Whether the join fits the shop (founding or not, a new desk name): 0,
 * or the refusal.  Before the code is spent: the wrong kind keeps it. */
static unsigned join_fits(struct join_try *t)
{
	uint8_t hash[32];

	if (store_log_head(t->s, &t->seq, hash, &t->err) != OD_OK)
		return join_refuse(t, 500, t->err.msg);
	if (t->jr.founding != (t->seq == 0))
		return join_refuse(t, 409, t->jr.founding ?
				   "this shop already has people: join "
				   "without --owner, and sign in as one "
				   "of them" :
				   "this shop has no people yet: the first "
				   "desk joins with --owner NAME");
	if (desk_exists(t->b, t->jr.desk))
		return join_refuse(t, 409, "a desk of that name already "
				   "joined; join with another --desk-name");
	return 0;
}

/* Signs the desk's request (*ca and *cert the caller's) and spends the
 * code: 0, or the refusal. */
static unsigned join_sign(struct join_try *t, char **ca, char **cert)
{
	char text[JOIN_RECORD_MAX], *ca_key = NULL;
	const char *dir = backend_dir(t->b);
	enum od_code rc;

	rc = backend_read_pem(dir, "ca.pem", ca, &t->err);
	if (rc == OD_OK)
		rc = backend_read_pem(dir, "ca.key", &ca_key, &t->err);
	if (rc == OD_OK)
		rc = pki_sign_request(*ca, ca_key, t->jr.request, t->jr.desk,
				      cert, &t->err);
	secret_free_str(ca_key);
	if (rc == OD_OK) {
		t->rec.used = 1;
		join_record_format(&t->rec, text);
		rc = store_meta_set(t->s, t->key, text, &t->err);
	}
	if (rc == OD_OK)
		rc = store_commit(t->s, &t->err);
	if (rc != OD_OK)
		return join_refuse(t, rc == OD_E_INPUT || rc == OD_E_USAGE ?
				   400 : 500, t->err.msg);
	t->tx = 0;
	return 0;
}

/* POST /v1/join: a code and a certificate request, from anyone. */
static unsigned route_join(struct backend *b, struct join_guard *g,
			   const char *addr, const char *body, size_t len,
			   struct buf *out, char *note, size_t note_size)
{
	struct join_try t = { .b = b, .s = backend_store(b), .g = g,
			      .addr = addr, .now = (long long)time(NULL),
			      .out = out, .note = note,
			      .note_size = note_size };
	char *ca = NULL, *cert = NULL;
	unsigned status;
	enum od_code rc;

	if (guard_blocked(g, addr, t.now))
		return join_refuse(&t, 429, "too many failed joins from this "
				   "address; wait 15 minutes and check the "
				   "code with the owner");
	rc = backend_join_parse(body, len, &t.jr, &t.err);
	/* A malformed join is a failed try too: otherwise a client could
	 * probe the parser from one address without end. */
	if (rc == OD_E_AUTH || rc == OD_E_INPUT)
		guard_fail(g, addr, t.now);
	if (rc != OD_OK) {
		status = join_refuse(&t, rc == OD_E_AUTH ? 403 :
				     rc == OD_E_INPUT ? 400 : 500, t.err.msg);
		goto out;
	}
	if (strlen(t.jr.request) > REQ_PEM_MAX) {
		status = join_refuse(&t, 413, "the certificate request is too "
				     "large");
		goto out;
	}
	if ((status = join_find(&t)) != 0 || (status = join_check(&t)) != 0 ||
	    (status = join_fits(&t)) != 0 ||
	    (status = join_sign(&t, &ca, &cert)) != 0)
		goto out;
	/* The code is spent: a desk that cannot be recorded (a race on its
	 * name) asks the owner for another. */
	rc = keep_desk_cert(b, t.jr.desk, cert, &t.err);
	if (rc != OD_OK) {
		status = join_refuse(&t, rc == OD_E_EXISTS ? 409 : 500,
				     t.err.msg);
		goto out;
	}
	status = backend_reply_json(out, json_pack("{s:s,s:s,s:s,s:I}",
						   "certificate", cert, "ca",
						   ca, "shop", backend_shop(b),
						   "entries",
						   (json_int_t)t.seq));
	snprintf(note, note_size, "desk %s joined with a one-time code",
		 t.jr.desk);
out:
	if (t.tx)
		store_rollback(t.s);
	backend_join_req_clear(&t.jr);
	free(t.rec_text);
	free(ca);
	free(cert);
	return status;
}

void backend_join_refused(struct join_guard *g, const char *addr)
{
	long long now = (long long)time(NULL);

	/* Opens a new window first if the last one has ended, as
	 * route_join does before it counts. */
	guard_blocked(g, addr, now);
	guard_fail(g, addr, now);
}

unsigned backend_post_join(const struct route_call *c)
{
	return route_join(c->b, c->guard, c->addr, c->body, c->len, c->out,
			  c->note, c->note_size);
}
