/*
 * sigkey-many.c - signing and checking many statements at once, on every
 * core.
 *
 * A bulk action (confirm a thousand orders) spends most of its time in
 * Ed25519 signing, and signatures do not depend on one another once the
 * texts exist.  A pipe starts one helper thread per spare core, each with
 * its own copy of the key, taking messages from the front; the caller
 * collects signature i when it needs it (sigkey_pipe_wait).  While i is
 * not ready the caller does not sleep: it signs i itself if no helper has
 * taken it, or else the last message nobody has taken, working from the
 * back.  So the caller's own work on entry i (the fold, the insert) and
 * its share of the signing both overlap the helpers' signing, and it
 * waits only when every message is taken.  Sleeping on each entry would
 * cost a wake-up per signature, which on a virtual machine's idle CPU is
 * a sizeable fraction of the signature itself.
 */
#include "app/keys/sigkey.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Below this many messages a thread costs more than it saves. */
#define PIPE_MIN_MESSAGES 8
#define PIPE_MAX_HELPERS 3

enum { SLOT_FREE, SLOT_TAKEN, SLOT_DONE, SLOT_FAILED };

struct sigkey_pipe;

/* A helper thread and the copy of the key it signs with. */
struct helper {
	pthread_t thread;
	struct sigkey *key;
	struct sigkey_pipe *pipe;
};

struct sigkey_pipe {
	const struct sigkey *key;
	const char *const *msgs;
	const size_t *lens;
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
	size_t n;
	atomic_uchar *state;        /* per message: SLOT_* */
	atomic_size_t next;         /* where helpers look for work */
	atomic_size_t back;         /* messages below this the caller may
				       take from the back */
	atomic_int stop;
	pthread_mutex_t lock;       /* for done and the first error */
	pthread_cond_t done;
	struct od_err err;          /* the first helper failure */
	struct helper helper[PIPE_MAX_HELPERS];
	int helpers;
};

/* Signs message i with key and marks it done or failed. */
static void sign_slot(struct sigkey_pipe *p, const struct sigkey *key,
		      size_t i)
{
	struct od_err err;
	int ok = sigkey_sign(key, p->msgs[i], p->lens[i], p->sigs[i], &err) ==
		 OD_OK;

	pthread_mutex_lock(&p->lock);
	if (!ok && p->err.code == OD_OK)
		p->err = err;
	atomic_store(&p->state[i], ok ? SLOT_DONE : SLOT_FAILED);
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->lock);
}

/* Claims message i for whoever asks first. */
static int claim(struct sigkey_pipe *p, size_t i)
{
	unsigned char want = SLOT_FREE;

	return atomic_compare_exchange_strong(&p->state[i], &want, SLOT_TAKEN);
}

/* A helper: takes the next free messages in order until none is left. */
static void *helper_run(void *arg)
{
	struct helper *h = arg;
	struct sigkey_pipe *p = h->pipe;
	size_t i;

	while (!atomic_load(&p->stop) &&
	       (i = atomic_fetch_add(&p->next, 1)) < p->n)
		if (claim(p, i))
			sign_slot(p, h->key, i);
	return NULL;
}

/*
 * How many helper threads n messages are worth on this machine.  The core
 * count is read once: sysconf reads it from /sys on every call, which
 * costs more than a small batch's signing.
 */
static int helper_count(size_t n)
{
	static atomic_long cores;
	long c;
	int h;

	if (n < PIPE_MIN_MESSAGES)
		return 0;
	if ((c = atomic_load(&cores)) == 0) {
		c = sysconf(_SC_NPROCESSORS_ONLN);
		atomic_store(&cores, c > 0 ? c : 1);
	}
	h = c > 1 ? (int)c - 1 : 0;
	return h > PIPE_MAX_HELPERS ? PIPE_MAX_HELPERS : h;
}

enum od_code sigkey_pipe_start(const struct sigkey *k, const char *const *msgs,
			       const size_t *lens, size_t n,
			       uint8_t (*sigs)[SIGKEY_SIG_LEN],
			       struct sigkey_pipe **out, struct od_err *err)
{
	struct sigkey_pipe *p = calloc(1, sizeof *p);
	int i, want = helper_count(n);

