/* text-fold.c - folding case and diacritics for search (libunistring). */
#include "lib/text-fold.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* Whether marks after uc are diacritics to drop (see text-fold.h). */
static int drops_marks_after(ucs4_t uc)
{
	const uc_script_t *sc = uc_script(uc);

	return sc != NULL && (strcmp(sc->name, "Latin") == 0 ||
			      strcmp(sc->name, "Greek") == 0 ||
			      strcmp(sc->name, "Cyrillic") == 0);
}

/* Drops the diacritics from decomposed text in place; returns its length. */
static size_t drop_diacritics(uint8_t *s, size_t n)
{
	size_t r = 0, w = 0;
	int drop = 0;

	while (r < n) {
		ucs4_t uc;
		int k = u8_mbtouc_unsafe(&uc, s + r, n - r);

		if (!uc_is_general_category(uc, UC_NON_SPACING_MARK))
			drop = drops_marks_after(uc);
		else if (drop) {
			r += (size_t)k;
			continue;
		}
		memmove(s + w, s + r, (size_t)k);
		w += (size_t)k;
		r += (size_t)k;
	}
	return w;
}

/*
 * Folds one run of text s[0..n) (valid UTF-8, n > 0) the whole way: case,
 * diacritics, composition.  *out is new (NUL-terminated), or NULL when
 * memory ran out.
 */
static uint8_t *fold_run(const uint8_t *s, size_t n, size_t *out_len)
{
	uint8_t *dec, *nfc = NULL, *out;
	size_t dlen = 0, clen = 0;

	dec = u8_casefold(s, n, NULL, UNINORM_NFKD, NULL, &dlen);
	if (dec == NULL)
		return NULL;
	dlen = drop_diacritics(dec, dlen);
	/* All marks dropped from nothing but marks: nothing to compose. */
	if (dlen > 0 && (nfc = u8_normalize(UNINORM_NFC, dec, dlen, NULL,
					    &clen)) == NULL) {
		free(dec);
		return NULL;
	}
	out = malloc(clen + 1);
	if (out != NULL && clen > 0)
		memcpy(out, nfc, clen);
	if (out != NULL)
		out[clen] = '\0';
	*out_len = clen;
	free(dec);
	free(nfc);
	return out;
}

/* Whether s[0..n) is all ASCII. */
static int ascii(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Folds line s[0..n) onto o at *w; o (*cap bytes) keeps room for rest more
 * bytes of ASCII and the NUL after it.  ASCII folds to its lower case,
 * which is what the whole fold makes of it, without the cost of
 * normalizing; other text takes the whole way.
 */
static enum od_code fold_line(const uint8_t *s, size_t n, size_t rest,
			      uint8_t **o, size_t *cap, size_t *w)
{
	uint8_t *run, *grown;
	size_t len = 0, i;

	if (ascii(s, n)) {
		for (i = 0; i < n; i++)
			(*o)[(*w)++] = (uint8_t)(s[i] >= 'A' && s[i] <= 'Z' ?
						 s[i] + 32 : s[i]);
		return OD_OK;
	}
	run = fold_run(s, n, &len);
	if (run == NULL)
		return OD_E_NOMEM;
	/* A fold may grow (ß is ss): room for it and what follows. */
	if (*w + len + rest + 1 > *cap) {
		grown = realloc(*o, *w + len + rest + 1);
		if (grown == NULL) {
			free(run);
			return OD_E_NOMEM;
		}
		*o = grown;
		*cap = *w + len + rest + 1;
	}
	memcpy(*o + *w, run, len);
	*w += len;
	free(run);
	return OD_OK;
}

/*
 * Line by line: a newline is a boundary no step of the fold crosses (it
 * folds to itself, is no mark, and neither decomposes nor composes with a
 * neighbour, and case folding takes no context), so folding each line
 * apart gives the fold of the whole; an order's searchable text is one
 * field a line, most of them ASCII.
 */
enum od_code text_fold(const char *s, size_t n, char **out, size_t *out_len,
		       struct od_err *err)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + n, *nl;
	size_t cap = n + 1, w = 0, line;
	uint8_t *o;

	*out = NULL;
	*out_len = 0;
	if (u8_check(p, n) != NULL)
		return od_err_set(err, OD_E_INPUT, "the text to search is not "
				  "valid UTF-8; type it again");
	o = malloc(cap);
	while (o != NULL && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		line = (size_t)((nl != NULL ? nl : end) - p);
		if (fold_line(p, line, (size_t)(end - p) - line, &o, &cap,
			      &w) != OD_OK) {
			free(o);
			o = NULL;
			break;
		}
		if (nl != NULL)
			o[w++] = '\n';
		p += line + (nl != NULL);
	}
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	o[w] = '\0';
	*out = (char *)o;
	*out_len = w;
	return OD_OK;
}

size_t text_fold_chars(const char *s, size_t n)
{
	return u8_mbsnlen((const uint8_t *)s, n);
}
