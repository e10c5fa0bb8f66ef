/* encode.h - hex and base64, strict in both directions. */
#ifndef OD_ENCODE_H
#define OD_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* Writes 2*n lower-case hex digits and a NUL to out (size 2*n+1). */
void hex_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decodes exactly 2*n hex digits from in (no more, no less, either case)
 * into out[n].  Anything else gives OD_E_INPUT naming what.
 */
enum od_code hex_decode(const char *what, const char *in, uint8_t *out,
			size_t n, struct od_err *err);

/* Length of the base64 text for n bytes, without the NUL. */
size_t b64_encoded_len(size_t n);

/* Writes standard base64 with padding and a NUL to out. */
void b64_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decodes canonical padded base64 (no whitespace, zero pad bits) from
 * in[0..len) into out, which has room for cap bytes; *out_len gets the
 * decoded length.  Anything else gives OD_E_INPUT naming what.
 */
enum od_code b64_decode(const char *what, const char *in, size_t len,
			uint8_t *out, size_t cap, size_t *out_len,
			struct od_err *err);

#endif
