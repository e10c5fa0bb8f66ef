/* sync-thread.c - the desk's sync on a thread of its own (sync-thread.h). */
#include "app/sync/sync-thread.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/sync/sync.h"

struct sync_thread {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct shop *sh;           /* the thread's own handle */
	int every_s;
	int kicked;                /* under lock */
	int stopping;              /* under lock */
	atomic_int cancel;         /* read by the request under way */
	struct sync_thread_view view;   /* under lock */
};

/* Reads the store's status into the shared view (a failed read keeps the
 * last one, with the reason). */
static void refresh(struct sync_thread *ds, int news, const char *warning)
{
	struct sync_status st;
	struct od_err err;
	enum od_code rc = sync_status_read(ds->sh, &st, &err);

	pthread_mutex_lock(&ds->lock);
	if (rc == OD_OK)
		ds->view.status = st;
	else
		snprintf(ds->view.status.last_error,
			 sizeof ds->view.status.last_error, "%s", err.msg);
	ds->view.running = 0;
	/* A sync that failed never reached the checkpoint: keep the last
	 * word on it. */
	if (warning != NULL)
		snprintf(ds->view.warning, sizeof ds->view.warning, "%s",
			 warning);
	ds->view.news += news;
	ds->view.tries++;
	pthread_mutex_unlock(&ds->lock);
}

/* Waits until a kick, a stop or every_s seconds; returns 0 on stop. */
static int wait_turn(struct sync_thread *ds)
{
	struct timespec until;
	int go;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ds->every_s;
	pthread_mutex_lock(&ds->lock);
	while (!ds->kicked && !ds->stopping)
		if (pthread_cond_timedwait(&ds->wake, &ds->lock, &until) != 0)
			break;
	go = !ds->stopping;
	ds->kicked = 0;
	if (go)
		ds->view.running = 1;
	pthread_mutex_unlock(&ds->lock);
	return go;
}

/* The thread: a sync at once, then one per turn, until stopped. */
static void *sync_loop(void *arg)
{
	struct sync_thread *ds = arg;
	struct sync_conn conn = { NULL };
	struct sync_report rep;
	struct od_err err;
	enum od_code rc;

	pthread_mutex_lock(&ds->lock);
	ds->view.running = 1;
	pthread_mutex_unlock(&ds->lock);
	do {
		/* One connection from sync to sync (sync.h). */
		rc = sync_run_kept(ds->sh, &ds->cancel, &conn, &rep, &err);
		refresh(ds, rc == OD_OK && (rep.pulled > 0 ||
					    rep.conflicts > 0 ||
					    rep.people.taken > 0 ||
					    rep.people.dropped > 0),
			rc == OD_OK ? rep.checkpoint_warning : NULL);
	} while (wait_turn(ds));
	sync_conn_close(&conn);
	return NULL;
}

enum od_code sync_thread_start(const struct shop *sh, int every_s,
			     struct sync_thread **out, struct od_err *err)
{
	struct sync_thread *ds;
	pthread_condattr_t ca;
	struct sync_status st;
	enum od_code rc;

	*out = NULL;
	ds = calloc(1, sizeof *ds);
	if (ds == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	ds->every_s = every_s > 0 ? every_s : SYNC_THREAD_EVERY_S;
	atomic_init(&ds->cancel, 0);
	rc = shop_clone(sh, &ds->sh, err);
	if (rc == OD_OK)
		rc = sync_status_read(ds->sh, &st, err);
	if (rc == OD_OK && !st.attached)
		rc = od_err_set(err, OD_E_USAGE, "this desk is not joined to "
				"a backend");
	if (rc != OD_OK) {
		shop_close(ds->sh);
		free(ds);
		return rc;
	}
	ds->view.status = st;
	pthread_mutex_init(&ds->lock, NULL);
	/* A monotonic clock: a wall clock set back must not stall sync. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ds->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&ds->thread, NULL, sync_loop, ds) != 0) {
		pthread_cond_destroy(&ds->wake);
		pthread_mutex_destroy(&ds->lock);
		shop_close(ds->sh);
		free(ds);
		return od_err_set(err, OD_E_NOMEM, "cannot start the "
				  "background sync");
	}
	*out = ds;
	return OD_OK;
}

void sync_thread_kick(struct sync_thread *ds)
{
	if (ds == NULL)
		return;
	pthread_mutex_lock(&ds->lock);
	ds->kicked = 1;
	pthread_cond_signal(&ds->wake);
	pthread_mutex_unlock(&ds->lock);
}

void sync_thread_view(struct sync_thread *ds, struct sync_thread_view *v)
{
	if (ds == NULL) {
		memset(v, 0, sizeof *v);
		return;
	}
	pthread_mutex_lock(&ds->lock);
	*v = ds->view;
	pthread_mutex_unlock(&ds->lock);
}

void sync_thread_stop(struct sync_thread *ds)
{
	if (ds == NULL)
		return;
	atomic_store(&ds->cancel, 1);
	pthread_mutex_lock(&ds->lock);
	ds->stopping = 1;
	pthread_cond_signal(&ds->wake);
	pthread_mutex_unlock(&ds->lock);
	pthread_join(ds->thread, NULL);
	pthread_cond_destroy(&ds->wake);
	pthread_mutex_destroy(&ds->lock);
	shop_close(ds->sh);
	free(ds);
}
