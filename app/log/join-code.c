/* join-code.c - one-time join codes: format, hash, expiry and tries. */
#include "app/log/join-code.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/encode.h"
#include "lib/secret.h"

#define JOIN_HASH_LABEL "orderdesk-join-code/1"

/* Crockford's base32: no I, L, O or U, which people misread. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

enum od_code join_code_new(long long now, long long ttl,
			   char code[JOIN_CODE_LEN + 1],
			   struct join_record *rec, struct od_err *err)
{
	uint8_t raw[JOIN_CODE_CHARS];
	char norm[JOIN_CODE_CHARS + 1];
	enum od_code rc;
	size_t i, o = 0;

	code[0] = '\0';
	memset(rec, 0, sizeof *rec);
	if (ttl <= 0 || ttl > JOIN_CODE_TTL_MAX)
		return od_err_set(err, OD_E_USAGE, "a join code lives 1 second "
				  "to %d days", JOIN_CODE_TTL_MAX / 86400);
	if (gnutls_rnd(GNUTLS_RND_KEY, raw, sizeof raw) < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot draw random bytes "
				  "for a join code");
	/* 256 is a multiple of 32: the low five bits are uniform. */
	for (i = 0; i < JOIN_CODE_CHARS; i++) {
		norm[i] = alphabet[raw[i] & 31];
		if (i > 0 && i % 4 == 0)
			code[o++] = '-';
		code[o++] = norm[i];
	}
	norm[JOIN_CODE_CHARS] = '\0';
	code[o] = '\0';
	rc = join_code_hash(norm, rec->hash, err);
	rec->expires = now + ttl;
	secret_wipe(raw, sizeof raw);
	secret_wipe(norm, sizeof norm);
	if (rc != OD_OK)
		secret_wipe(code, JOIN_CODE_LEN + 1);
	return rc;
}

/* The code character c stands for, after Crockford's readings; 0 if none. */
static char code_char(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		return '0';
	if (c == 'I' || c == 'L')
		return '1';
	if (c != '\0' && strchr(alphabet, c) != NULL)
		return c;
	return 0;
}

enum od_code join_code_normalize(const char *typed,
				 char norm[JOIN_CODE_CHARS + 1],
				 struct od_err *err)
{
	size_t i, n = 0;
	char c;

	norm[0] = '\0';
	for (i = 0; typed[i] != '\0'; i++) {
		if (typed[i] == '-' || typed[i] == ' ')
			continue;
		c = code_char(typed[i]);
		if (c == 0 || n >= JOIN_CODE_CHARS) {
			n = 0;
			break;
		}
		norm[n++] = c;
	}
	norm[n] = '\0';
	if (n != JOIN_CODE_CHARS) {
		secret_wipe(norm, JOIN_CODE_CHARS + 1);
		return od_err_set(err, OD_E_INPUT, "a join code is 20 letters "
				  "and digits in groups of four, like "
				  "ABCD-EFGH-JKMN-PQRS-TVWX; check what was "
				  "typed");
	}
	return OD_OK;
}

void join_code_id(const char *norm, char id[JOIN_CODE_ID_CHARS + 1])
{
	memcpy(id, norm, JOIN_CODE_ID_CHARS);
	id[JOIN_CODE_ID_CHARS] = '\0';
}

enum od_code join_code_hash(const char *norm, uint8_t hash[32],
			    struct od_err *err)
{
	char msg[sizeof JOIN_HASH_LABEL + JOIN_CODE_CHARS];
	int ret;

	if (strlen(norm) != JOIN_CODE_CHARS)
		return od_err_set(err, OD_E_INTERNAL, "a join code to hash must "
				  "be normalized first");
	memcpy(msg, JOIN_HASH_LABEL, sizeof JOIN_HASH_LABEL);  /* with NUL */
	memcpy(msg + sizeof JOIN_HASH_LABEL, norm, JOIN_CODE_CHARS);
	ret = gnutls_hash_fast(GNUTLS_DIG_SHA256, msg, sizeof msg, hash);
	secret_wipe(msg, sizeof msg);
	if (ret < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot hash a join code: "
				  "%s", gnutls_strerror(ret));
	return OD_OK;
}

