/*
 * json-array-ahead.c - decoding a JSON array ahead of its reader on a
 * thread of its own (json-array-ahead.h).
 */
#include "app/import/json-array-ahead.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/thread-start.h"

struct event {
	enum json_array_event ev;
	json_t *value;
	unsigned char digest[32];
	struct json_array_error je;
	struct od_err err;
};

struct json_ahead {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	pthread_t thread;
	struct json_array_stream *s;
	struct event q[JSON_AHEAD_MAX];
	size_t head, n;
	int stop;                 /* the reader went away */
	int ended;                /* the last event was taken: see last */
	struct event last;        /* the event that ended the stream */
};

/* Whether ev ends the stream (OBJECT is followed by END). */
static int ends(enum json_array_event ev)
{
	return ev != JSON_ARRAY_VALUE && ev != JSON_ARRAY_OBJECT;
}

/* Queues e, waiting for room; 0 once the reader went away. */
static int put(struct json_ahead *a, const struct event *e)
{
	int ok;

	pthread_mutex_lock(&a->mu);
	while (a->n == JSON_AHEAD_MAX && !a->stop)
		pthread_cond_wait(&a->room, &a->mu);
	ok = !a->stop;
	if (ok) {
		a->q[(a->head + a->n) % JSON_AHEAD_MAX] = *e;
		a->n++;
		/* The reader, faster than decoding, is woken for a full queue
		 * (or the end), not for each element: fewer wake-ups. */
		if (a->n == JSON_AHEAD_MAX || ends(e->ev))
			pthread_cond_signal(&a->more);
	}
	pthread_mutex_unlock(&a->mu);
	return ok;
}

/* The thread: every event of the stream, up to the one that ends it. */
static void *decoder(void *arg)
{
	struct json_ahead *a = arg;
	struct event e;

	do {
		memset(&e, 0, sizeof e);
		od_err_clear(&e.err);
		e.ev = json_array_stream_next(a->s, &e.value, &e.je, &e.err);
		memcpy(e.digest, a->s->digest, sizeof e.digest);
		if (!put(a, &e)) {
			json_decref(e.value);
			break;
		}
	} while (!ends(e.ev));
	return NULL;
}

enum od_code json_ahead_start(struct json_array_stream *s,
			      struct json_ahead **out, struct od_err *err)
{
	struct json_ahead *a;
	int e;

	*out = NULL;
	a = calloc(1, sizeof *a);
	if (a == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->more, NULL);
	pthread_cond_init(&a->room, NULL);
	a->s = s;
	e = thread_start(&a->thread, decoder, a);
	if (e != 0) {
		pthread_cond_destroy(&a->room);
		pthread_cond_destroy(&a->more);
		pthread_mutex_destroy(&a->mu);
		free(a);
		return od_err_set(err, OD_E_NOMEM, "cannot start a thread to "
				  "read the import file: %s", strerror(e));
	}
	*out = a;
	return OD_OK;
}

enum json_array_event json_ahead_next(struct json_ahead *a, json_t **value,
				      unsigned char digest[32],
				      struct json_array_error *je,
				      struct od_err *err)
{
	struct event e;

	pthread_mutex_lock(&a->mu);
	while (a->n == 0 && !a->ended)
		pthread_cond_wait(&a->more, &a->mu);
	if (a->n > 0) {
		e = a->q[a->head];
		a->head = (a->head + 1) % JSON_AHEAD_MAX;
		a->n--;
		pthread_cond_signal(&a->room);
		if (ends(e.ev)) {
			a->ended = 1;
			a->last = e;
		}
	} else {
		e = a->last;
	}
	pthread_mutex_unlock(&a->mu);
	*value = e.ev == JSON_ARRAY_VALUE || e.ev == JSON_ARRAY_OBJECT ?
		e.value : NULL;
	memcpy(digest, e.digest, sizeof e.digest);
	*je = e.je;
	if (e.ev == JSON_ARRAY_FAILED)
		*err = e.err;
	return e.ev;
}

void json_ahead_stop(struct json_ahead *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_signal(&a->room);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	while (a->n > 0) {
		json_decref(a->q[a->head].value);
		a->head = (a->head + 1) % JSON_AHEAD_MAX;
		a->n--;
	}
	pthread_cond_destroy(&a->room);
	pthread_cond_destroy(&a->more);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

enum json_array_event json_ahead_or_stream(struct json_ahead *a,
					   struct json_array_stream *s,
					   json_t **value,
					   unsigned char digest[32],
					   struct json_array_error *je,
					   struct od_err *err)
{
	enum json_array_event ev;

	if (a != NULL)
		return json_ahead_next(a, value, digest, je, err);
	ev = json_array_stream_next(s, value, je, err);
	memcpy(digest, s->digest, sizeof s->digest);
	return ev;
}
