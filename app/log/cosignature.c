/* cosignature.c - C2SP tlog-cosignature/v1 (Ed25519) lines on checkpoints. */
#include "app/log/cosignature.h"

#include <stdio.h>
#include <string.h>

#include "lib/encode.h"

#define SIG_PREFIX "\xe2\x80\x94 "              /* U+2014 EM DASH, a space */
#define TIME_MAX   ((uint64_t)INT64_MAX)        /* 2^63 - 1, as the spec */

const struct note_key_kind NOTE_KEY_COSIGNER = {
	COSIG_ALG_ED25519, "witness key", "an Ed25519 cosigner key",
	"`orderdesk witness key`"
};

enum od_code cosigner_make(const char *name, const uint8_t pub[SIGKEY_PUB_LEN],
			   struct note_verifier *w, struct od_err *err)
{
	return note_key_make(&NOTE_KEY_COSIGNER, name, pub, w, err);
}

enum od_code cosigner_text(const struct note_verifier *w, struct buf *out,
			   struct od_err *err)
{
	return note_key_text(&NOTE_KEY_COSIGNER, w, out, err);
}

enum od_code cosigner_parse(const char *text, struct note_verifier *w,
			    struct od_err *err)
{
	return note_key_parse(&NOTE_KEY_COSIGNER, text, w, err);
}

/* The signed message: the header, the time line and the text, into m. */
static enum od_code message(const char *text, size_t len, uint64_t time,
			    struct buf *m, struct od_err *err)
{
	enum od_code rc = buf_addf(m, err, "cosignature/v1\ntime %llu\n",
				   (unsigned long long)time);

	return rc == OD_OK ? buf_add(m, text, len, err) : rc;
}

enum od_code cosignature_sign(const char *text, size_t len, const char *name,
			      const struct sigkey *k, uint64_t time,
			      struct buf *out, struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN], raw[COSIG_LEN];
	char raw64[b64_encoded_len(COSIG_LEN) + 1];
	struct note_verifier w;
	struct buf m;
	enum od_code rc;
	int i;

	if (len == 0 || text[len - 1] != '\n' || time > TIME_MAX)
		return od_err_set(err, OD_E_INTERNAL, "a cosigned text ends "
				  "with a newline, its time is under 2^63");
	sigkey_public(k, pub);
	rc = cosigner_make(name, pub, &w, err);
	if (rc != OD_OK)
		return rc;
	buf_init(&m, CHECKPOINT_NOTE_MAX + 64);
	rc = message(text, len, time, &m, err);
	if (rc == OD_OK)
		rc = sigkey_sign(k, m.data, m.len, raw + CHECKPOINT_KEYID_LEN + 8,
				 err);
	buf_free(&m);
	if (rc != OD_OK)
		return rc;
	memcpy(raw, w.id, CHECKPOINT_KEYID_LEN);
	for (i = 0; i < 8; i++)
		raw[CHECKPOINT_KEYID_LEN + i] = (uint8_t)(time >> (56 - 8 * i));
	b64_encode(raw, sizeof raw, raw64);
	return buf_addf(out, err, SIG_PREFIX "%s %s\n", name, raw64);
}

/*
 * Checks the line [p, nl) against w: *found is set when it is w's (and it
 * then verified over text, *time set), left alone for another key's.
 */
static enum od_code cosig_line(const char *p, const char *nl,
			       const char *text, size_t text_len,
			       const struct note_verifier *w, int *found,
			       uint64_t *time, struct od_err *err)
{
	size_t pre = sizeof SIG_PREFIX - 1, n, nlen = strlen(w->name);
	const char *name = p + pre, *sp;
	uint8_t raw[COSIG_LEN + 1];
	uint64_t t = 0;
	struct sigkey_pub *pk = NULL;
	struct buf m;
	enum od_code rc;
	int i;

	if ((size_t)(nl - p) < pre || memcmp(p, SIG_PREFIX, pre) != 0)
		return od_err_set(err, OD_E_INPUT, "a signature line must "
				  "begin with \"— \"");
	sp = memchr(name, ' ', (size_t)(nl - name));
	if (sp == NULL || sp == name ||
	    b64_decode("a signature", sp + 1, (size_t)(nl - sp - 1), raw,
		       sizeof raw, &n, err) != OD_OK ||
	    n <= CHECKPOINT_KEYID_LEN)
		return od_err_set(err, OD_E_INPUT, "a signature line is not "
				  "\"— NAME BASE64\"");
	if ((size_t)(sp - name) != nlen || memcmp(name, w->name, nlen) != 0 ||
	    memcmp(raw, w->id, CHECKPOINT_KEYID_LEN) != 0)
		return OD_OK;                      /* another key's: ignored */
	if (*found)
		return od_err_set(err, OD_E_TAMPERED, "the checkpoint is "
				  "cosigned twice by %s", w->name);
	*found = 1;
	if (n != COSIG_LEN)
		return od_err_set(err, OD_E_TAMPERED, "the cosignature by %s "
				  "is not a timestamped Ed25519 signature",
				  w->name);
	for (i = 0; i < 8; i++)
		t = t << 8 | raw[CHECKPOINT_KEYID_LEN + i];
	if (t > TIME_MAX)
		return od_err_set(err, OD_E_TAMPERED, "the cosignature by %s "
				  "has a time past 2^63 - 1", w->name);
	buf_init(&m, CHECKPOINT_NOTE_MAX + 64);
	rc = message(text, text_len, t, &m, err);
	if (rc == OD_OK)
		rc = sigkey_pub_new(w->pub, &pk, err);
	if (rc == OD_OK)
		rc = sigkey_pub_verify(pk, m.data, m.len,
				       raw + CHECKPOINT_KEYID_LEN + 8, err);
	sigkey_pub_free(pk);
	buf_free(&m);
	if (rc == OD_E_TAMPERED)
		return od_err_set(err, OD_E_TAMPERED, "the cosignature by %s "
				  "does not verify: it is of another "
				  "checkpoint or was altered", w->name);
	*time = t;
	return rc;
}

enum od_code cosignature_check(const char *text, size_t text_len,
			       const char *sigs, size_t len,
			       const struct note_verifier *w, uint64_t *time,
			       struct od_err *err)
{
	const char *p, *nl, *end = sigs + len;
	int found = 0;
	enum od_code rc = OD_OK;

	if (text_len == 0 || text[text_len - 1] != '\n')
		return od_err_set(err, OD_E_INPUT, "a checkpoint's text ends "
				  "with a newline");
	if (len == 0 || sigs[len - 1] != '\n')
		return od_err_set(err, OD_E_INPUT, "signature lines end with "
				  "a newline; they were cut short");
	for (p = sigs; rc == OD_OK && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		rc = cosig_line(p, nl, text, text_len, w, &found, time, err);
	}
	if (rc == OD_OK && !found)
		return od_err_set(err, OD_E_NOTFOUND, "the checkpoint is not "
				  "cosigned by %s (key id %02x%02x%02x%02x)",
				  w->name, w->id[0], w->id[1], w->id[2],
				  w->id[3]);
	return rc;
}

enum od_code cosignature_open(const char *note, size_t len,
			      const struct note_verifier *log,
			      const struct note_verifier *w,
			      struct checkpoint *c, uint64_t *time,
			      struct od_err *err)
{
	size_t text_len = 0;
	enum od_code rc = checkpoint_open(note, len, log, c, err);

	if (rc == OD_OK)
		rc = note_open(note, len, log, &text_len, err);
	if (rc != OD_OK)
		return rc;
	return cosignature_check(note, text_len, note + text_len + 1,
				 len - text_len - 1, w, time, err);
}
