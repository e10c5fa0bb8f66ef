/*
 * work-pipe.h - n independent jobs done on every core, collected in order:
 * helper threads take jobs from the front while the caller, waiting for
 * job i, does i itself if nobody has taken it, or else the last job nobody
 * has taken (work-pipe.c).  The signing and the checking pipes of
 * sigkey-many.c are both this.  Not for other modules.
 */
#ifndef OD_WORK_PIPE_H
#define OD_WORK_PIPE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "lib/err.h"

/* Below this many jobs a thread costs more than it saves. */
#define WORK_PIPE_MIN_JOBS 8
#define WORK_PIPE_MAX_HELPERS 3

/*
 * Does job i with worker (a helper's own state, or the caller's); 1 when
 * it went well, 0 (err set) when not.  Called on any thread.
 */
typedef int (*work_fn)(void *job, void *worker, size_t i, struct od_err *err);

struct work_helper {
	pthread_t thread;
	void *worker;
	struct work_pipe *pipe;
};

struct work_pipe {
	work_fn work;
	void *job;
	size_t n;
	atomic_uchar *state;        /* per job: free, taken, done, failed */
	atomic_size_t next;         /* where helpers look for work */
	atomic_size_t back;         /* jobs below this the caller may take
				       from the back */
	atomic_int stop;
	pthread_mutex_t lock;       /* for done and the first error */
	pthread_cond_t done;
	struct od_err err;          /* the first failure */
	struct work_helper helper[WORK_PIPE_MAX_HELPERS];
	int helpers;
};

/* How many helper threads n jobs are worth on this machine. */
int work_pipe_helpers_for(size_t n);

/* Sets up p for n jobs (no helper yet); 0 without memory. */
int work_pipe_init(struct work_pipe *p, size_t n, work_fn work, void *job);

/* Starts a helper thread with its own worker state; 0 if it cannot. */
int work_pipe_add_helper(struct work_pipe *p, void *worker);

/*
 * Waits for job i (< n), doing jobs with caller_worker meanwhile: 1 when
 * it went well; 0 when it failed, with *first (if not NULL) the pipe's
 * first failure.
 */
int work_pipe_wait(struct work_pipe *p, size_t i, void *caller_worker,
		   struct od_err *first);

/* Stops and joins the helpers and frees what init took (not p). */
void work_pipe_release(struct work_pipe *p);

#endif
