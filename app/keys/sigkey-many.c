/*
 * sigkey-many.c - signing and checking many statements at once, on every
 * core.
 *
 * A bulk action (confirm a thousand orders) spends most of its time in
 * Ed25519 signing, and signatures do not depend on one another once the
 * texts exist; a backend taking a desk's batch spends most of its time
 * checking them.  Both go through one work pipe (work-pipe.c): helper
 * threads, one per spare core, take messages from the front, and the
 * caller collects result i when it needs it, doing work itself rather than
 * sleeping.  A signing helper has its own copy of the key; a checking
 * worker keeps the last public key it imported (a batch is mostly one
 * person's).
 */
#include "app/keys/sigkey.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app/keys/work-pipe.h"

struct sigkey_pipe {
	struct work_pipe wp;
	const struct sigkey *key;   /* the caller's */
	const char *const *msgs;
	const size_t *lens;
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
	struct sigkey *keys[WORK_PIPE_MAX_HELPERS];   /* the helpers' copies */
};

/* Signs message i with the worker's key (NULL: the caller's). */
static int sign_one(void *job, void *worker, size_t i, struct od_err *err)
{
	struct sigkey_pipe *p = job;
	const struct sigkey *key = worker != NULL ? worker : p->key;

	return sigkey_sign(key, p->msgs[i], p->lens[i], p->sigs[i], err) ==
	       OD_OK;
}

enum od_code sigkey_pipe_start(const struct sigkey *k, const char *const *msgs,
			       const size_t *lens, size_t n,
			       uint8_t (*sigs)[SIGKEY_SIG_LEN],
			       struct sigkey_pipe **out, struct od_err *err)
{
	struct sigkey_pipe *p = calloc(1, sizeof *p);
	int i, want = work_pipe_helpers_for(n);

	*out = NULL;
	if (p == NULL || !work_pipe_init(&p->wp, n, sign_one, p)) {
		free(p);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	p->key = k;
	p->msgs = msgs;
	p->lens = lens;
	p->sigs = sigs;
	/* A helper that cannot start is no loss: the caller signs instead. */
	for (i = 0; i < want; i++) {
		if (sigkey_dup(k, &p->keys[i], err) != OD_OK) {
			od_err_clear(err);
			break;
		}
		if (!work_pipe_add_helper(&p->wp, p->keys[i])) {
			sigkey_free(p->keys[i]);
			p->keys[i] = NULL;
			break;
		}
	}
	*out = p;
	return OD_OK;
}

enum od_code sigkey_pipe_wait(struct sigkey_pipe *p, size_t i,
			      struct od_err *err)
{
	if (i >= p->wp.n)
		return od_err_set(err, OD_E_INTERNAL, "no message %zu to sign",
				  i);
	if (work_pipe_wait(&p->wp, i, NULL, err))
		return OD_OK;
	return err->code;
}

void sigkey_pipe_end(struct sigkey_pipe *p)
{
	int i;

	if (p == NULL)
		return;
	work_pipe_release(&p->wp);
	for (i = 0; i < WORK_PIPE_MAX_HELPERS; i++)
		sigkey_free(p->keys[i]);
	free(p);
}

enum od_code sigkey_sign_many(const struct sigkey *k, const char *const *msgs,
			      const size_t *lens, size_t n,
			      uint8_t (*sigs)[SIGKEY_SIG_LEN],
			      struct od_err *err)
{
	struct sigkey_pipe *p;
	enum od_code rc;
	size_t i;

	rc = sigkey_pipe_start(k, msgs, lens, n, sigs, &p, err);
	for (i = 0; i < n && rc == OD_OK; i++)
		rc = sigkey_pipe_wait(p, i, err);
	sigkey_pipe_end(p);
	return rc;
}

/*
 * Checking many signatures: a backend taking a desk's batch spends most of
 * its time verifying, and the checks do not depend on one another once
 * each statement's key is known.  Workers (the caller and the helpers)
 * take the next unchecked signature until none is left; each keeps the
 * last key it imported, as a batch is mostly one person's.
 */
struct verify_job {
	const uint8_t (*pubs)[SIGKEY_PUB_LEN];
	const char *const *msgs;
	const size_t *lens;
	const uint8_t (*sigs)[SIGKEY_SIG_LEN];
	unsigned char *ok;
	size_t n;
	atomic_size_t next;
};

/* Checks signatures until none is left, with a key cache of one. */
static void *verify_run(void *arg)
{
	struct verify_job *j = arg;
	struct sigkey_pub *key = NULL;
	uint8_t last[SIGKEY_PUB_LEN];
	struct od_err err;
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		if (key == NULL || memcmp(last, j->pubs[i], sizeof last) != 0) {
			sigkey_pub_free(key);
			key = NULL;
			if (sigkey_pub_new(j->pubs[i], &key, &err) != OD_OK) {
				j->ok[i] = 0;
				continue;
			}
			memcpy(last, j->pubs[i], sizeof last);
		}
		j->ok[i] = sigkey_pub_verify(key, j->msgs[i], j->lens[i],
					     j->sigs[i], &err) == OD_OK;
	}
	sigkey_pub_free(key);
	return NULL;
}

