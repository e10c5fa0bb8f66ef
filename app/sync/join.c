/* join.c - a desk joins a shop by one-time code; an owner invites one. */
#include "app/sync/join.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/log/people.h"
#include "app/sync/backend-call.h"
#include "app/log/wire.h"
#include "app/keys/pki.h"
#include "app/sync/sync.h"
#include "app/sync/sync-log-key.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "net/tls-client.h"
#include "storage/store-head.h"

#define JOIN_TMP         ".join"           /* in the store directory */
#define JOIN_RESPONSE_MAX (256 * 1024)
/* sync.c keeps the backend's address and pin under these meta keys. */
#define META_URL "sync.url"
#define META_PIN "sync.pin"

/* Turns a refused request's status into a code and the backend's words. */
static enum od_code refused(long status, const struct buf *resp,
			    const char *doing, struct od_err *err)
{
	json_error_t jerr;
	json_t *o = json_loadb(resp->data ? resp->data : "", resp->len, 0,
			       &jerr);
	json_t *e = json_object_get(o, "error");
	enum od_code code = status == 401 || status == 403 ? OD_E_AUTH :
			    status == 429 ? OD_E_BUSY :
			    status == 409 ? OD_E_STATE :
			    status == 400 || status == 413 ? OD_E_INPUT :
			    OD_E_IO;

	od_err_set(err, code, "the backend refused %s: %.160s", doing,
		   backend_call_text(json_string_value(e)));
	json_decref(o);
	return code;
}

/* Posts the join; *ans is the 200 answer's object. */
static enum od_code post_join(const struct join_opts *o, const char *desk,
			      const char *req_pem, json_t **ans,
			      struct od_err *err)
{
	struct tls_client_config cfg;
	struct tls_client *c = NULL;
	json_error_t jerr;
	struct buf resp;
	char *body = NULL;
	long status = 0;
	enum od_code rc;
	json_t *j;

	*ans = NULL;
	buf_init(&resp, JOIN_RESPONSE_MAX);
	memset(&cfg, 0, sizeof cfg);
	cfg.base_url = o->url;
	cfg.pin = o->pin;           /* no CA yet, no certificate yet */
	cfg.connect_timeout_s = 10;
	cfg.timeout_s = 60;
	cfg.max_response = JOIN_RESPONSE_MAX;
	j = json_pack("{s:s,s:s,s:s,s:b}", "code", o->code, "request", req_pem,
		      "desk", desk, "founding", o->owner != NULL);
	body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (body == NULL) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	rc = tls_client_new(&cfg, &c, err);
	if (rc == OD_OK)
		rc = tls_client_request(c, "POST", WIRE_JOIN_PATH, body,
					strlen(body), &status, &resp, err);
	if (rc != OD_OK)
		goto out;
	if (status != 200) {
		rc = refused(status, &resp, "the join", err);
		goto out;
	}
	*ans = json_loadb(resp.data ? resp.data : "", resp.len,
			  JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_string(json_object_get(*ans, "certificate")) ||
	    !json_is_string(json_object_get(*ans, "ca")) ||
	    !json_is_string(json_object_get(*ans, "shop")) ||
	    !json_is_integer(json_object_get(*ans, "entries"))) {
		json_decref(*ans);
		*ans = NULL;
		rc = od_err_set(err, OD_E_INPUT, "the backend's answer to the "
				"join is not the expected JSON");
	}
out:
	if (body != NULL)
		secret_wipe(body, strlen(body));   /* it held the code */
	free(body);
	tls_client_free(c);
	buf_free(&resp);
	return rc;
}

/* Writes text to dir/name, mode 0600, a new file. */
static enum od_code write_file(const char *dir, const char *name,
			       const char *text, struct od_err *err)
{
	char path[4200];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path)
		return od_err_set(err, OD_E_USAGE, "the store directory's name "
				  "is too long: %.200s", dir);
	return file_write_new(path, text, strlen(text), err);
}

