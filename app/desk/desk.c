/*
 * desk.c - the desk's life: made locked, the people who may sign in, the
 * store taken for each operation, the background sync started and
 * stopped, locked again (unlocking is desk-unlock.c, above the index).
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"
#include "app/desk/desk-undo-list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"
#include "app/sync/sync-log-key.h"
#include "app/sync/sync-thread.h"
#include "storage/store.h"

enum od_code desk_new(const char *dir, struct desk **out, struct od_err *err)
{
	struct desk *d = calloc(1, sizeof *d);

	*out = NULL;
	if (d == NULL || (d->dir = strdup(dir)) == NULL) {
		free(d);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	d->tab.view = -1;
	*out = d;
	return OD_OK;
}

/* Frees the list of key slot users. */
static void users_free(struct desk *d)
{
	size_t i;

	for (i = 0; i < d->nusers; i++)
		free(d->users[i]);
	free(d->users);
	d->users = NULL;
	d->nusers = 0;
}

void desk_free(struct desk *d)
{
	if (d == NULL)
		return;
	desk_lock(d);
	users_free(d);
	free(d->dir);
	free(d);
}

/* Collects one key slot user (silently stops at DESK_MAX_USERS). */
static void add_user(void *ctx, const char *user)
{
	struct desk *d = ctx;
	char *copy;

	if (d->users == NULL || d->nusers >= DESK_MAX_USERS)
		return;
	copy = strdup(user);
	if (copy != NULL)
		d->users[d->nusers++] = copy;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum od_code desk_users(struct desk *d, const char *const **names, size_t *n,
			struct od_err *err)
{
	enum od_code rc;

	*names = NULL;
	*n = 0;
	users_free(d);
	d->users = calloc(DESK_MAX_USERS, sizeof *d->users);
	if (d->users == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = shop_slot_users(d->dir, add_user, d, err);
	if (rc != OD_OK) {
		users_free(d);
		return rc;
	}
	qsort(d->users, d->nusers, sizeof *d->users, cmp_str);
	*names = (const char *const *)d->users;
	*n = d->nusers;
	return OD_OK;
}

void desk_sync_every(struct desk *d, int secs)
{
	d->bg_every = secs > 0 ? secs : 0;
}

/*
 * Starts the background sync on the released, unlocked shop.  A store
 * without a backend has none (OD_E_USAGE); any other failure leaves the
 * desk working offline, with the reason for the status line.
 */
void desk_bg_start(struct desk *d)
{
	struct od_err err;

	enum sync_log_key_done done;

	d->bg.why[0] = '\0';
	d->bg.acked_news = -1;
	/* The owner's desk names the log's key, if due, for the thread's
	 * first sync to send (best effort: the next start tries again). */
	sync_name_log_key(d->sh, &done, &err);
	if (sync_thread_start(d->sh, d->bg_every, &d->bg.thread, &err) ==
	    OD_OK || err.code == OD_E_USAGE)
		return;
	snprintf(d->bg.why, sizeof d->bg.why, "%s", err.msg);
}

/* Stops the background sync: its request ends, its keys are wiped. */
void desk_bg_stop(struct desk *d)
{
	sync_thread_stop(d->bg.thread);
	d->bg.thread = NULL;
	d->bg.why[0] = '\0';
}

struct desk_bg_state *desk_bg_state(struct desk *d)
{
	return &d->bg;
}

void desk_lock(struct desk *d)
{
	if (d == NULL)
		return;
	/* First the thread, whose handle holds a copy of the keys. */
	desk_bg_stop(d);
	desk_index_free(d);
	desk_undo_forget(d);
	shop_close(d->sh);
	d->sh = NULL;
	d->locked_why[0] = '\0';
}

const char *desk_locked_why(const struct desk *d)
{
	return d->locked_why;
}

/*
 * Takes the store for one operation, waiting for another command's lock
 * unless now (then OD_E_BUSY at once).  Keys that no longer open it
 * (another process rotated them) or a user revoked meanwhile lock the
 * desk, keeping the reason for the unlock screen.
 */
static enum od_code hold_for(struct desk *d, enum shop_access access,
			     int now, struct od_err *err)
{
	enum od_code rc;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	rc = now ? shop_hold_now(d->sh, access, err)
		 : shop_hold(d->sh, access, err);
	if (rc == OD_E_AUTH) {
		desk_lock(d);
		snprintf(d->locked_why, sizeof d->locked_why, "%s", err->msg);
	}
	return rc;
}

enum od_code desk_hold(struct desk *d, enum shop_access access,
		       struct od_err *err)
{
	return hold_for(d, access, 0, err);
}

enum od_code desk_hold_now(struct desk *d, enum shop_access access,
			   struct od_err *err)
{
	return hold_for(d, access, 1, err);
}

/* Notes the held store's log head as the one the index shows. */
void desk_watch_note(struct desk *d)
{
	struct od_err ignored;

	d->watch.known = store_log_head(d->sh->store, &d->watch.seq,
					d->watch.hash, &ignored) == OD_OK;
}

int desk_watch_current(struct desk *d)
{
	struct od_err ignored;
	uint8_t hash[32];
	long long seq;

	return d->watch.known &&
	       store_log_head(d->sh->store, &seq, hash, &ignored) == OD_OK &&
	       seq == d->watch.seq &&
	       memcmp(hash, d->watch.hash, sizeof hash) == 0;
}

struct shop *desk_shop(struct desk *d)
{
	return d->sh;
}

int desk_is_unlocked(const struct desk *d)
{
	return d->sh != NULL;
}

const char *desk_user(const struct desk *d)
{
	return d->sh ? d->sh->user : "";
}

double desk_unlock_kdf_ms(const struct desk *d)
{
	return d->sh ? d->sh->kdf_ms : 0;
}

enum role desk_role(const struct desk *d)
{
	return d->sh ? d->sh->role : ROLE_STAFF;
}

const char *desk_role_name(const struct desk *d)
{
	return d->sh ? d->sh->power.name : "";
}

const char *desk_status_name(int status)
{
	const char *name = status < 0 ? NULL :
		order_status_name((enum order_status)status);

	return name ? name : "all";
}

int desk_may(const struct desk *d, enum stmt_kind kind)
{
	/* A role the owner defined has its permissions from the log. */
	return d->sh != NULL && role_power_allows(&d->sh->power, kind);
}
