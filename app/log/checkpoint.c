/* checkpoint.c - C2SP tlog-checkpoint bodies in C2SP signed notes. */
#include "app/log/checkpoint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "lib/encode.h"
#include "lib/utf8.h"

#define SIG_PREFIX     "\xe2\x80\x94 "       /* U+2014 EM DASH, a space */
#define ALG_ED25519    0x01
#define MAX_SIGNATURES 100                  /* as Go's golang.org/x/mod */

void checkpoint_origin(const char *shop, char *out, size_t size)
{
	size_t i, n = 0;
	int c;

	n = (size_t)snprintf(out, size, "orderdesk/");
	for (i = 0; shop[i] != '\0' && n + 1 < size; i++) {
		c = (unsigned char)shop[i];
		out[n++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			   c == '-' ? (char)c : '-';
	}
	out[n] = '\0';
}

enum od_code checkpoint_log_key(const char *shop,
				const uint8_t pub[SIGKEY_PUB_LEN],
				struct note_verifier *v, struct od_err *err)
{
	char origin[CHECKPOINT_NAME_MAX + 1];

	checkpoint_origin(shop, origin, sizeof origin);
	return note_verifier_make(origin, pub, v, err);
}

/* Whether name is a key name: non-empty, printable, no space, no '+'. */
static int name_ok(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n > CHECKPOINT_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 || name[i] == 0x7f ||
		    name[i] == '+')
			return 0;
	return utf8_check_text("name", name, n, n, 0, &(struct od_err){ 0 })
	       == OD_OK;
}

/* The kinds of verifier key this code reads: the log's and a cosigner's. */
const struct note_key_kind NOTE_KEY_LOG = {
	ALG_ED25519, "verifier key", "an Ed25519 key", "`orderdeskd key`"
};

/* The key id of name's Ed25519 key pub under the algorithm byte alg. */
static enum od_code key_id(const char *name, uint8_t alg,
			   const uint8_t pub[SIGKEY_PUB_LEN],
			   uint8_t id[CHECKPOINT_KEYID_LEN], struct od_err *err)
{
	uint8_t h[32];
	gnutls_hash_hd_t d;
	const uint8_t sep[2] = { '\n', alg };

	if (gnutls_hash_init(&d, GNUTLS_DIG_SHA256) < 0)
		return od_err_set(err, OD_E_CRYPTO, "SHA-256 is not available");
	gnutls_hash(d, name, strlen(name));
	gnutls_hash(d, sep, sizeof sep);
	gnutls_hash(d, pub, SIGKEY_PUB_LEN);
	gnutls_hash_deinit(d, h);
	memcpy(id, h, CHECKPOINT_KEYID_LEN);
	return OD_OK;
}

enum od_code note_key_make(const struct note_key_kind *kind, const char *name,
			   const uint8_t pub[SIGKEY_PUB_LEN],
			   struct note_verifier *v, struct od_err *err)
{
	memset(v, 0, sizeof *v);
	if (!name_ok(name, strlen(name)))
		return od_err_set(err, OD_E_INPUT, "a key name must be "
				  "printable, without spaces or '+'");
	snprintf(v->name, sizeof v->name, "%s", name);
	memcpy(v->pub, pub, SIGKEY_PUB_LEN);
	return key_id(name, kind->alg, pub, v->id, err);
}

enum od_code note_verifier_make(const char *name,
				const uint8_t pub[SIGKEY_PUB_LEN],
				struct note_verifier *v, struct od_err *err)
{
	return note_key_make(&NOTE_KEY_LOG, name, pub, v, err);
}

enum od_code note_key_text(const struct note_key_kind *kind,
			   const struct note_verifier *v, struct buf *out,
			   struct od_err *err)
{
	uint8_t raw[1 + SIGKEY_PUB_LEN];
	char id[2 * CHECKPOINT_KEYID_LEN + 1];
	char key[b64_encoded_len(sizeof raw) + 1];

