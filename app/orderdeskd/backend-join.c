/* backend-join.c - orderdeskd's routes for joining a shop and for people. */
#include "app/orderdeskd/backend-join.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/log/people.h"
#include "app/keys/pki.h"
#include "app/orderdeskd/routes.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"

#define META_JOIN    "join."       /* + the code's id: its record */
#define META_NONCE   "invite."     /* + an invite's nonce: seen */
#define META_PERSON  "people."     /* + a user: {"bundle", "signature"} */
#define REQ_PEM_MAX  (16 * 1024)

/* Answers 200 with o (taken). */
static unsigned reply_json(struct buf *out, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	struct od_err err;
	unsigned status = 200;

	json_decref(o);
	buf_reset(out);
	if (text == NULL || buf_adds(out, text, &err) != OD_OK)
		status = 500;
	free(text);
	return status;
}

/*
 * Parses body as an object with exactly the n string members names, and
 * extra other members (checked by the caller).
 */
static json_t *parse_strings(const char *body, size_t len,
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

/* Issues a code inside the caller's transaction. */
static enum od_code issue_code(struct store *s, long long now, long long ttl,
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
		rc = issue_code(s, (long long)time(NULL), ttl, code, expires,
				err);
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
	o = parse_strings(body, len, names, 3, 1);
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

/* POST /v1/join: a code and a certificate request, from anyone. */
static unsigned route_join(struct backend *b, struct join_guard *g,
			   const char *addr, const char *body, size_t len,
			   struct buf *out, char *note, size_t note_size)
{
	char key[16], text[JOIN_RECORD_MAX];
	char *rec_text = NULL, *ca = NULL, *ca_key = NULL, *cert = NULL;
	const char *desk, *req, *norm;
	struct backend_join_req jr;
	struct store *s = backend_store(b);
	struct join_record rec;
	long long now = (long long)time(NULL), seq = 0;
	uint8_t hash[32];
	unsigned tries, status;
	struct od_err err;
	enum od_code rc;

	if (guard_blocked(g, addr, now))
		return backend_reply_error(out, 429, "too many failed joins from this "
				   "address; wait 15 minutes and check the "
				   "code with the owner", note, note_size);
	rc = backend_join_parse(body, len, &jr, &err);
	/* A malformed join is a failed try too: otherwise a client could
	 * probe the parser from one address without end. */
	if (rc == OD_E_AUTH || rc == OD_E_INPUT)
		guard_fail(g, addr, now);
	if (rc != OD_OK) {
		status = backend_reply_error(out, rc == OD_E_AUTH ? 403 :
				     rc == OD_E_INPUT ? 400 : 500, err.msg,
				     note, note_size);
		goto out;
	}
	norm = jr.code;
	desk = jr.desk;
	req = jr.request;
	if (strlen(req) > REQ_PEM_MAX) {
		status = backend_reply_error(out, 413, "the certificate request is too "
				     "large", note, note_size);
		goto out;
	}
	snprintf(key, sizeof key, META_JOIN "%.4s", norm);
	rc = store_begin(s, &err);
	if (rc == OD_OK)
		rc = store_meta_get(s, key, &rec_text, &err);
	if (rc == OD_E_NOTFOUND) {
		store_rollback(s);
		guard_fail(g, addr, now);
		status = backend_reply_error(out, 403, "wrong join code; check it with "
				     "the owner", note, note_size);
		goto out;
	}
	if (rc == OD_OK)
		rc = join_record_parse(rec_text, &rec, &err);
	if (rc != OD_OK) {
		store_rollback(s);
		status = backend_reply_error(out, 500, err.msg, note, note_size);
		goto out;
	}
	tries = rec.tries;
	rc = join_code_check(&rec, norm, now, &err);
	if (rc != OD_OK) {
		struct od_err why = err;

		guard_fail(g, addr, now);
		/* A wrong try counts even though the join fails. */
		join_record_format(&rec, text);
		if (rec.tries != tries &&
		    (store_meta_set(s, key, text, &err) != OD_OK ||
		     store_commit(s, &err) != OD_OK)) {
			store_rollback(s);
			status = backend_reply_error(out, 500, err.msg, note,
					     note_size);
			goto out;
		}
		if (rec.tries == tries)
			store_rollback(s);
		status = backend_reply_error(out, 403, why.msg, note, note_size);
		goto out;
	}
	/* Before the code is spent: the wrong kind of join keeps it. */
	rc = store_log_head(s, &seq, hash, &err);
	if (rc != OD_OK) {
		store_rollback(s);
		status = backend_reply_error(out, 500, err.msg, note, note_size);
		goto out;
	}
	if (jr.founding != (seq == 0)) {
		store_rollback(s);
		status = backend_reply_error(out, 409, jr.founding ?
				     "this shop already has people: join "
				     "without --owner, and sign in as one "
				     "of them" :
				     "this shop has no people yet: the first "
				     "desk joins with --owner NAME", note,
				     note_size);
		goto out;
	}
	if (desk_exists(b, desk)) {
		store_rollback(s);
		status = backend_reply_error(out, 409, "a desk of that name already "
				     "joined; join with another --desk-name",
				     note, note_size);
		goto out;
	}
	rc = backend_read_pem(backend_dir(b), "ca.pem", &ca, &err);
	if (rc == OD_OK)
		rc = backend_read_pem(backend_dir(b), "ca.key", &ca_key, &err);
	if (rc == OD_OK)
		rc = pki_sign_request(ca, ca_key, req, desk, &cert, &err);
	if (rc == OD_OK) {
		rec.used = 1;
		join_record_format(&rec, text);
		rc = store_meta_set(s, key, text, &err);
	}
	if (rc == OD_OK)
		rc = store_commit(s, &err);
	if (rc != OD_OK) {
		store_rollback(s);
		status = backend_reply_error(out, rc == OD_E_INPUT || rc == OD_E_USAGE ?
				     400 : 500, err.msg, note, note_size);
		goto out;
	}
	/* The code is spent: a desk that cannot be recorded (a race on its
	 * name) asks the owner for another. */
	rc = keep_desk_cert(b, desk, cert, &err);
	if (rc != OD_OK) {
		status = backend_reply_error(out, rc == OD_E_EXISTS ? 409 : 500,
				     err.msg, note, note_size);
		goto out;
	}
	status = reply_json(out, json_pack("{s:s,s:s,s:s,s:I}", "certificate",
					   cert, "ca", ca, "shop",
					   backend_shop(b), "entries",
					   (json_int_t)seq));
	snprintf(note, note_size, "desk %s joined with a one-time code", desk);
out:
	backend_join_req_clear(&jr);
	free(rec_text);
	free(ca);
	free(cert);
	secret_free_str(ca_key);
	return status;
}

/* The value of "NAME: " on the line at *p, moving past it; NULL if not. */
static const char *line_value(const char **p, const char *name, char *val,
			      size_t size)
{
	size_t n = strlen(name), len;
	const char *nl;

	if (strncmp(*p, name, n) != 0 || (*p)[n] != ':' || (*p)[n + 1] != ' ')
		return NULL;
	nl = strchr(*p + n + 2, '\n');
	if (nl == NULL || (len = (size_t)(nl - (*p + n + 2))) == 0 ||
	    len >= size)
		return NULL;
	memcpy(val, *p + n + 2, len);
	val[len] = '\0';
	*p = nl + 1;
	return val;
}

/* Checks an owner's signed invite request; 0 or the HTTP status. */
static unsigned check_invite(struct backend *b, const char *text,
			     const char *sig_b64, char nonce[33],
			     struct od_err *err)
{
	char actor[40], fp[80], when[24], *end;
	uint8_t sig[SIGKEY_SIG_LEN];
	struct sigkey_pub *pub = NULL;
	struct user_record u;
	const char *p = text;
	long long t, now = (long long)time(NULL);
	size_t got = 0;
	enum od_code rc;

	if (strncmp(p, WIRE_INVITE_MAGIC "\n", sizeof WIRE_INVITE_MAGIC) != 0)
		goto bad;
	p += sizeof WIRE_INVITE_MAGIC;
	if (!line_value(&p, "actor", actor, sizeof actor) ||
	    !line_value(&p, "key", fp, sizeof fp) ||
	    !line_value(&p, "time", when, sizeof when) ||
	    !line_value(&p, "nonce", nonce, 33) || *p != '\0' ||
	    strlen(nonce) != 32 || strspn(nonce, "0123456789abcdef") != 32)
		goto bad;
	t = strtoll(when, &end, 10);
	if (*end != '\0')
		goto bad;
	if (b64_decode("the invite's signature", sig_b64, strlen(sig_b64), sig,
		       sizeof sig, &got, err) != OD_OK || got != sizeof sig)
		goto bad;
	rc = store_user_get(backend_store(b), actor, &u, err);
	if (rc != OD_OK || !u.active || strcmp(u.role, "owner") != 0 ||
	    strcmp(u.fingerprint, fp) != 0) {
		od_err_set(err, OD_E_DENIED, "only the shop's owner may invite "
			   "a desk");
		return 403;
	}
	rc = sigkey_pub_new(u.pubkey, &pub, err);
	if (rc == OD_OK)
		rc = sigkey_pub_verify(pub, text, strlen(text), sig, err);
	sigkey_pub_free(pub);
	if (rc != OD_OK) {
		od_err_set(err, OD_E_DENIED, "the invite request is not signed "
			   "by the owner's key");
		return 403;
	}
	if (t < now - JOIN_INVITE_SKEW || t > now + JOIN_INVITE_SKEW) {
		od_err_set(err, OD_E_DENIED, "the invite request's time is "
			   "more than %d minutes from the backend's clock; "
			   "check the desk's clock", JOIN_INVITE_SKEW / 60);
		return 403;
	}
	return 0;
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
	json_t *o = parse_strings(body, len, names, 2, 0);

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
		rc = issue_code(s, (long long)time(NULL), cfg->join_ttl_s, code,
				&expires, &err);
	if (rc == OD_OK)
		rc = store_commit(s, &err);
	if (rc != OD_OK) {
		store_rollback(s);
		status = backend_reply_error(out, rc == OD_E_EXISTS ? 403 : 500,
				     err.msg, note, note_size);
		goto out;
	}
	status = reply_json(out, json_pack("{s:s,s:I}", "code", code,
					   "expires", (json_int_t)expires));
	snprintf(note, note_size, "issued a join code for an owner");
out:
	secret_wipe(code, sizeof code);
	free(seen);
	json_decref(o);
	return status;
}

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
	return reply_json(out, json_pack("{s:o}", "people", c.arr));
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
		status = reply_json(out, json_pack("{s:I}", "stored",
						   (json_int_t)kept));
		snprintf(note, note_size, "stored %zu key bundles", kept);
	}
	json_decref(o);
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

unsigned backend_post_invite(const struct route_call *c)
{
	return route_invite(c->b, c->cfg, c->body, c->len, c->out, c->note,
			    c->note_size);
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