	*out = NULL;
	if (p == NULL || (p->state = calloc(n ? n : 1, 1)) == NULL) {
		free(p);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	p->key = k;
	p->msgs = msgs;
	p->lens = lens;
	p->sigs = sigs;
	p->n = n;
	atomic_init(&p->next, 0);
	atomic_init(&p->back, n);
	atomic_init(&p->stop, 0);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->done, NULL);
	/* A helper that cannot start is no loss: the caller signs instead. */
	for (i = 0; i < want; i++) {
		if (sigkey_dup(k, &p->helper[i].key, err) != OD_OK) {
			od_err_clear(err);
			break;
		}
		p->helper[i].pipe = p;
		if (pthread_create(&p->helper[i].thread, NULL, helper_run,
				   &p->helper[i]) != 0) {
			sigkey_free(p->helper[i].key);
			p->helper[i].key = NULL;
			break;
		}
		p->helpers++;
	}
	*out = p;
	return OD_OK;
}

/*
 * Takes the last message nobody has taken, for the caller to sign while
 * the one it waits for is being signed; returns 0 when none is left.
 */
static int claim_from_back(struct sigkey_pipe *p, size_t *j)
{
	size_t b;

	while ((b = atomic_load(&p->back)) > atomic_load(&p->next)) {
		if (!atomic_compare_exchange_weak(&p->back, &b, b - 1))
			continue;
		if (claim(p, b - 1)) {
			*j = b - 1;
			return 1;
		}
	}
	return 0;
}

enum od_code sigkey_pipe_wait(struct sigkey_pipe *p, size_t i,
			      struct od_err *err)
{
	unsigned char s;
	size_t j;

	if (i >= p->n)
		return od_err_set(err, OD_E_INTERNAL, "no message %zu to sign",
				  i);
	while (atomic_load(&p->state[i]) < SLOT_DONE) {
		if (claim(p, i))
			sign_slot(p, p->key, i);
		else if (claim_from_back(p, &j))
			sign_slot(p, p->key, j);
		else
			break;
	}
	pthread_mutex_lock(&p->lock);
	while ((s = atomic_load(&p->state[i])) < SLOT_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	if (s == SLOT_FAILED)
		*err = p->err;
	pthread_mutex_unlock(&p->lock);
	return s == SLOT_DONE ? OD_OK : err->code;
}

void sigkey_pipe_end(struct sigkey_pipe *p)
{
	int i;

	if (p == NULL)
		return;
	atomic_store(&p->stop, 1);
	for (i = 0; i < p->helpers; i++)
		pthread_join(p->helper[i].thread, NULL);
	for (i = 0; i < PIPE_MAX_HELPERS; i++)
		sigkey_free(p->helper[i].key);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p->state);
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
	pthread_t helper[PIPE_MAX_HELPERS];
	int want = helper_count(n), started = 0, i;

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
 * The verify pipe: sigkey_pipe's way for checking.  Slots go FREE, TAKEN,
 * then DONE (checked good) or FAILED; each worker keeps the last key it
 * imported (a page is mostly one person's).
 */
struct vworker {
	pthread_t thread;
	struct sigkey_vpipe *pipe;
	struct sigkey_pub *key;
	uint8_t last[SIGKEY_PUB_LEN];
};

struct sigkey_vpipe {
	const uint8_t (*pubs)[SIGKEY_PUB_LEN];
	const char *const *msgs;
	const size_t *lens;
	const uint8_t (*sigs)[SIGKEY_SIG_LEN];
	size_t n;
	atomic_uchar *state;
	atomic_size_t next, back;
	atomic_int stop;
	pthread_mutex_t lock;       /* for done */
	pthread_cond_t done;
	struct vworker caller;      /* the caller's own key cache */
	struct vworker helper[PIPE_MAX_HELPERS];
	int helpers;
};

/* Checks slot i with w's key cache and marks it done or failed. */
static void vcheck(struct vworker *w, size_t i)
{
	struct sigkey_vpipe *p = w->pipe;
	struct od_err err;
	int ok = 1;

	if (w->key == NULL || memcmp(w->last, p->pubs[i], SIGKEY_PUB_LEN) != 0) {
		sigkey_pub_free(w->key);
		w->key = NULL;
		ok = sigkey_pub_new(p->pubs[i], &w->key, &err) == OD_OK;
		if (ok)
			memcpy(w->last, p->pubs[i], SIGKEY_PUB_LEN);
	}
	ok = ok && sigkey_pub_verify(w->key, p->msgs[i], p->lens[i],
				     p->sigs[i], &err) == OD_OK;
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->state[i], ok ? SLOT_DONE : SLOT_FAILED);
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->lock);
}

