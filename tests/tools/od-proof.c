/*
 * od-proof.c - checks what orderdeskd's /v1/checkpoint and /v1/proof/
 * routes answer, as a third party would: from the log's verifier key
 * alone, with files and nothing of the shop.
 *
 *   od-proof checkpoint VKEY NOTE
 *     NOTE (a file: the signed note) is a checkpoint signed by VKEY;
 *     prints "SIZE ROOT_BASE64".
 *   od-proof inclusion VKEY NOTE PROOF STATEMENT SIG
 *     PROOF (the JSON of /v1/proof/inclusion, for the checkpoint's size)
 *     proves that the entry STATEMENT ‖ SIG (as `orderdesk log --export`
 *     writes them) is leaf "index" of the checkpoint's tree.
 *   od-proof consistency VKEY OLD_NOTE NOTE PROOF
 *     PROOF (the JSON of /v1/proof/consistency) proves that the log of
 *     OLD_NOTE is the start of the log of NOTE.
 *
 * Exits 0 when it holds, 1 with one line on stderr when it does not, 2
 * on a usage error.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/checkpoint.h"
#include "lib/encode.h"
#include "lib/merkle.h"

#define FILE_MAX (1024 * 1024)

/* Reads path whole into a NUL-terminated buffer (the caller frees). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = f ? malloc(FILE_MAX + 1) : NULL;

	*len = p ? fread(p, 1, FILE_MAX, f) : 0;
	if (f != NULL)
		fclose(f);
	if (p == NULL) {
		fprintf(stderr, "od-proof: cannot read %s\n", path);
		exit(2);
	}
	p[*len] = '\0';
	return p;
}

/* Opens the checkpoint in file note, signed by v; exits if it is not. */
static void open_note(const char *path, const struct note_verifier *v,
		      struct checkpoint *c)
{
	struct od_err err;
	size_t len;
	char *note = slurp(path, &len);
	enum od_code rc = checkpoint_open(note, len, v, c, &err);

	free(note);
	if (rc != OD_OK) {
		fprintf(stderr, "od-proof: %s: %s\n", path, err.msg);
		exit(1);
	}
}

/* Reads the proof JSON at path: a (index or old), size and the hashes. */
static void read_proof(const char *path, const char *a_name, uint64_t *a,
		       uint64_t *size, struct merkle_proof *p)
{
	json_error_t jerr;
	json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	json_t *list = json_object_get(o, "proof"), *h;
	struct od_err err;
	size_t i, n;

	if (!json_is_integer(json_object_get(o, a_name)) ||
	    !json_is_integer(json_object_get(o, "size")) ||
	    !json_is_array(list) || json_array_size(list) > MERKLE_MAX_PROOF) {
		fprintf(stderr, "od-proof: %s is not a proof\n", path);
		exit(1);
	}
	*a = (uint64_t)json_integer_value(json_object_get(o, a_name));
	*size = (uint64_t)json_integer_value(json_object_get(o, "size"));
	p->n = json_array_size(list);
	json_array_foreach(list, i, h) {
		if (!json_is_string(h) ||
		    b64_decode("a proof's hash", json_string_value(h),
			       json_string_length(h), p->hash[i],
			       MERKLE_HASH_LEN, &n, &err) != OD_OK ||
		    n != MERKLE_HASH_LEN) {
			fprintf(stderr, "od-proof: %s: hash %zu is not 32 "
				"bytes of base64\n", path, i);
			exit(1);
		}
	}
	json_decref(o);
}

/* Exits 1 with msg unless rc is OD_OK. */
static void must(enum od_code rc, const struct od_err *err)
{
	if (rc != OD_OK) {
		fprintf(stderr, "od-proof: %s\n", err->msg);
		exit(1);
	}
}

/* inclusion VKEY NOTE PROOF STATEMENT SIG */
static int inclusion(const struct note_verifier *v, char **argv)
{
	struct checkpoint c;
	struct merkle_proof p;
	uint8_t leaf[MERKLE_HASH_LEN];
	uint64_t index, size;
	struct od_err err;
	size_t slen, glen;
	char *st = slurp(argv[2], &slen), *sig = slurp(argv[3], &glen);

	open_note(argv[0], v, &c);
	read_proof(argv[1], "index", &index, &size, &p);
	if (size != c.size) {
		fprintf(stderr, "od-proof: the proof is for %llu entries, the "
			"checkpoint has %llu\n", (unsigned long long)size,
			(unsigned long long)c.size);
		return 1;
	}
	must(merkle_leaf_hash(st, slen, sig, glen, leaf, &err), &err);
	must(merkle_check_inclusion(index, size, leaf, &p, c.root, &err),
	     &err);
	printf("entry %llu is in the log of %llu entries\n",
	       (unsigned long long)index + 1, (unsigned long long)size);
	free(st);
	free(sig);
	return 0;
}

/* consistency VKEY OLD_NOTE NOTE PROOF */
static int consistency(const struct note_verifier *v, char **argv)
{
	struct checkpoint a, b;
	struct merkle_proof p;
	uint64_t old, size;
	struct od_err err;

	open_note(argv[0], v, &a);
	open_note(argv[1], v, &b);
	read_proof(argv[2], "old", &old, &size, &p);
	if (old != a.size || size != b.size) {
		fprintf(stderr, "od-proof: the proof is from %llu to %llu, "
			"the checkpoints are of %llu and %llu\n",
			(unsigned long long)old, (unsigned long long)size,
			(unsigned long long)a.size, (unsigned long long)b.size);
		return 1;
	}
	must(merkle_check_consistency(old, size, a.root, b.root, &p, &err),
	     &err);
	printf("the log of %llu entries extends the one of %llu\n",
	       (unsigned long long)size, (unsigned long long)old);
	return 0;
}

int main(int argc, char **argv)
{
	char root[b64_encoded_len(MERKLE_HASH_LEN) + 1];
	struct note_verifier v;
	struct checkpoint c;
	struct od_err err;

	if (argc < 4 || note_verifier_parse(argv[2], &v, &err) != OD_OK) {
		fprintf(stderr, "usage: od-proof checkpoint|inclusion|"
			"consistency VKEY FILE...%s%s\n", argc < 4 ? "" : ": ",
			argc < 4 ? "" : err.msg);
		return 2;
	}
	if (strcmp(argv[1], "checkpoint") == 0 && argc == 4) {
		open_note(argv[3], &v, &c);
		b64_encode(c.root, MERKLE_HASH_LEN, root);
		printf("%llu %s\n", (unsigned long long)c.size, root);
		return 0;
	}
	if (strcmp(argv[1], "inclusion") == 0 && argc == 7)
		return inclusion(&v, argv + 3);
	if (strcmp(argv[1], "consistency") == 0 && argc == 6)
		return consistency(&v, argv + 3);
	fprintf(stderr, "od-proof: see the usage at the top of od-proof.c\n");
	return 2;
}
