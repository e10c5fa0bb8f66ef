/* tlog-proof.c - C2SP tlog-proof@v1: an inclusion proof with its checkpoint. */
#include "app/log/tlog-proof.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/encode.h"

enum od_code tlog_proof_write(uint64_t index, const struct merkle_proof *p,
			      const char *note, size_t note_len,
			      struct buf *out, struct od_err *err)
{
	char b64[b64_encoded_len(MERKLE_HASH_LEN) + 1];
	enum od_code rc;
	size_t i;

	rc = buf_addf(out, err, TLOG_PROOF_MAGIC "\nindex %llu\n",
		      (unsigned long long)index);
	for (i = 0; rc == OD_OK && i < p->n; i++) {
		b64_encode(p->hash[i], MERKLE_HASH_LEN, b64);
		rc = buf_addf(out, err, "%s\n", b64);
	}
	if (rc == OD_OK)
		rc = buf_adds(out, "\n", err);
	if (rc == OD_OK)
		rc = buf_add(out, note, note_len, err);
	return rc;
}

/* The next line of text from *p (before end), without its newline. */
static int next_line(const char **p, const char *end, const char **line,
		     size_t *n)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (nl == NULL)
		return 0;
	*line = *p;
	*n = (size_t)(nl - *p);
	*p = nl + 1;
	return 1;
}

/* Reads "index N" (no leading zero) into *index. */
static int index_line(const char *line, size_t n, uint64_t *index)
{
	char num[24], *end;

	if (n < 7 || n - 6 >= sizeof num || memcmp(line, "index ", 6) != 0 ||
	    line[6] < '0' || line[6] > '9' || (line[6] == '0' && n > 7))
		return 0;
	memcpy(num, line + 6, n - 6);
	num[n - 6] = '\0';
	errno = 0;
	*index = strtoull(num, &end, 10);
	return *end == '\0' && errno == 0 && *index <= (uint64_t)INT64_MAX;
}

/*
 * Parses the proof part of text: the index and the hashes; *note is where
 * the checkpoint begins (after the blank line).
 */
static enum od_code parse(const char *text, size_t len, uint64_t *index,
			  struct merkle_proof *p, const char **note,
			  struct od_err *err)
{
	const char *at = text, *end = text + len, *line;
	size_t n, got;

	p->n = 0;
	if (!next_line(&at, end, &line, &n) || n != strlen(TLOG_PROOF_MAGIC) ||
	    memcmp(line, TLOG_PROOF_MAGIC, n) != 0)
		return od_err_set(err, OD_E_INPUT, "not a proof: the first "
				  "line must be " TLOG_PROOF_MAGIC);
	if (!next_line(&at, end, &line, &n))
		goto bad;
	if (n > 6 && memcmp(line, "extra ", 6) == 0 &&
	    !next_line(&at, end, &line, &n))
		goto bad;
	if (!index_line(line, n, index))
		return od_err_set(err, OD_E_INPUT, "the proof's index line is "
				  "not \"index N\"");
	while (next_line(&at, end, &line, &n) && n > 0) {
		if (p->n == MERKLE_MAX_PROOF ||
		    b64_decode("a proof's hash", line, n, p->hash[p->n],
			       MERKLE_HASH_LEN, &got, err) != OD_OK ||
		    got != MERKLE_HASH_LEN)
			return od_err_set(err, OD_E_INPUT, "the proof's hash "
					  "%zu is not 32 bytes of base64",
					  p->n + 1);
		p->n++;
	}
	if (n != 0 || at >= end)
		goto bad;
	*note = at;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "the proof is cut short: it ends "
			  "before its checkpoint");
}

enum od_code tlog_proof_check(const char *text, size_t len,
			      const void *entry, size_t entry_len,
			      const struct note_verifier *v,
			      struct checkpoint *c, uint64_t *index,
			      struct od_err *err)
{
	struct merkle_proof p;
	struct checkpoint cp;
	uint8_t leaf[MERKLE_HASH_LEN];
	const char *note = NULL;
	uint64_t ix = 0;
	enum od_code rc = parse(text, len, &ix, &p, &note, err);

	if (rc == OD_OK)
		rc = checkpoint_open(note, (size_t)(text + len - note), v, &cp,
				     err);
	if (rc == OD_OK)
		rc = merkle_leaf_hash(entry, entry_len, NULL, 0, leaf, err);
	if (rc == OD_OK)
		rc = merkle_check_inclusion(ix, cp.size, leaf, &p, cp.root,
					    err);
	if (rc != OD_OK)
		return rc;
	if (c != NULL)
		*c = cp;
	if (index != NULL)
		*index = ix;
	return OD_OK;
}

enum od_code tlog_proof_note(const char *text, size_t len, const char **note,
			     size_t *note_len, struct od_err *err)
{
	struct merkle_proof p;
	uint64_t ix = 0;
	enum od_code rc = parse(text, len, &ix, &p, note, err);

	*note_len = rc == OD_OK ? (size_t)(text + len - *note) : 0;
	return rc;
}
