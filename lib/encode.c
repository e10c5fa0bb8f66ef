/*
 * encode.c - hex and base64, strict in both directions.
 *
 * Decoders accept exactly one spelling of each byte string (lower- or
 * upper-case hex aside): no whitespace, no missing or extra padding, no
 * non-zero pad bits.  A canonical form matters because these strings end up
 * inside signed and MACed data; two spellings of the same bytes would let a
 * file change without its bytes changing.  Error messages name the field,
 * never its content, which may be a key.
 */
#include "lib/encode.h"

#include "lib/secret.h"

static const char hex_digits[] = "0123456789abcdef";
static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void hex_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* The value of hex digit c, or -1 if c is not one. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum od_code hex_decode(const char *what, const char *in, uint8_t *out,
			size_t n, struct od_err *err)
{
	size_t i;
	int hi, lo;

	/* The NUL terminator is not a digit, so a short string stops here. */
	for (i = 0; i < n; i++) {
		hi = hex_value(in[2 * i]);
		if (hi < 0)
			goto bad;
		lo = hex_value(in[2 * i + 1]);
		if (lo < 0)
			goto bad;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (in[2 * n] != '\0')
		goto bad;
	return OD_OK;
bad:
	secret_wipe(out, n);
	return od_err_set(err, OD_E_INPUT,
			  "%s is not %zu hexadecimal digits", what, 2 * n);
}

size_t b64_encoded_len(size_t n)
{
	return (n / 3 + (n % 3 != 0)) * 4;
}

void b64_encode(const uint8_t *in, size_t n, char *out)
{
	uint32_t v;
	size_t i;
	char *o = out;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[v >> 12 & 0x3f];
		*o++ = b64_alphabet[v >> 6 & 0x3f];
		*o++ = b64_alphabet[v & 0x3f];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[v >> 12 & 0x3f];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[v >> 12 & 0x3f];
		*o++ = b64_alphabet[v >> 6 & 0x3f];
		*o++ = '=';
	}
	*o = '\0';
}

/* The 6-bit value of base64 character c, or -1 ('=' included). */
static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

enum od_code b64_decode(const char *what, const char *in, size_t len,
			uint8_t *out, size_t cap, size_t *out_len,
			struct od_err *err)
{
	size_t pad = 0, n, i, o = 0, groups;
	int d[4], k;
	uint32_t v;

	*out_len = 0;
	if (len % 4 != 0)
		return od_err_set(err, OD_E_INPUT,
				  "%s is not valid base64 (wrong length)", what);
	if (len > 0 && in[len - 1] == '=')
		pad = (len > 1 && in[len - 2] == '=') ? 2 : 1;
	n = len / 4 * 3 - pad;
	if (n > cap)
		return od_err_set(err, OD_E_INPUT,
				  "%s is too long (over %zu bytes)", what, cap);
	groups = len / 4;
	for (i = 0; i < groups; i++) {
		for (k = 0; k < 4; k++)
			d[k] = b64_value(in[4 * i + k]);
		/* Padding may only fill the last one or two places. */
		if (i == groups - 1 && pad > 0) {
			d[3] = d[3] < 0 ? 0 : -1;
			if (pad == 2)
				d[2] = d[2] < 0 ? 0 : -1;
		}
		if (d[0] < 0 || d[1] < 0 || d[2] < 0 || d[3] < 0)
			goto bad_char;
		v = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 |
		    (uint32_t)d[2] << 6 | (uint32_t)d[3];
		if (i == groups - 1 && pad == 2) {
			if ((v & 0xffff) != 0)
				goto bad_bits;
			out[o++] = (uint8_t)(v >> 16);
		} else if (i == groups - 1 && pad == 1) {
			if ((v & 0xff) != 0)
				goto bad_bits;
			out[o++] = (uint8_t)(v >> 16);
			out[o++] = (uint8_t)(v >> 8);
		} else {
			out[o++] = (uint8_t)(v >> 16);
			out[o++] = (uint8_t)(v >> 8);
			out[o++] = (uint8_t)v;
		}
	}
	*out_len = n;
	return OD_OK;
bad_char:
	secret_wipe(out, o);
	return od_err_set(err, OD_E_INPUT,
			  "%s is not valid base64 (bad character or padding)",
			  what);
bad_bits:
	secret_wipe(out, o);
	return od_err_set(err, OD_E_INPUT,
			  "%s is not canonical base64 (non-zero pad bits)", what);
}