	raw[0] = kind->alg;
	memcpy(raw + 1, v->pub, SIGKEY_PUB_LEN);
	hex_encode(v->id, CHECKPOINT_KEYID_LEN, id);
	b64_encode(raw, sizeof raw, key);
	return buf_addf(out, err, "%s+%s+%s", v->name, id, key);
}

enum od_code note_verifier_text(const struct note_verifier *v,
				struct buf *out, struct od_err *err)
{
	return note_key_text(&NOTE_KEY_LOG, v, out, err);
}

enum od_code note_key_parse(const struct note_key_kind *kind,
			    const char *text, struct note_verifier *v,
			    struct od_err *err)
{
	const char *p1 = strchr(text, '+'), *p2 = p1 ? strchr(p1 + 1, '+')
						       : NULL;
	char name[CHECKPOINT_NAME_MAX + 1], idhex[9];
	uint8_t id[CHECKPOINT_KEYID_LEN], raw[1 + SIGKEY_PUB_LEN + 1];
	size_t n;
	enum od_code rc;

	memset(v, 0, sizeof *v);
	if (p1 == NULL || p2 == NULL || p2 - p1 != 9 ||
	    !name_ok(text, (size_t)(p1 - text)))
		goto bad;
	memcpy(name, text, (size_t)(p1 - text));
	name[p1 - text] = '\0';
	memcpy(idhex, p1 + 1, 8);
	idhex[8] = '\0';
	if (hex_decode("the key id", idhex, id, CHECKPOINT_KEYID_LEN, err) !=
	    OD_OK || b64_decode("the key", p2 + 1, strlen(p2 + 1), raw,
				sizeof raw, &n, err) != OD_OK)
		goto bad;
	if (n != sizeof raw - 1 || raw[0] != kind->alg)
		return od_err_set(err, OD_E_INPUT, "the %s is not %s (0x%02x "
				  "and 32 bytes)", kind->noun, kind->what,
				  kind->alg);
	rc = note_key_make(kind, name, raw + 1, v, err);
	if (rc == OD_OK && memcmp(v->id, id, CHECKPOINT_KEYID_LEN) != 0)
		return od_err_set(err, OD_E_INPUT, "the %s's id is not its "
				  "key's; the key was mistyped", kind->noun);
	return rc;
bad:
	return od_err_set(err, OD_E_INPUT, "a %s is NAME+KEYID+BASE64 (as %s "
			  "prints it)", kind->noun, kind->printer);
}

enum od_code note_verifier_parse(const char *text, struct note_verifier *v,
				 struct od_err *err)
{
	return note_key_parse(&NOTE_KEY_LOG, text, v, err);
}

enum od_code note_sign(const char *text, size_t len, const char *name,
			const struct sigkey *k, struct buf *out,
			struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN], sig[CHECKPOINT_KEYID_LEN +
					 SIGKEY_SIG_LEN];
	char sig64[b64_encoded_len(sizeof sig) + 1];
	struct note_verifier v;
	enum od_code rc;

	if (len == 0 || text[len - 1] != '\n')
		return od_err_set(err, OD_E_INTERNAL, "a note's text must end "
				  "with a newline");
	sigkey_public(k, pub);
	rc = note_verifier_make(name, pub, &v, err);
	if (rc == OD_OK)
		rc = sigkey_sign(k, text, len, sig + CHECKPOINT_KEYID_LEN, err);
	if (rc == OD_OK)
		rc = buf_add(out, text, len, err);
	if (rc != OD_OK)
		return rc;
	memcpy(sig, v.id, CHECKPOINT_KEYID_LEN);
	b64_encode(sig, sizeof sig, sig64);
	return buf_addf(out, err, "\n" SIG_PREFIX "%s %s\n", name, sig64);
}

enum od_code checkpoint_sign(const struct checkpoint *c,
			     const struct sigkey *k, struct buf *out,
			     struct od_err *err)
{
	char root[b64_encoded_len(MERKLE_HASH_LEN) + 1];
	char text[CHECKPOINT_NAME_MAX + 80];
	int n;

