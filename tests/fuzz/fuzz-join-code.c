/*
 * fuzz-join-code.c - libFuzzer target for the one-time join code parsers
 * (app/log/join-code.c): what a person types (join_code_normalize) and the
 * backend's stored record of a code (join_record_parse).
 *
 * The first byte chooses the parser; the rest, cut at its first NUL, is
 * the text.  A normalized code is 20 characters of Crockford's alphabet,
 * normalizes to itself again, with or without its dashes, and hashes; a
 * refusal is OD_E_INPUT with a message and an empty code.  A record is
 * accepted only in exactly the form join_record_format writes: formatting
 * the parsed record gives back the same bytes.  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/join-code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Checks a typed code's normal form and that it is a fixed point. */
static void fuzz_code(const char *typed)
{
	char norm[JOIN_CODE_CHARS + 1], again[JOIN_CODE_CHARS + 1];
	char dashed[JOIN_CODE_LEN + 1], id[JOIN_CODE_ID_CHARS + 1];
	struct join_record rec;
	uint8_t hash[32];
	struct od_err err;
	size_t i, o = 0;

	if (join_code_normalize(typed, norm, &err) != OD_OK) {
		if (err.code != OD_E_INPUT || err.msg[0] == '\0' ||
		    norm[0] != '\0')
			abort();
		return;
	}
	if (strlen(norm) != JOIN_CODE_CHARS ||
	    strspn(norm, alphabet) != JOIN_CODE_CHARS)
		abort();
	for (i = 0; i < JOIN_CODE_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			dashed[o++] = '-';
		dashed[o++] = norm[i];
	}
	dashed[o] = '\0';
	if (join_code_normalize(norm, again, &err) != OD_OK ||
	    strcmp(again, norm) != 0 ||
	    join_code_normalize(dashed, again, &err) != OD_OK ||
	    strcmp(again, norm) != 0)
		abort();
	join_code_id(norm, id);
	if (strncmp(id, norm, JOIN_CODE_ID_CHARS) != 0 ||
	    strlen(id) != JOIN_CODE_ID_CHARS)
		abort();
	/* The code checks against a record of its own hash, once. */
	memset(&rec, 0, sizeof rec);
	if (join_code_hash(norm, hash, &err) != OD_OK)
		abort();
	memcpy(rec.hash, hash, sizeof hash);
	rec.expires = 100;
	if (join_code_check(&rec, norm, 99, &err) != OD_OK || rec.tries != 0)
		abort();
	rec.hash[0] ^= 1;
	if (join_code_check(&rec, norm, 99, &err) != OD_E_AUTH ||
	    rec.tries != 1)
		abort();
}

/* Checks that an accepted record is exactly its own formatted text. */
static void fuzz_record(const char *text)
{
	char out[JOIN_RECORD_MAX];
	struct join_record rec;
	struct od_err err;

	if (join_record_parse(text, &rec, &err) != OD_OK) {
		if (err.code != OD_E_TAMPERED || err.msg[0] == '\0')
			abort();
		return;
	}
	if (rec.expires < 0 || (rec.used != 0 && rec.used != 1))
		abort();
	join_record_format(&rec, out);
	if (strcmp(out, text) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size == 0)
		return 0;
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		fuzz_record(text);
	else
		fuzz_code(text);
	free(text);
	return 0;
}