/* Removes dir/name (a file), ignoring its absence. */
static void remove_in(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

/* Removes the files a join writes: the temporary bundle, or all. */
static void clean(const char *dir, int all, int made_dir)
{
	static const char *const tmp[] = {
		JOIN_TMP "/ca.pem", JOIN_TMP "/desk.pem", JOIN_TMP "/desk.key",
	};
	static const char *const files[] = {
		SYNC_DIR "/ca.pem", SYNC_DIR "/desk.pem", SYNC_DIR "/desk.key",
		SHOP_SLOTS_FILE, SHOP_DB_FILE, SHOP_DB_FILE "-wal",
		SHOP_DB_FILE "-shm", SHOP_DB_FILE STORE_HEAD_SUFFIX,
		SHOP_LOCK_FILE,
	};
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof tmp / sizeof tmp[0]; i++)
		remove_in(dir, tmp[i]);
	snprintf(path, sizeof path, "%s/%s", dir, JOIN_TMP);
	rmdir(path);
	if (!all)
		return;
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		remove_in(dir, files[i]);
	snprintf(path, sizeof path, "%s/%s", dir, SYNC_DIR);
	rmdir(path);
	if (made_dir)
		rmdir(dir);
}

/* Checks what can be checked before a byte goes out. */
static enum od_code check_opts(const struct join_opts *o, int *dir_existed,
			       struct od_err *err)
{
	char norm[JOIN_CODE_CHARS + 1], path[4200];
	struct stat st;
	enum od_code rc;

	if (strncmp(o->url, "https://", 8) != 0 || strlen(o->url) > 512)
		return od_err_set(err, OD_E_USAGE, "--backend takes an "
				  "https://HOST:PORT address");
	if (strncmp(o->pin, "sha256//", 8) != 0 || strlen(o->pin) != 52)
		return od_err_set(err, OD_E_USAGE, "--pin takes sha256// and 44 "
				  "base64 characters, as orderdeskd init "
				  "prints it");
	rc = join_code_normalize(o->code, norm, err);
	secret_wipe(norm, sizeof norm);
	if (rc != OD_OK)
		return rc;
	*dir_existed = stat(o->dir, &st) == 0;
	/* Before the code is spent: the bundle goes into this directory. */
	rc = file_check_private_dir(o->dir, 1, err);
	if (rc != OD_OK)
		return rc;
	snprintf(path, sizeof path, "%s/%s", o->dir, SHOP_SLOTS_FILE);
	if (lstat(path, &st) == 0)
		return od_err_set(err, OD_E_EXISTS, "%.200s already holds a "
				  "shop; join with another --store DIR",
				  o->dir);
	return OD_OK;
}

/*
 * Keeps the join's answer (the CA and this desk's certificate, both
 * public) in DIR/.join/ for now.  The desk's key stays in memory until
 * sync_attach seals it in the new store: it is never written to a file.
 */
static enum od_code keep_bundle(const char *dir, json_t *ans,
				struct od_err *err)
{
	char tmp[4200];

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s", dir,
				  strerror(errno));
	snprintf(tmp, sizeof tmp, "%s/%s", dir, JOIN_TMP);
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s", tmp,
				  strerror(errno));
	if (write_file(tmp, "ca.pem", json_string_value(json_object_get(ans,
					"ca")), err) != OD_OK ||
	    write_file(tmp, "desk.pem", json_string_value(json_object_get(ans,
					"certificate")), err) != OD_OK)
		return err->code;
	return OD_OK;
}

/* The desk's name: given, or "desk-" and 8 random hex digits. */
static enum od_code desk_name(const struct join_opts *o, char *desk,
			      size_t size, struct od_err *err)
{
	unsigned char rnd[4];
	char rnd_hex[9];
	enum od_code rc;

	if (o->desk_name != NULL) {
		snprintf(desk, size, "%s", o->desk_name);
		return OD_OK;
	}
	rc = sigkey_random(rnd, sizeof rnd, err);
	if (rc != OD_OK)
		return rc;
	hex_encode(rnd, sizeof rnd, rnd_hex);
	snprintf(desk, size, "desk-%s", rnd_hex);
	return OD_OK;
}

/* The new store: founded by its owner (--owner) or empty, to be filled. */
static enum od_code open_store(const struct join_opts *o, const char *shop,
			       struct shop **sh, struct od_err *err)
{
	enum od_code rc;

