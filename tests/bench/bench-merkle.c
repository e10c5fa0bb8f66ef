/*
 * bench-merkle.c - what the log's Merkle tree costs as the log grows
 * (`make bench`; issue 15).
 *
 *   bench-merkle DIR [ENTRIES...]
 *	DIR must exist and be empty; ENTRIES are log lengths in increasing
 *	order (default 1000 1000000).  In one process, an encrypted store in
 *	DIR is filled with made-up entries (as bench-replay does: what an
 *	entry holds does not matter to the tree, only how many there are) up
 *	to each length, and at each length it prints, "NAME: VALUE UNIT":
 *	  - append: the time of one log append with its tree update (the
 *	    mean over BATCH appends in one transaction);
 *	  - proof: the time to make an inclusion and a consistency proof
 *	    (the median of RUNS, at spread-out indexes);
 *	  - check: the time to check them (lib/merkle.h), also in SHA-256
 *	    node hashes, the baseline measured in the same run;
 *	  - each against the first length: O(log n) means the ratio stays
 *	    near log(n1)/log(n0) (2 from 1k to 1M), flat or better.
 *	Targets are printed for a reader, never checked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/err.h"
#include "lib/merkle.h"
#include "storage/store-merkle.h"

#define BATCH   1000       /* appends timed at each length */
#define RUNS    201        /* timed proofs per figure; the median is kept */
#define MAXLENS 8

struct figures {
	double append, incl, cons, check_incl, check_cons;
	size_t incl_hashes, cons_hashes;
};