	b64_encode(c->root, MERKLE_HASH_LEN, root);
	n = snprintf(text, sizeof text, "%s\n%llu\n%s\n", c->origin,
		     (unsigned long long)c->size, root);
	if (n < 0 || (size_t)n >= sizeof text)
		return od_err_set(err, OD_E_INPUT, "the origin is too long");
	return note_sign(text, (size_t)n, c->origin, k, out, err);
}

/* Checks that note[0..len) is lines of text: UTF-8, no control bytes. */
static enum od_code note_lines(const char *note, size_t len,
			       struct od_err *err)
{
	const char *p = note, *end = note + len, *nl;

	if (len == 0 || note[len - 1] != '\n')
		return od_err_set(err, OD_E_INPUT, "the note does not end "
				  "with a newline; it was cut short");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl > p && utf8_check_text("the note", p, (size_t)(nl - p),
					      (size_t)(nl - p), 0, err) != OD_OK)
			return od_err_set(err, OD_E_INPUT, "the note is not "
					  "text lines of UTF-8");
		p = nl + 1;
	}
	return OD_OK;
}

/*
 * Checks one signature line [p, nl) against v: *mine is set when it is
 * v's (and then it verified over text), left alone when it is another
 * key's.  A malformed line is refused.
 */
static enum od_code sig_line(const char *p, const char *nl,
			     const char *text, size_t text_len,
			     const struct note_verifier *v, int *mine,
			     struct od_err *err)
{
	size_t pre = sizeof SIG_PREFIX - 1, n;
	const char *name = p + pre, *sp;
	/* Room for others' longer lines: a witness's cosignature (76 bytes,
	 * app/log/cosignature.h) or an ML-DSA-44 one (2432). */
	uint8_t raw[2560];
	struct sigkey_pub *pk = NULL;
	enum od_code rc;

	if ((size_t)(nl - p) < pre || memcmp(p, SIG_PREFIX, pre) != 0)
		return od_err_set(err, OD_E_INPUT, "a note's signature line "
				  "must begin with \"— \"");
	sp = memchr(name, ' ', (size_t)(nl - name));
	if (sp == NULL || !name_ok(name, (size_t)(sp - name)) ||
	    b64_decode("a note's signature", sp + 1, (size_t)(nl - sp - 1),
		       raw, sizeof raw, &n, err) != OD_OK ||
	    n <= CHECKPOINT_KEYID_LEN)
		return od_err_set(err, OD_E_INPUT, "a note's signature line "
				  "is not \"— NAME BASE64\"");
	if ((size_t)(sp - name) != strlen(v->name) ||
	    memcmp(name, v->name, (size_t)(sp - name)) != 0 ||
	    memcmp(raw, v->id, CHECKPOINT_KEYID_LEN) != 0)
		return OD_OK;                      /* another key's: ignored */
	if (*mine)
		return od_err_set(err, OD_E_TAMPERED, "the note is signed "
				  "twice by %s", v->name);
	*mine = 1;
	if (n != CHECKPOINT_KEYID_LEN + SIGKEY_SIG_LEN)
		return od_err_set(err, OD_E_TAMPERED, "the note's signature "
				  "by %s is not an Ed25519 signature",
				  v->name);
	rc = sigkey_pub_new(v->pub, &pk, err);
	if (rc == OD_OK)
		rc = sigkey_pub_verify(pk, text, text_len,
				       raw + CHECKPOINT_KEYID_LEN, err);
	sigkey_pub_free(pk);
	if (rc == OD_E_TAMPERED)
		return od_err_set(err, OD_E_TAMPERED, "the note's signature "
				  "by %s does not verify: it was altered",
				  v->name);
	return rc;
}