	if (o->owner == NULL)
		return shop_create_joined(o->dir, sh, err);
	rc = shop_init(o->dir, shop, o->owner, o->pass, o->pass_len, err);
	if (rc == OD_OK)
		rc = shop_unlock(o->dir, o->owner, o->pass, o->pass_len,
				 SHOP_WRITE, sh, err);
	return rc;
}

/* Names the log key and sends it, if due, into rep's head. */
static void name_log_key(struct shop *sh, struct sync_report *rep)
{
	enum sync_log_key_done done;
	struct od_err err;

	shop_release(sh);
	if (sync_name_log_key(sh, &done, &err) == OD_OK &&
	    done == SYNC_LOG_KEY_NAMED)
		sync_run(sh, rep, &err);
}

/* Attaches the new store to the backend with the bundle kept in
 * DIR/.join, and syncs it once. */
static enum od_code attach_and_sync(const struct join_opts *o,
				    struct shop *sh, const char *key_pem,
				    struct join_report *rep,
				    struct od_err *err)
{
	char ca[4200], cert[4200];
	struct sync_attach a;
	struct sync_report srep;
	enum od_code rc;

	snprintf(ca, sizeof ca, "%s/%s/ca.pem", o->dir, JOIN_TMP);
	snprintf(cert, sizeof cert, "%s/%s/desk.pem", o->dir, JOIN_TMP);
	a.url = o->url;
	a.pin = o->pin;
	a.ca = ca;
	a.cert = cert;
	a.key = NULL;
	a.key_pem = key_pem;
	rc = sync_attach(sh, &a, err);
	clean(o->dir, 0, 0);
	if (rc == OD_OK)
		rc = sync_run(sh, &srep, err);
	if (rc != OD_OK)
		return rc;
	/* The founding owner names the backend's key in the log at once
	 * (app/sync/sync-log-key.h); best effort: the next sync does it. */
	if (o->owner != NULL)
		name_log_key(sh, &srep);
	rep->entries = srep.head;
	rep->people = keyslot_count(sh->slots);
	if (rep->people == 0)
		rc = od_err_set(err, OD_E_NOTFOUND, "the backend has no key "
				"bundle of any person yet, so no one could sign "
				"in here; ask the owner to run `orderdesk sync` "
				"and then for a new code");
	return rc;
}

enum od_code join_run(const struct join_opts *o, struct join_report *rep,
		      struct od_err *err)
{
	char desk[72], tmp[4200];
	char *req_pem = NULL, *key_pem = NULL;
	struct shop *sh = NULL;
	struct stat st;
	json_t *ans = NULL;
	int existed = 0, wrote = 0;
	enum od_code rc;

	memset(rep, 0, sizeof *rep);
	rc = check_opts(o, &existed, err);
	if (rc != OD_OK)
		return rc;
	/* A join killed after its code was spent leaves DIR/.join behind;
	 * its key is of no use now, and it must not spend this code too. */
	snprintf(tmp, sizeof tmp, "%s/%s", o->dir, JOIN_TMP);
	if (lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode))
		clean(o->dir, 0, 0);
	rc = desk_name(o, desk, sizeof desk, err);
	if (rc != OD_OK)
		return rc;
	rc = pki_make_request(desk, &req_pem, &key_pem, err);
	if (rc == OD_OK)
		rc = post_join(o, desk, req_pem, &ans, err);
	if (rc != OD_OK)
		goto out;
	/* From here on the code is spent: a failure removes what was
	 * written, and the owner gives a new code. */
	wrote = 1;
	snprintf(rep->shop, sizeof rep->shop, "%s",
		 json_string_value(json_object_get(ans, "shop")));
	snprintf(rep->desk, sizeof rep->desk, "%s", desk);
	rc = keep_bundle(o->dir, ans, err);
	if (rc != OD_OK)
		goto out;
	rc = open_store(o, rep->shop, &sh, err);
	if (rc == OD_OK)
		rc = attach_and_sync(o, sh, key_pem, rep, err);
out:
	shop_close(sh);
	if (rc != OD_OK && wrote)
		clean(o->dir, 1, !existed);
	json_decref(ans);
	free(req_pem);
	secret_free_str(key_pem);
	return rc;
}