static void die(const char *what, const struct od_err *err)
{
	fprintf(stderr, "bench-merkle: %s: %s\n", what, err->msg);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Appends made-up entries from *filled + 1 to to, in one transaction. */
static void fill(struct store *s, long long *filled, long long to)
{
	uint8_t sig[64], hash[32];
	char text[400], id[33];
	struct log_record rec;
	struct log_index ix = { id, "order.note", "F", "owner",
				"2026-01-01T00:00:00Z" };
	struct od_err err;
	long long seq;

	memset(sig, 0x5a, sizeof sig);
	if (store_begin(s, &err) != OD_OK)
		die("filling the log", &err);
	for (seq = *filled + 1; seq <= to; seq++) {
		snprintf(id, sizeof id, "f%031llx", seq);
		snprintf(text, sizeof text, "kind: order.note\nid: %s\n"
			 "text: %-260lld\n", id, seq);
		memset(hash, 0, sizeof hash);
		memcpy(hash, &seq, sizeof seq);
		memset(&rec, 0, sizeof rec);
		rec.seq = seq;
		rec.statement = text;
		rec.statement_len = strlen(text);
		memcpy(rec.signature, sig, sizeof sig);
		memcpy(rec.hash, hash, sizeof hash);
		memcpy(rec.digest, hash, sizeof hash);
		if (store_log_append(s, &rec, &ix, &err) != OD_OK)
			die("filling the log", &err);
	}
	if (store_commit(s, &err) != OD_OK)
		die("filling the log", &err);
	*filled = to;
}

/* The median seconds of RUNS proofs (and checks) at a tree of n. */
static void proofs(struct store *s, uint64_t n, struct figures *f)
{
	static double t[4][RUNS];
	uint8_t root[32], old_root[32], leaf[32];
	struct merkle_proof p;
	struct od_err err;
	uint64_t i, old;
	double t0;
	int k;

	if (store_merkle_root(s, n, root, &err) != OD_OK)
		die("a root", &err);
	for (k = 0; k < RUNS; k++) {
		i = (uint64_t)k * (n - 1) / (RUNS - 1);
		old = i + 1;
		t0 = now();
		if (store_merkle_inclusion(s, i, n, &p, &err) != OD_OK)
			die("an inclusion proof", &err);
		t[0][k] = now() - t0;
		f->incl_hashes = p.n > f->incl_hashes ? p.n : f->incl_hashes;
		if (store_merkle_leaf(s, i, leaf, &err) != OD_OK)
			die("a leaf", &err);
		t0 = now();
		if (merkle_check_inclusion(i, n, leaf, &p, root, &err) != OD_OK)
			die("checking an inclusion proof", &err);
		t[1][k] = now() - t0;
		if (store_merkle_root(s, old, old_root, &err) != OD_OK)
			die("a root", &err);
		t0 = now();
		if (store_merkle_consistency(s, old, n, &p, &err) != OD_OK)
			die("a consistency proof", &err);
		t[2][k] = now() - t0;
		f->cons_hashes = p.n > f->cons_hashes ? p.n : f->cons_hashes;
		t0 = now();
		if (merkle_check_consistency(old, n, old_root, root, &p,
					     &err) != OD_OK)
			die("checking a consistency proof", &err);
		t[3][k] = now() - t0;
	}
	for (k = 0; k < 4; k++)
		qsort(t[k], RUNS, sizeof t[k][0], cmp_double);
	f->incl = t[0][RUNS / 2];
	f->check_incl = t[1][RUNS / 2];
	f->cons = t[2][RUNS / 2];
	f->check_cons = t[3][RUNS / 2];
}

/* Seconds per SHA-256 node hash: the baseline. */
static double node_hash_time(void)
{
	uint8_t h[32] = { 0 };
	struct od_err err;
	double t0 = now();
	int i;

	for (i = 0; i < 100000; i++)
		if (merkle_node_hash(h, h, h, &err) != OD_OK)
			die("hashing", &err);
	return (now() - t0) / 100000;
}

int main(int argc, char **argv)
{
	long long lens[MAXLENS] = { 1000, 1000000 }, filled = 0;
	struct figures f[MAXLENS];
	uint8_t key[STORE_KEY_LEN];
	char path[4096];
	struct store *s;
	struct od_err err;
	int i, nlens = 2;
	double hash_s, t0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-merkle DIR [ENTRIES...]\n");
		return 2;
	}
	for (i = 2; i < argc && i - 2 < MAXLENS; i++)
		lens[i - 2] = atoll(argv[i]);
	if (argc > 2)
		nlens = argc - 2 < MAXLENS ? argc - 2 : MAXLENS;
	memset(key, 0x42, sizeof key);
	snprintf(path, sizeof path, "%s/merkle.db", argv[1]);
	if (store_create(path, key, &s, &err) != OD_OK ||
	    store_set_durable(s, 0, &err) != OD_OK)
		die("making the store", &err);
	hash_s = node_hash_time();
	printf("merkle bench: one SHA-256 node hash %.2f us (the baseline)\n",
	       hash_s * 1e6);
	memset(f, 0, sizeof f);
	for (i = 0; i < nlens; i++) {
		t0 = now();
		fill(s, &filled, lens[i] - BATCH);
		printf("merkle bench: log filled to %lld entries in %.1f s\n",
		       filled, now() - t0);
		t0 = now();
		fill(s, &filled, lens[i]);
		f[i].append = (now() - t0) / BATCH;
		proofs(s, (uint64_t)lens[i], &f[i]);
		printf("merkle append at %lld entries: %.1f us an entry "
		       "(with the log row; target: under 1 ms)\n", lens[i],
		       f[i].append * 1e6);
		printf("merkle proofs at %lld entries: inclusion %.1f us "
		       "(up to %zu hashes), consistency %.1f us (up to %zu hashes) "
		       "(target: under 1 ms)\n", lens[i], f[i].incl * 1e6,
		       f[i].incl_hashes, f[i].cons * 1e6, f[i].cons_hashes);
		printf("merkle checks at %lld entries: inclusion %.1f us = %.0f "
		       "node hashes, consistency %.1f us = %.0f node hashes\n",
		       lens[i], f[i].check_incl * 1e6,
		       f[i].check_incl / hash_s, f[i].check_cons * 1e6,
		       f[i].check_cons / hash_s);
		if (i == 0)
			continue;
		printf("merkle at %lld vs %lld entries: append %.2fx, "
		       "inclusion proof %.2fx, consistency proof %.2fx, "
		       "checks %.2fx and %.2fx (O(log n): about %.1fx)\n",
		       lens[i], lens[0], f[i].append / f[0].append,
		       f[i].incl / f[0].incl, f[i].cons / f[0].cons,
		       f[i].check_incl / f[0].check_incl,
		       f[i].check_cons / f[0].check_cons,
		       (double)(63 - __builtin_clzll((unsigned long long)
						      lens[i])) /
		       (63 - __builtin_clzll((unsigned long long)lens[0])));
	}
	store_close(s);
	return 0;
}
