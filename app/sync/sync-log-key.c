/* sync-log-key.c - the owner's desk names the log's key (sync-log-key.h). */
#include "app/sync/sync-log-key.h"

#include <stdlib.h>
#include <string.h>

#include "app/log/checkpoint.h"
#include "app/log/log-key.h"
#include "app/sync/sync-checkpoint.h"
#include "lib/buf.h"

/* Whether meta key is set in s (OD_E_NOTFOUND is an answer, not an error). */
static enum od_code has_meta(struct store *s, const char *key, int *has,
			     struct od_err *err)
{
	char *v = NULL;
	enum od_code rc = store_meta_get(s, key, &v, err);

	*has = rc == OD_OK && v[0] != '\0';
	free(v);
	return rc == OD_E_NOTFOUND ? OD_OK : rc;
}

/*
 * The key to name, as text, into out: the shop's origin and the head key
 * this desk learned, the very key its kept checkpoint was verified with
 * (app/sync/sync-checkpoint.c), so the name is the backend's own.
 */
static enum od_code learned_key(struct store *s, struct buf *out,
				struct od_err *err)
{
	struct note_verifier v;
	int known = 0;
	enum od_code rc = sync_learned_log_key(s, &v, &known, err);

	if (rc == OD_OK && !known)
		rc = od_err_set(err, OD_E_TAMPERED, "this store verified a "
				"checkpoint but kept no backend key; restore a"
				" backup");
	return rc == OD_OK ? note_verifier_text(&v, out, err) : rc;
}

enum od_code sync_name_log_key(struct shop *sh, enum sync_log_key_done *done,
			       struct od_err *err)
{
	struct statement *st = NULL;
	struct buf text;
	long long seq = 0;
	int has_key = 0, has_cp = 0;
	enum od_code rc;

	*done = SYNC_LOG_KEY_NOTHING;
	if (sh->role != ROLE_OWNER || sh->key == NULL)
		return OD_OK;
	buf_init(&text, 4096);
	rc = shop_hold(sh, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	rc = has_meta(sh->store, LOG_KEY_META, &has_key, err);
	if (rc == OD_OK && !has_key)
		rc = has_meta(sh->store, SYNC_META_CHECKPOINT, &has_cp, err);
	if (rc != OD_OK || has_key || !has_cp)
		goto out;
	if (sigkey_on_token(sh->key)) {
		*done = SYNC_LOG_KEY_ON_TOKEN;
		goto out;
	}
	rc = learned_key(sh->store, &text, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_SHOP_LOG_KEY, NULL, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "log-key", text.data, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK)
		*done = SYNC_LOG_KEY_NAMED;
out:
	statement_free(st);
	buf_free(&text);
	shop_release(sh);
	return rc;
}