/* Reads a meta value of the store into a fixed buffer. */
static enum od_code meta_copy(struct store *s, const char *key, char *out,
			      size_t size, struct od_err *err)
{
	char *v = NULL;
	enum od_code rc = store_meta_get(s, key, &v, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_USAGE, "this desk has no backend; "
				  "only a desk that joined one can invite");
	if (rc == OD_OK)
		snprintf(out, size, "%s", v);
	free(v);
	return rc;
}

/* Makes the owner's signed invite request body; *body is the caller's. */
static enum od_code invite_body(struct shop *sh, char **body,
				struct od_err *err)
{
	uint8_t nonce[16], sig[SIGKEY_SIG_LEN];
	char hex[33], b64[PEOPLE_SIG_B64];
	struct buf text;
	json_t *j;
	enum od_code rc;

	*body = NULL;
	buf_init(&text, 1024);
	rc = sigkey_random(nonce, sizeof nonce, err);
	if (rc == OD_OK) {
		hex_encode(nonce, sizeof nonce, hex);
		rc = buf_addf(&text, err, "%s\nactor: %s\nkey: %s\ntime: %lld\n"
			      "nonce: %s\n", WIRE_INVITE_MAGIC, sh->user,
			      sh->fingerprint, (long long)time(NULL), hex);
	}
	if (rc == OD_OK)
		rc = sigkey_sign(sh->key, text.data, text.len, sig, err);
	if (rc == OD_OK) {
		b64_encode(sig, sizeof sig, b64);
		j = json_pack("{s:s,s:s}", "request", text.data, "signature",
			      b64);
		*body = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (*body == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	buf_free(&text);
	return rc;
}

enum od_code join_invite(struct shop *sh, char code[JOIN_CODE_LEN + 1],
			 long long *expires, char *url, char *pin,
			 struct od_err *err)
{
	struct tls_client *c = NULL;
	json_error_t jerr;
	struct buf resp;
	json_t *ans = NULL;
	char *body = NULL, norm[JOIN_CODE_CHARS + 1];
	struct od_err ignore;
	const char *got;
	long status = 0;
	enum od_code rc;

	code[0] = '\0';
	*expires = 0;
	if (sh->role != ROLE_OWNER || sh->key == NULL)
		return od_err_set(err, OD_E_DENIED, "only the shop's owner may "
				  "invite a desk; ask them for a code");
	buf_init(&resp, JOIN_RESPONSE_MAX);
	rc = meta_copy(sh->store, META_URL, url, 520, err);
	if (rc == OD_OK)
		rc = meta_copy(sh->store, META_PIN, pin, 64, err);
	if (rc == OD_OK)
		rc = invite_body(sh, &body, err);
	if (rc == OD_OK)
		rc = sync_client(sh, &c, err);
	if (rc == OD_OK)
		rc = tls_client_request(c, "POST", "/v1/invite", body,
					strlen(body), &status, &resp, err);
	if (rc != OD_OK)
		goto out;
	if (status != 200) {
		rc = refused(status, &resp, "the invite", err);
		goto out;
	}
	ans = json_loadb(resp.data ? resp.data : "", resp.len,
			 JSON_REJECT_DUPLICATES, &jerr);
	got = json_string_value(json_object_get(ans, "code"));
	/* The code is printed as it came: only a code's characters. */
	if (got == NULL || strlen(got) != JOIN_CODE_LEN ||
	    join_code_normalize(got, norm, &ignore) != OD_OK ||
	    !json_is_integer(json_object_get(ans, "expires"))) {
		rc = od_err_set(err, OD_E_INPUT, "the backend's answer to the "
				"invite is not the expected JSON");
		goto out;
	}
	secret_wipe(norm, sizeof norm);
	memcpy(code, got, JOIN_CODE_LEN + 1);
	*expires = (long long)json_integer_value(json_object_get(ans,
								 "expires"));
out:
	json_decref(ans);
	free(body);
	tls_client_free(c);
	if (resp.data != NULL)
		secret_wipe(resp.data, resp.len);
	buf_free(&resp);
	return rc;
}
