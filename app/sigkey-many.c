/*
 * sigkey-many.c - signing many statements at once, on every core.
 *
 * A bulk action (confirm a hundred orders) spends most of its time in
 * Ed25519 signing, and signatures do not depend on one another once the
 * texts exist.  The messages are cut into one contiguous share per core;
 * each helper thread signs its share with its own copy of the key, the
 * calling thread signs the first share.
 */
#include "app/sigkey.h"

#include <pthread.h>
#include <unistd.h>

/* Below this many messages a thread costs more than it saves. */
#define SIGN_MANY_MIN_SHARE 8
#define SIGN_MANY_MAX_THREADS 4

struct share {
	const struct sigkey *key;
	struct sigkey *own;          /* the copy a helper thread signs with */
	const char *const *msgs;
	const size_t *lens;
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
	size_t from, to;
	pthread_t thread;
	int started;
	enum od_code rc;
	struct od_err err;
};

/* Signs one share; the result is in s->rc and s->err. */
static void *sign_share(void *arg)
{
	struct share *s = arg;
	size_t i;

	s->rc = OD_OK;
	for (i = s->from; i < s->to && s->rc == OD_OK; i++)
		s->rc = sigkey_sign(s->key, s->msgs[i], s->lens[i], s->sigs[i],
				    &s->err);
	return NULL;
}

/* How many threads, the caller's included, n messages are worth. */
static size_t thread_count(size_t n)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t = cores > 0 ? (size_t)cores : 1;

	if (t > SIGN_MANY_MAX_THREADS)
		t = SIGN_MANY_MAX_THREADS;
	if (t > n / SIGN_MANY_MIN_SHARE)
		t = n / SIGN_MANY_MIN_SHARE;
	return t ? t : 1;
}

enum od_code sigkey_sign_many(const struct sigkey *k, const char *const *msgs,
			      const size_t *lens, size_t n,
			      uint8_t (*sigs)[SIGKEY_SIG_LEN],
			      struct od_err *err)
{
	struct share shares[SIGN_MANY_MAX_THREADS] = { { 0 } };
	size_t t = thread_count(n), i;
	enum od_code rc = OD_OK;

	for (i = 0; i < t; i++) {
		shares[i].key = k;
		shares[i].msgs = msgs;
		shares[i].lens = lens;
		shares[i].sigs = sigs;
		shares[i].from = n * i / t;
		shares[i].to = n * (i + 1) / t;
	}
	/* Helpers first, so that they sign while this thread does too. */
	for (i = 1; i < t && rc == OD_OK; i++) {
		rc = sigkey_dup(k, &shares[i].own, err);
		if (rc != OD_OK)
			break;
		shares[i].key = shares[i].own;
		if (pthread_create(&shares[i].thread, NULL, sign_share,
				   &shares[i]) != 0) {
			/* No thread to spare: this one signs that share. */
			sign_share(&shares[i]);
			continue;
		}
		shares[i].started = 1;
	}
	if (rc == OD_OK)
		sign_share(&shares[0]);
	for (i = 1; i < t; i++)
		if (shares[i].started)
			pthread_join(shares[i].thread, NULL);
	for (i = 0; i < t; i++) {
		if (rc == OD_OK && shares[i].from < shares[i].to &&
		    shares[i].rc != OD_OK) {
			rc = shares[i].rc;
			*err = shares[i].err;
		}
		sigkey_free(shares[i].own);
	}
	return rc;
}