static int vclaim(struct sigkey_vpipe *p, size_t i)
{
	unsigned char want = SLOT_FREE;

	return atomic_compare_exchange_strong(&p->state[i], &want, SLOT_TAKEN);
}

static void *vhelper_run(void *arg)
{
	struct vworker *w = arg;
	struct sigkey_vpipe *p = w->pipe;
	size_t i;

	while (!atomic_load(&p->stop) &&
	       (i = atomic_fetch_add(&p->next, 1)) < p->n)
		if (vclaim(p, i))
			vcheck(w, i);
	return NULL;
}

void sigkey_vpipe_start(const uint8_t (*pubs)[SIGKEY_PUB_LEN],
			const char *const *msgs, const size_t *lens,
			const uint8_t (*sigs)[SIGKEY_SIG_LEN], size_t n,
			struct sigkey_vpipe **out)
{
	struct sigkey_vpipe *p = calloc(1, sizeof *p);
	int i, want = helper_count(n);

	*out = NULL;
	if (p == NULL || (p->state = calloc(n ? n : 1, 1)) == NULL) {
		free(p);
		return;
	}
	p->pubs = pubs;
	p->msgs = msgs;
	p->lens = lens;
	p->sigs = sigs;
	p->n = n;
	atomic_init(&p->next, 0);
	atomic_init(&p->back, n);
	atomic_init(&p->stop, 0);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->done, NULL);
	p->caller.pipe = p;
	/* A helper that cannot start is no loss: the caller checks. */
	for (i = 0; i < want; i++) {
		p->helper[i].pipe = p;
		if (pthread_create(&p->helper[i].thread, NULL, vhelper_run,
				   &p->helper[i]) != 0)
			break;
		p->helpers++;
	}
	*out = p;
}

/* Takes the last slot nobody has taken; 0 when none is left. */
static int vclaim_from_back(struct sigkey_vpipe *p, size_t *j)
{
	size_t b;

	while ((b = atomic_load(&p->back)) > atomic_load(&p->next)) {
		if (!atomic_compare_exchange_weak(&p->back, &b, b - 1))
			continue;
		if (vclaim(p, b - 1)) {
			*j = b - 1;
			return 1;
		}
	}
	return 0;
}

int sigkey_vpipe_wait(struct sigkey_vpipe *p, size_t i)
{
	unsigned char s;
	size_t j;

	if (p == NULL || i >= p->n)
		return 0;
	while (atomic_load(&p->state[i]) < SLOT_DONE) {
		if (vclaim(p, i))
			vcheck(&p->caller, i);
		else if (vclaim_from_back(p, &j))
			vcheck(&p->caller, j);
		else
			break;
	}
	pthread_mutex_lock(&p->lock);
	while ((s = atomic_load(&p->state[i])) < SLOT_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return s == SLOT_DONE;
}

void sigkey_vpipe_end(struct sigkey_vpipe *p)
{
	int i;

	if (p == NULL)
		return;
	atomic_store(&p->stop, 1);
	for (i = 0; i < p->helpers; i++) {
		pthread_join(p->helper[i].thread, NULL);
		sigkey_pub_free(p->helper[i].key);
	}
	sigkey_pub_free(p->caller.key);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p->state);
	free(p);
}
