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

enum od_code text_fold(const char *s, size_t n, char **out, size_t *out_len,
		       struct od_err *err)
{
	uint8_t *dec = NULL, *nfc = NULL;
	size_t dlen = 0, clen = 0;
	enum od_code rc = OD_OK;

	*out = NULL;
	*out_len = 0;
	if (u8_check((const uint8_t *)s, n) != NULL)
		return od_err_set(err, OD_E_INPUT, "the text to search is not "
				  "valid UTF-8; type it again");
	if (n == 0) {
		*out = calloc(1, 1);
		return *out ? OD_OK : od_err_set(err, OD_E_NOMEM,
						 "out of memory");
	}
	dec = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFKD, NULL,
			  &dlen);
	if (dec != NULL)
		dlen = drop_diacritics(dec, dlen);
	/* All marks dropped from nothing but marks: nothing to compose. */
	if (dec != NULL && dlen > 0)
		nfc = u8_normalize(UNINORM_NFC, dec, dlen, NULL, &clen);
	if (dec == NULL || (dlen > 0 && nfc == NULL)) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	*out = malloc(clen + 1);
	if (*out == NULL) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	if (clen > 0)
		memcpy(*out, nfc, clen);
	(*out)[clen] = '\0';
	*out_len = clen;
out:
	free(dec);
	free(nfc);
	return rc;
}

size_t text_fold_chars(const char *s, size_t n)
{
	return u8_mbsnlen((const uint8_t *)s, n);
}
