/*
 * text-fold.h - the one way text is folded for search.
 *
 * An order's searchable text and every search query go through the same
 * fold, so that `GARCÍA`, `garcia` and `García` are one word to the desk
 * (storage/store-search.c indexes the folded text, app/desk/ and
 * `orderdesk list --search` fold the query).  The fold, in order:
 *
 *  1. full Unicode case folding with compatibility decomposition (NFKD),
 *     libunistring's u8_casefold: `ß` and `ẞ` become `ss`, `Σ` and final
 *     `ς` both become `σ`, `İ` becomes `i` plus a combining dot (dropped
 *     in step 2), fullwidth `ＡＢＣ` becomes `abc`, the ligature `ﬁ` `fi`;
 *  2. combining marks (category Mn) that follow a Latin, Greek or Cyrillic
 *     letter are dropped: these are the diacritics (`é` `ü` `å` `ñ` `ễ`
 *     fold to `e` `u` `a` `n` `e`).  Marks on other scripts are kept, as
 *     they are part of the letter: the voicing mark of kana (`が` is not
 *     `か`), Indic vowel signs, Hebrew and Arabic points;
 *  3. canonical composition (NFC), so that kana and Hangul come back whole
 *     and the text is as short as it can be (fewer trigrams to index).
 *
 * CJK ideographs are unchanged.  Letters that Unicode does not decompose
 * keep their identity: `ø` (and `Ø`, folded to `ø`), `æ`, `œ`, `ł`, `đ`,
 * `ı`: no hand-made table guesses that `Søren` should match `Soren`.
 */
#ifndef OD_TEXT_FOLD_H
#define OD_TEXT_FOLD_H

#include <stddef.h>

#include "lib/err.h"

/*
 * Folds the UTF-8 text s[0..n) as above.  On success *out is a new
 * NUL-terminated string (the caller frees it) of *out_len bytes.  Text that
 * is not valid UTF-8 gives OD_E_INPUT; no memory, OD_E_NOMEM.  Pure: the
 * same input always folds to the same output, whatever the locale.
 */
enum od_code text_fold(const char *s, size_t n, char **out, size_t *out_len,
		       struct od_err *err);

/* Code points in the UTF-8 text s[0..n) (which must be valid). */
size_t text_fold_chars(const char *s, size_t n);

#endif
