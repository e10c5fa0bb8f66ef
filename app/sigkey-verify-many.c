/*
 * sigkey-verify-many.c - checking many signatures at once, on every core.
 *
 * A backend taking a desk's batch spends most of its time verifying
 * Ed25519 signatures, and the checks do not depend on one another once
 * each statement's key is known.  Workers (the caller and one thread per
 * spare core) take the next unchecked signature until none is left; each
 * keeps the last key it imported, as a batch is mostly one person's.
 */
#include "app/sigkey.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

/* Below this many signatures a thread costs more than it saves. */
#define VERIFY_MIN_MESSAGES 8
#define VERIFY_MAX_HELPERS 3

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
	pthread_t helper[VERIFY_MAX_HELPERS];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int want = 0, started = 0, i;

	memset(ok, 0, n);
	if (n >= VERIFY_MIN_MESSAGES && cores > 1)
		want = cores - 1 > VERIFY_MAX_HELPERS ? VERIFY_MAX_HELPERS :
							(int)cores - 1;
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