enum od_code join_code_check(struct join_record *rec, const char *norm,
			     long long now, struct od_err *err)
{
	uint8_t hash[32], diff = 0;
	enum od_code rc;
	size_t i;

	if (rec->used)
		return od_err_set(err, OD_E_AUTH, "this join code was already "
				  "used; ask the owner for a new one "
				  "(orderdesk desk invite)");
	if (rec->tries >= JOIN_CODE_TRIES)
		return od_err_set(err, OD_E_AUTH, "this join code was burned "
				  "after %d wrong tries; ask the owner for a "
				  "new one", JOIN_CODE_TRIES);
	if (now >= rec->expires)
		return od_err_set(err, OD_E_AUTH, "this join code has expired; "
				  "ask the owner for a new one");
	rc = join_code_hash(norm, hash, err);
	if (rc != OD_OK)
		return rc;
	for (i = 0; i < sizeof hash; i++)
		diff |= (uint8_t)(hash[i] ^ rec->hash[i]);
	if (diff == 0)
		return OD_OK;
	rec->tries++;
	return od_err_set(err, OD_E_AUTH, "wrong join code; check it with the "
			  "owner (%u of %d wrong tries used)", rec->tries,
			  JOIN_CODE_TRIES);
}

void join_record_format(const struct join_record *rec,
			char out[JOIN_RECORD_MAX])
{
	char hex[65];

	hex_encode(rec->hash, sizeof rec->hash, hex);
	snprintf(out, JOIN_RECORD_MAX, "v1 %s %lld %u %d", hex, rec->expires,
		 rec->tries, rec->used ? 1 : 0);
}

/*
 * Reads a canonical decimal of at most max_digits digits at *p (no sign,
 * no space, no leading zero), moving *p past it; 0 if there is none.
 */
static int record_number(const char **p, int max_digits,
			 unsigned long long *v)
{
	const char *s = *p;
	int n = 0;

	*v = 0;
	while (s[n] >= '0' && s[n] <= '9') {
		if (n == max_digits)
			return 0;
		*v = *v * 10 + (unsigned)(s[n] - '0');
		n++;
	}
	if (n == 0 || (n > 1 && s[0] == '0'))
		return 0;
	*p = s + n;
	return 1;
}

enum od_code join_record_parse(const char *text, struct join_record *rec,
			       struct od_err *err)
{
	unsigned long long expires, tries, used;
	const char *p = text;
	struct od_err ignore;
	char hex[65];
	size_t i;

	memset(rec, 0, sizeof *rec);
	/* Exactly what join_record_format writes: sscanf would also take
	 * signs, spaces, tabs and upper-case hex, and wrap "-1" tries to a
	 * huge count, so a record edited by hand could say two things. */
	if (strncmp(p, "v1 ", 3) != 0)
		goto bad;
	p += 3;
	for (i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		      (p[i] >= 'a' && p[i] <= 'f')))
			goto bad;
	memcpy(hex, p, 64);
	hex[64] = '\0';
	if (p[64] != ' ' || hex_decode("a join code's hash", hex, rec->hash,
				       32, &ignore) != OD_OK)
		goto bad;
	p += 65;
	if (!record_number(&p, 18, &expires) || *p++ != ' ' ||
	    !record_number(&p, 9, &tries) || *p++ != ' ' ||
	    !record_number(&p, 1, &used) || used > 1 || *p != '\0')
		goto bad;
	rec->expires = (long long)expires;
	rec->tries = (unsigned)tries;
	rec->used = (int)used;
	return OD_OK;
bad:
	memset(rec, 0, sizeof *rec);
	return od_err_set(err, OD_E_TAMPERED, "a join code's record in "
			  "the backend's store is damaged");
}
