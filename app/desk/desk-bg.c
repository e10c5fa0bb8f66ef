/*
 * desk-bg.c - what the screens see of the background sync (desk.c starts
 * and stops it): its state for the status line, and the conflicts it found,
 * as sentences a person can read.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sync/sync-status.h"
#include "app/sync/sync-thread.h"

#define CONFLICT_LINE_MAX 8192   /* bytes of one sentence */

void desk_bg_view(struct desk *d, struct desk_bg *v)
{
	struct desk_bg_state *bg = desk_bg_state(d);
	struct sync_thread_view tv;

	memset(v, 0, sizeof *v);
	if (!desk_is_unlocked(d))
		return;
	if (bg->thread == NULL) {
		/* Attached, but the thread could not start: say why. */
		if (bg->why[0]) {
			v->attached = 1;
			snprintf(v->last_error, sizeof v->last_error, "%s",
				 bg->why);
		}
		return;
	}
	sync_thread_view(bg->thread, &tv);
	v->attached = 1;
	v->online = tv.status.online;
	v->running = tv.running;
	v->waiting = tv.status.waiting;
	v->last_ok = tv.status.last_ok;
	v->head = tv.status.head;
	/* The thread rereads the count after its next sync: until then the
	 * ones acked here are not new. */
	v->new_conflicts = tv.news == bg->acked_news ? 0 :
			   tv.status.new_conflicts;
	v->news = tv.news;
	memcpy(v->last_error, tv.status.last_error, sizeof v->last_error);
	snprintf(v->warning, sizeof v->warning, "%s", tv.warning);
}

void desk_conflicts_free(struct desk_conflicts *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->c[i].order);
		free(c->c[i].at);
		free(c->c[i].line);
	}
	free(c->c);
	free(c);
}

/* Keeps one conflict, dropping the oldest kept once DESK_CONFLICTS_MAX are:
 * they come oldest first, and the screen wants the newest. */
static enum od_code add_conflict(void *ctx, const struct conflict_record *k,
				 struct od_err *err)
{
	struct desk_conflicts *c = ctx;
	struct desk_conflict e = { 0 };
	struct buf b;
	enum od_code rc;

	c->total++;
	buf_init(&b, CONFLICT_LINE_MAX);
	rc = sync_conflict_line(k, &b, err);
	if (rc == OD_OK)
		rc = buf_add(&b, "", 1, err);
	if (rc != OD_OK) {
		buf_free(&b);
		return rc;
	}
	e.n = k->n;
	e.acked = k->acked;
	e.order = strdup(k->order);
	e.at = strdup(k->at);
	e.line = strdup(b.data);
	buf_free(&b);
	if (e.order == NULL || e.at == NULL || e.line == NULL) {
		free(e.order);
		free(e.at);
		free(e.line);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	if (c->n == DESK_CONFLICTS_MAX) {
		free(c->c[0].order);
		free(c->c[0].at);
		free(c->c[0].line);
		memmove(c->c, c->c + 1, (c->n - 1) * sizeof *c->c);
		c->n--;
	}
	c->c[c->n++] = e;
	return OD_OK;
}

enum od_code desk_conflicts(struct desk *d, struct desk_conflicts **out,
			    struct od_err *err)
{
	struct desk_conflicts *c;
	struct desk_conflict tmp;
	enum od_code rc;
	size_t i;

	*out = NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL || (c->c = calloc(DESK_CONFLICTS_MAX,
					sizeof *c->c)) == NULL) {
		free(c);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		goto out;
	rc = sync_conflicts_each(desk_shop(d), 0, add_conflict, c, err);
	shop_release(desk_shop(d));
	/* Newest first. */
	for (i = 0; rc == OD_OK && i < c->n / 2; i++) {
		tmp = c->c[i];
		c->c[i] = c->c[c->n - 1 - i];
		c->c[c->n - 1 - i] = tmp;
	}
out:
	if (rc != OD_OK) {
		desk_conflicts_free(c);
		return rc;
	}
	*out = c;
	return OD_OK;
}

enum od_code desk_conflicts_ack(struct desk *d, struct od_err *err)
{
	struct desk_bg_state *bg = desk_bg_state(d);
	struct sync_thread_view tv;
	enum od_code rc = desk_hold(d, SHOP_WRITE, err);

	if (rc != OD_OK)
		return rc;
	/* Read first: a sync that ends after the ack brings its own count. */
	sync_thread_view(bg->thread, &tv);
	rc = sync_conflicts_ack(desk_shop(d), err);
	shop_release(desk_shop(d));
	if (rc == OD_OK)
		bg->acked_news = tv.news;
	return rc;
}
