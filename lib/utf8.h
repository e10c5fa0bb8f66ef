/*
 * utf8.h - checking text that will be signed, stored and shown.
 *
 * Order data arrives from storefronts and import files that nobody here
 * controls.  Before any of it is signed it must be well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing past U+10FFFF) and free of anything
 * a terminal would act on instead of showing: C0 and C1 control characters
 * (which covers ESC and CSI, so every escape sequence), DEL, the Unicode line
 * and paragraph separators, and the bidirectional overrides and isolates that
 * can make text read differently from its bytes.
 */
#ifndef OD_UTF8_H
#define OD_UTF8_H

#include <stddef.h>

#include "lib/err.h"

/*
 * Checks that s[0..n) is one line of displayable UTF-8 text as above, at most
 * max_bytes long and, unless allow_empty, not empty.  On failure returns
 * OD_E_INPUT with a message naming what (the field name given by what) and
 * why, e.g. "customer name: contains a control character at byte 12"
 * (bytes counted from 1).  The message never quotes the text itself.
 */
enum od_code utf8_check_text(const char *what, const char *s, size_t n,
			     size_t max_bytes, int allow_empty,
			     struct od_err *err);

/*
 * Decodes one code point at s (n bytes available).  Returns its length in
 * bytes and sets *cp, or returns 0 for an invalid or truncated sequence.
 */
size_t utf8_decode(const char *s, size_t n, unsigned *cp);

/*
 * Columns the code point takes on a terminal: 0, 1 or 2 (CJK is 2).
 * Combining marks, zero-width and format characters, and the control
 * characters utf8_check_text refuses, are 0.
 */
int utf8_cp_width(unsigned cp);

/*
 * Writes cp (at most U+10FFFF) as UTF-8 to out and returns its length in
 * bytes, 1 to 4.  The inverse of utf8_decode.
 */
size_t utf8_encode(unsigned cp, char out[4]);

#endif