enum od_code note_open(const char *note, size_t len,
			      const struct note_verifier *v, size_t *text_len,
			      struct od_err *err)
{
	const char *p, *nl, *end = note + len, *blank = NULL;
	int mine = 0, count = 0;
	enum od_code rc;

	if (len > CHECKPOINT_NOTE_MAX)
		return od_err_set(err, OD_E_INPUT, "the note is over %d bytes",
				  CHECKPOINT_NOTE_MAX);
	rc = note_lines(note, len, err);
	if (rc != OD_OK)
		return rc;
	/* The text ends at the last blank line: signatures never hold one. */
	for (p = note; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			blank = p;
	if (blank == NULL || blank + 2 >= end)
		return od_err_set(err, OD_E_INPUT, "the note has no blank "
				  "line before its signatures");
	*text_len = (size_t)(blank + 1 - note);
	for (p = blank + 2; rc == OD_OK && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (++count > MAX_SIGNATURES)
			return od_err_set(err, OD_E_INPUT, "the note has over "
					  "%d signatures", MAX_SIGNATURES);
		rc = sig_line(p, nl, note, *text_len, v, &mine, err);
	}
	if (rc == OD_OK && !mine)
		return od_err_set(err, OD_E_TAMPERED, "the note is not signed "
				  "by %s (key id %02x%02x%02x%02x)", v->name,
				  v->id[0], v->id[1], v->id[2], v->id[3]);
	return rc;
}

/* Parses the checkpoint text[0..len) (ends in a newline) into c. */
static enum od_code checkpoint_parse(const char *text, size_t len,
				     struct checkpoint *c, struct od_err *err)
{
	const char *l1 = memchr(text, '\n', len), *l2, *l3;
	char num[24], *end;
	size_t n;

	l2 = l1 ? memchr(l1 + 1, '\n', (size_t)(text + len - l1 - 1)) : NULL;
	l3 = l2 ? memchr(l2 + 1, '\n', (size_t)(text + len - l2 - 1)) : NULL;
	if (l3 == NULL || l1 == text || l1 - text > CHECKPOINT_NAME_MAX)
		return od_err_set(err, OD_E_INPUT, "a checkpoint is an origin,"
				  " a size and a root, a line each");
	n = (size_t)(l2 - l1 - 1);
	if (n == 0 || n >= sizeof num || (l1[1] == '0' && n > 1))
		goto bad_size;
	memcpy(num, l1 + 1, n);
	num[n] = '\0';
	errno = 0;
	c->size = strtoull(num, &end, 10);
	if (*end != '\0' || errno != 0 || num[0] < '0' || num[0] > '9' ||
	    c->size > (uint64_t)INT64_MAX)
		goto bad_size;
	if (b64_decode("the checkpoint's root", l2 + 1, (size_t)(l3 - l2 - 1),
		       c->root, MERKLE_HASH_LEN, &n, err) != OD_OK ||
	    n != MERKLE_HASH_LEN)
		return od_err_set(err, OD_E_INPUT, "the checkpoint's root is "
				  "not 32 bytes of base64");
	memcpy(c->origin, text, (size_t)(l1 - text));
	c->origin[l1 - text] = '\0';
	/* Extension lines may follow; nothing here needs them. */
	return OD_OK;
bad_size:
	return od_err_set(err, OD_E_INPUT, "the checkpoint's size is not a "
			  "decimal number");
}

enum od_code checkpoint_open(const char *note, size_t len,
			     const struct note_verifier *v,
			     struct checkpoint *out, struct od_err *err)
{
	struct checkpoint c;
	size_t text_len = 0;
	enum od_code rc = note_open(note, len, v, &text_len, err);

	if (rc == OD_OK)
		rc = checkpoint_parse(note, text_len, &c, err);
	if (rc != OD_OK)
		return rc;
	if (strcmp(c.origin, v->name) != 0)
		return od_err_set(err, OD_E_TAMPERED, "the checkpoint is of "
				  "%.100s, not of %.100s", c.origin, v->name);
	*out = c;
	return OD_OK;
}
