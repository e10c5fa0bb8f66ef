/* people-race.c - a rekey made here that another desk's rekey beat. */
#include "app/shop/people-race.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/keys/sigkey.h"
#include "lib/encode.h"

#define META_RACE "people.x."   /* + user: "SEQ FINGERPRINT" */

/* The line a person is shown; the key cut to 16 hex digits (`user list`
 * shows it whole) so that the line stays within an error message. */
static void race_msg(const char *user, long long seq, const char *fp,
		     char *msg, size_t size)
{
	snprintf(msg, size, "%s's key was changed at entry %lld by another "
		 "desk (key %.23s...); if that was not %s, the owner must "
		 "`orderdesk user revoke %s` and add them again under a new "
		 "name", user, seq, fp, user, user);
}

/* The fingerprint of the key a user.rekey entry gives its signer. */
struct new_key {
	char fp[SIGKEY_FP_LEN + 1];
};

static enum od_code new_key_cb(void *ctx, const struct log_record *r,
			       struct od_err *err)
{
	struct new_key *nk = ctx;
	struct statement *st = NULL;
	uint8_t pub[SIGKEY_PUB_LEN];
	const char *b64;
	size_t n = 0;
	enum od_code rc;

	rc = statement_parse(r->statement, r->statement_len, &st, err);
	if (rc != OD_OK)
		goto out;
	b64 = statement_get(st, "pubkey");
	if (st->kind != STMT_USER_REKEY || b64 == NULL ||
	    b64_decode("pubkey", b64, strlen(b64), pub, sizeof pub, &n,
		       err) != OD_OK || n != sizeof pub) {
		/* The fold put it in retired_keys: the store disagrees. */
		rc = od_err_set(err, OD_E_TAMPERED, "log entry %lld retired a "
				"key but is no user.rekey; the store is damaged: "
				"run `orderdesk audit verify`", r->seq);
		goto out;
	}
	rc = sigkey_fingerprint(pub, nk->fp, err);
out:
	statement_free(st);
	return rc;
}

enum od_code people_race_note(struct store *s, const struct statement *st,
			      char *msg, size_t size, struct od_err *err)
{
	char whose[STMT_NAME_MAX + 1], key[64], val[128];
	struct new_key nk;
	long long seq = 0;
	enum od_code rc;

	msg[0] = '\0';
	if (st->kind != STMT_USER_REKEY)
		return OD_OK;
	/* Retired by a rekey of the same person: the only way a key of
	 * theirs leaves the log while they stay in it. */
	rc = store_key_retired(s, st->key, whose, sizeof whose, &seq, NULL,
			       err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc != OD_OK)
		return rc;
	if (strcmp(whose, st->actor) != 0)
		return OD_OK;
	/* The first race is the one to show: a later one is its sequel. */
	rc = people_race_get(s, st->actor, msg, size, err);
	if (rc != OD_E_NOTFOUND)
		return rc;
	memset(&nk, 0, sizeof nk);
	rc = store_log_at(s, seq, new_key_cb, &nk, err);
	if (rc == OD_E_NOTFOUND)
		rc = od_err_set(err, OD_E_TAMPERED, "the log has no entry %lld, "
				"the rekey that retired %s's key; the store is "
				"damaged: run `orderdesk audit verify`", seq,
				st->actor);
	if (rc != OD_OK)
		return rc;
	snprintf(key, sizeof key, META_RACE "%s", st->actor);
	snprintf(val, sizeof val, "%lld %s", seq, nk.fp);
	rc = store_meta_set(s, key, val, err);
	if (rc == OD_OK)
		race_msg(st->actor, seq, nk.fp, msg, size);
	return rc;
}

enum od_code people_race_get(struct store *s, const char *user, char *msg,
			     size_t size, struct od_err *err)
{
	char key[64], fp[SIGKEY_FP_LEN + 1], *v = NULL;
	long long seq = 0;
	int end = 0;
	enum od_code rc;

	msg[0] = '\0';
	snprintf(key, sizeof key, META_RACE "%s", user);
	rc = store_meta_get(s, key, &v, err);
	if (rc != OD_OK)
		return rc;
	if (sscanf(v, "%lld %71s%n", &seq, fp, &end) != 2 || seq < 1 ||
	    v[end] != '\0' || strncmp(fp, "sha256:", 7) != 0)
		rc = od_err_set(err, OD_E_TAMPERED, "the store's note of a "
				"passphrase race for %s is damaged", user);
	else
		race_msg(user, seq, fp, msg, size);
	free(v);
	return rc;
}