void sigkey_verify_many(const uint8_t (*pubs)[SIGKEY_PUB_LEN],
			const char *const *msgs, const size_t *lens,
			const uint8_t (*sigs)[SIGKEY_SIG_LEN], size_t n,
			unsigned char *ok)
{
	struct verify_job j = { pubs, msgs, lens, sigs, ok, n, 0 };
	pthread_t helper[WORK_PIPE_MAX_HELPERS];
	int want = work_pipe_helpers_for(n), started = 0, i;

	memset(ok, 0, n);
	/* A helper that cannot start is no loss: the others do its share. */
	for (i = 0; i < want; i++) {
		if (pthread_create(&helper[started], NULL, verify_run, &j) != 0)
			break;
		started++;
	}
	verify_run(&j);
	for (i = 0; i < started; i++)
		pthread_join(helper[i], NULL);
}

/*
 * The verify pipe: the signing pipe's way for checking.  A job is done
 * when its signature is good, failed when not; each worker keeps the last
 * key it imported (a page is mostly one person's).
 */
struct vworker {
	struct sigkey_pub *key;
	uint8_t last[SIGKEY_PUB_LEN];
};

struct sigkey_vpipe {
	struct work_pipe wp;
	const uint8_t (*pubs)[SIGKEY_PUB_LEN];
	const char *const *msgs;
	const size_t *lens;
	const uint8_t (*sigs)[SIGKEY_SIG_LEN];
	struct vworker caller;      /* the caller's own key cache */
	struct vworker helper[WORK_PIPE_MAX_HELPERS];
};

/* Checks signature i with the worker's key cache. */
static int check_one(void *job, void *worker, size_t i, struct od_err *err)
{
	struct sigkey_vpipe *p = job;
	struct vworker *w = worker;

	if (w->key == NULL || memcmp(w->last, p->pubs[i], SIGKEY_PUB_LEN) != 0) {
		sigkey_pub_free(w->key);
		w->key = NULL;
		if (sigkey_pub_new(p->pubs[i], &w->key, err) != OD_OK)
			return 0;
		memcpy(w->last, p->pubs[i], SIGKEY_PUB_LEN);
	}
	return sigkey_pub_verify(w->key, p->msgs[i], p->lens[i], p->sigs[i],
				 err) == OD_OK;
}

void sigkey_vpipe_start(const uint8_t (*pubs)[SIGKEY_PUB_LEN],
			const char *const *msgs, const size_t *lens,
			const uint8_t (*sigs)[SIGKEY_SIG_LEN], size_t n,
			struct sigkey_vpipe **out)
{
	struct sigkey_vpipe *p = calloc(1, sizeof *p);
	int i, want = work_pipe_helpers_for(n);

	*out = NULL;
	if (p == NULL || !work_pipe_init(&p->wp, n, check_one, p)) {
		free(p);
		return;
	}
	p->pubs = pubs;
	p->msgs = msgs;
	p->lens = lens;
	p->sigs = sigs;
	/* A helper that cannot start is no loss: the caller checks. */
	for (i = 0; i < want; i++)
		if (!work_pipe_add_helper(&p->wp, &p->helper[i]))
			break;
	*out = p;
}

int sigkey_vpipe_wait(struct sigkey_vpipe *p, size_t i)
{
	if (p == NULL || i >= p->wp.n)
		return 0;
	return work_pipe_wait(&p->wp, i, &p->caller, NULL);
}

void sigkey_vpipe_end(struct sigkey_vpipe *p)
{
	int i;

	if (p == NULL)
		return;
	work_pipe_release(&p->wp);
	for (i = 0; i < WORK_PIPE_MAX_HELPERS; i++)
		sigkey_pub_free(p->helper[i].key);
	sigkey_pub_free(p->caller.key);
	free(p);
}
