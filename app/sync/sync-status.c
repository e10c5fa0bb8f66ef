/* sync-status.c - the desk's standing with its backend, and its conflicts. */
#include "app/sync/sync-status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sync/sync-rebase.h"

/* Holds sh for one read or write when the caller did not. */
static enum od_code hold(struct shop *sh, enum shop_access a, int *held,
			 struct od_err *err)
{
	*held = 0;
	if (sh->store != NULL)
		return OD_OK;
	*held = 1;
	return shop_hold(sh, a, err);
}

/* Reads a meta value as a number, 0 when absent. */
static enum od_code meta_num(struct store *s, const char *key, long long *v,
			     struct od_err *err)
{
	char *text = NULL;
	enum od_code rc = store_meta_get(s, key, &text, err);

	*v = 0;
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		*v = atoll(text);
	free(text);
	return rc;
}

/* Reads the status from a held store. */
static enum od_code read_held(struct store *s, struct sync_status *st,
			      struct od_err *err)
{
	char *text = NULL;
	long long online = 0, last;
	enum od_code rc = store_meta_get(s, SYNC_META_URL, &text, err);

	if (rc == OD_OK)
		st->attached = 1;
	else if (rc == OD_E_NOTFOUND)
		rc = OD_OK;
	free(text);
	text = NULL;
	if (rc == OD_OK)
		rc = meta_num(s, SYNC_META_SEEN_SEQ, &st->head, err);
	if (rc == OD_OK)
		rc = meta_num(s, SYNC_META_ONLINE, &online, err);
	if (rc == OD_OK)
		rc = meta_num(s, SYNC_META_LAST_OK, &st->last_ok, err);
	if (rc == OD_OK)
		rc = meta_num(s, SYNC_META_LAST_TRY, &st->last_try, err);
	if (rc == OD_OK) {
		rc = store_meta_get(s, SYNC_META_ERROR, &text, err);
		if (rc == OD_OK)
			snprintf(st->last_error, sizeof st->last_error, "%s",
				 text);
		else if (rc == OD_E_NOTFOUND)
			rc = OD_OK;
		free(text);
	}
	st->online = online == 1;
	/* An unattached store has nothing waiting for a backend. */
	if (rc == OD_OK && st->attached)
		rc = store_log_count_after(s, st->head, &st->waiting, err);
	if (rc == OD_OK)
		rc = store_conflict_count(s, &st->conflicts,
					  &st->new_conflicts, &last, err);
	return rc;
}

enum od_code sync_status_read(struct shop *sh, struct sync_status *st,
			      struct od_err *err)
{
	enum od_code rc;
	int held;

	memset(st, 0, sizeof *st);
	rc = hold(sh, SHOP_READ, &held, err);
	if (rc != OD_OK)
		return rc;
	rc = read_held(sh->store, st, err);
	if (held)
		shop_release(sh);
	return rc;
}

enum od_code sync_conflicts_each(struct shop *sh, long long from,
				 store_conflict_cb cb, void *ctx,
				 struct od_err *err)
{
	enum od_code rc;
	int held;

	rc = hold(sh, SHOP_READ, &held, err);
	if (rc != OD_OK)
		return rc;
	rc = store_conflict_each(sh->store, from, cb, ctx, err);
	if (held)
		shop_release(sh);
	return rc;
}

enum od_code sync_conflicts_ack(struct shop *sh, struct od_err *err)
{
	enum od_code rc;
	int held;

	rc = hold(sh, SHOP_WRITE, &held, err);
	if (rc != OD_OK)
		return rc;
	rc = store_begin(sh->store, err);
	if (rc == OD_OK)
		rc = store_conflict_ack(sh->store, err);
	if (rc == OD_OK)
		rc = store_commit(sh->store, err);
	else
		store_rollback(sh->store);
	if (held)
		shop_release(sh);
	return rc;
}

enum od_code sync_conflict_line(const struct conflict_record *c,
				struct buf *b, struct od_err *err)
{
	return buf_addf(b, err, "conflict: order %s: %s by %s was refused "
			"(%s): %s; the shop's log now: %s",
			c->order[0] ? c->order : "-", c->kind, c->actor,
			strcmp(c->source, "backend") == 0 ?
			"by the backend" : "on this desk after the backend's "
			"news", c->reason, c->truth);
}

enum od_code sync_synced_seq(struct store *s, int *attached, long long *seq,
			     struct od_err *err)
{
	char *url = NULL;
	enum od_code rc = store_meta_get(s, SYNC_META_URL, &url, err);

	*attached = 0;
	*seq = 0;
	if (rc == OD_OK)
		*attached = url[0] != '\0';
	else if (rc == OD_E_NOTFOUND)
		rc = OD_OK;
	free(url);
	if (rc == OD_OK)
		rc = meta_num(s, SYNC_META_SEEN_SEQ, seq, err);
	return rc;
}
