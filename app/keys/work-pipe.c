/*
 * work-pipe.c - n independent jobs on every core, collected in order.
 *
 * Helpers take jobs from the front; the caller collects job i when it
 * needs it.  While i is not done the caller does not sleep: it does i
 * itself if no helper has taken it, or else the last job nobody has taken,
 * working from the back.  So the caller's own work between jobs and its
 * share of the jobs both overlap the helpers', and it waits only when
 * every job is taken.  Sleeping on each job would cost a wake-up per job,
 * which on a virtual machine's idle CPU is a sizeable fraction of a
 * signature or its check.
 */
#include "app/keys/work-pipe.h"

#include <stdlib.h>
#include <unistd.h>

enum { SLOT_FREE, SLOT_TAKEN, SLOT_DONE, SLOT_FAILED };

/* Does job i with worker and marks it done or failed. */
static void do_slot(struct work_pipe *p, void *worker, size_t i)
{
	struct od_err err;
	int ok;

	od_err_clear(&err);
	ok = p->work(p->job, worker, i, &err);
	pthread_mutex_lock(&p->lock);
	if (!ok && p->err.code == OD_OK)
		p->err = err;
	atomic_store(&p->state[i], ok ? SLOT_DONE : SLOT_FAILED);
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->lock);
}

/* Claims job i for whoever asks first. */
static int claim(struct work_pipe *p, size_t i)
{
	unsigned char want = SLOT_FREE;

	return atomic_compare_exchange_strong(&p->state[i], &want, SLOT_TAKEN);
}

/* A helper: takes the next free jobs in order until none is left. */
static void *helper_run(void *arg)
{
	struct work_helper *h = arg;
	struct work_pipe *p = h->pipe;
	size_t i;

	while (!atomic_load(&p->stop) &&
	       (i = atomic_fetch_add(&p->next, 1)) < p->n)
		if (claim(p, i))
			do_slot(p, h->worker, i);
	return NULL;
}

/*
 * The core count is read once: sysconf reads it from /sys on every call,
 * which costs more than a small batch's signing.
 */
int work_pipe_helpers_for(size_t n)
{
	static atomic_long cores;
	long c;
	int h;

	if (n < WORK_PIPE_MIN_JOBS)
		return 0;
	if ((c = atomic_load(&cores)) == 0) {
		c = sysconf(_SC_NPROCESSORS_ONLN);
		atomic_store(&cores, c > 0 ? c : 1);
	}
	h = c > 1 ? (int)c - 1 : 0;
	return h > WORK_PIPE_MAX_HELPERS ? WORK_PIPE_MAX_HELPERS : h;
}

int work_pipe_init(struct work_pipe *p, size_t n, work_fn work, void *job)
{
	p->state = calloc(n ? n : 1, 1);
	if (p->state == NULL)
		return 0;
	p->work = work;
	p->job = job;
	p->n = n;
	p->helpers = 0;
	od_err_clear(&p->err);
	atomic_init(&p->next, 0);
	atomic_init(&p->back, n);
	atomic_init(&p->stop, 0);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->done, NULL);
	return 1;
}

int work_pipe_add_helper(struct work_pipe *p, void *worker)
{
	struct work_helper *h;

	if (p->helpers >= WORK_PIPE_MAX_HELPERS)
		return 0;
	h = &p->helper[p->helpers];
	h->worker = worker;
	h->pipe = p;
	if (pthread_create(&h->thread, NULL, helper_run, h) != 0)
		return 0;
	p->helpers++;
	return 1;
}

/*
 * Takes the last job nobody has taken, for the caller to do while the one
 * it waits for is being done; returns 0 when none is left.
 */
static int claim_from_back(struct work_pipe *p, size_t *j)
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

int work_pipe_wait(struct work_pipe *p, size_t i, void *caller_worker,
		   struct od_err *first)
{
	unsigned char s;
	size_t j;

	while (atomic_load(&p->state[i]) < SLOT_DONE) {
		if (claim(p, i))
			do_slot(p, caller_worker, i);
		else if (claim_from_back(p, &j))
			do_slot(p, caller_worker, j);
		else
			break;
	}
	pthread_mutex_lock(&p->lock);
	while ((s = atomic_load(&p->state[i])) < SLOT_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	if (s == SLOT_FAILED && first != NULL)
		*first = p->err;
	pthread_mutex_unlock(&p->lock);
	return s == SLOT_DONE;
}

void work_pipe_release(struct work_pipe *p)
{
	int i;

	atomic_store(&p->stop, 1);
	for (i = 0; i < p->helpers; i++)
		pthread_join(p->helper[i].thread, NULL);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p->state);
	p->state = NULL;
}
