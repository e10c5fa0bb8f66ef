/* test-encode.c - hex and base64: known answers, round trips, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/encode.h"

/* RFC 4648 section 10 test vectors. */
static const struct {
	const char *in;
	const char *b64;
} b64_vectors[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

/* Encodes and decodes the RFC 4648 vectors both ways. */
static void test_b64_vectors(void **state)
{
	size_t i, n;
	char text[64];
	uint8_t out[64];
	struct od_err err;

	for (i = 0; i < sizeof b64_vectors / sizeof b64_vectors[0]; i++) {
		n = strlen(b64_vectors[i].in);
		assert_int_equal(b64_encoded_len(n), strlen(b64_vectors[i].b64));
		b64_encode((const uint8_t *)b64_vectors[i].in, n, text);
		assert_string_equal(text, b64_vectors[i].b64);
		memset(out, 0xaa, sizeof out);
		assert_int_equal(b64_decode("field", b64_vectors[i].b64,
					    strlen(b64_vectors[i].b64), out,
					    sizeof out, &n, &err), OD_OK);
		assert_int_equal(n, strlen(b64_vectors[i].in));
		assert_memory_equal(out, b64_vectors[i].in, n);
	}
}

/* Every length 0..70 of every byte pattern survives a round trip. */
static void test_b64_round_trip(void **state)
{
	uint8_t in[70], out[70];
	char text[100];
	size_t n, got, i;
	struct od_err err;

	for (i = 0; i < sizeof in; i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (n = 0; n <= sizeof in; n++) {
		b64_encode(in, n, text);
		assert_int_equal(strlen(text), b64_encoded_len(n));
		assert_int_equal(b64_decode("x", text, strlen(text), out, n,
					    &got, &err), OD_OK);
		assert_int_equal(got, n);
		assert_memory_equal(in, out, n);
	}
}

/* Inputs that a strict decoder must refuse. */
static const struct {
	const char *in;
	size_t cap;
	const char *why;
} b64_bad[] = {
	{ "Zg=", 16, "wrong length" },
	{ "Zg", 16, "missing padding" },
	{ "Zm9vYg", 16, "missing padding" },
	{ "Zh==", 16, "non-zero pad bits (one byte)" },
	{ "Zm9=", 16, "non-zero pad bits (two bytes)" },
	{ "Zg==Zg==", 16, "padding in the middle" },
	{ "Z===", 16, "three pad characters" },
	{ "====", 16, "only padding" },
	{ "Zm=v", 16, "pad before data" },
	{ "Zm9v\n", 16, "trailing newline" },
	{ "Zm 9v", 16, "space" },
	{ " Zm9v", 16, "leading space" },
	{ "Zm9v\r\nYmFy", 16, "line break" },
	{ "Zm9-", 16, "url-safe alphabet" },
	{ "Zm9_", 16, "url-safe alphabet" },
	{ "Zm9v*mFy", 16, "bad character" },
	{ "Zm9vYmFy", 5, "longer than the buffer" },
	{ "Zm8=", 1, "longer than the buffer" },
};

/* Each bad input gives OD_E_INPUT, names the field, leaves no length. */
static void test_b64_refusals(void **state)
{
	uint8_t out[16];
	size_t i, n;
	struct od_err err;

	for (i = 0; i < sizeof b64_bad / sizeof b64_bad[0]; i++) {
		n = 99;
		od_err_clear(&err);
		if (b64_decode("the salt", b64_bad[i].in, strlen(b64_bad[i].in),
			       out, b64_bad[i].cap, &n, &err) != OD_E_INPUT)
			fail_msg("accepted %s: \"%s\"", b64_bad[i].why,
				 b64_bad[i].in);
		assert_int_equal(err.code, OD_E_INPUT);
		assert_non_null(strstr(err.msg, "the salt"));
		assert_int_equal(n, 0);
	}
}

/* A NUL byte inside the counted length is refused, not a terminator. */
static void test_b64_embedded_nul(void **state)
{
	static const char in[] = { 'Z', 'm', '9', '\0', 'Z', 'm', '9', 'v' };
	uint8_t out[16];
	size_t n;
	struct od_err err;

	assert_int_equal(b64_decode("x", in, sizeof in, out, sizeof out, &n,
				    &err), OD_E_INPUT);
}

/* Hex encodes lower-case and decodes either case. */
static void test_hex_round_trip(void **state)
{
	static const uint8_t in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char text[2 * sizeof in + 1];
	uint8_t out[sizeof in];
	struct od_err err;

	hex_encode(in, sizeof in, text);
	assert_string_equal(text, "00017f80abff");
	assert_int_equal(hex_decode("x", text, out, sizeof out, &err), OD_OK);
	assert_memory_equal(in, out, sizeof in);
	assert_int_equal(hex_decode("x", "00017F80ABFF", out, sizeof out, &err),
			 OD_OK);
	assert_memory_equal(in, out, sizeof in);
	hex_encode(in, 0, text);
	assert_string_equal(text, "");
	assert_int_equal(hex_decode("x", "", out, 0, &err), OD_OK);
}

/* Hex inputs that must be refused for a 3-byte field. */
static const char *const hex_bad[] = {
	"",
	"00112",
	"0011223",
	"00112233",
	"00 112",
	" 001122",
	"001122\n",
	"0x0011",
	"00112g",
	"g01122",
	"+01122",
};

/* Each bad hex input gives OD_E_INPUT naming the field; out is wiped. */
static void test_hex_refusals(void **state)
{
	uint8_t out[3];
	size_t i;
	struct od_err err;

	for (i = 0; i < sizeof hex_bad / sizeof hex_bad[0]; i++) {
		memset(out, 0x55, sizeof out);
		od_err_clear(&err);
		if (hex_decode("the id", hex_bad[i], out, sizeof out, &err) !=
		    OD_E_INPUT)
			fail_msg("accepted \"%s\"", hex_bad[i]);
		assert_non_null(strstr(err.msg, "the id"));
		assert_int_equal(out[0] | out[1] | out[2], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_round_trip),
		cmocka_unit_test(test_b64_refusals),
		cmocka_unit_test(test_b64_embedded_nul),
		cmocka_unit_test(test_hex_round_trip),
		cmocka_unit_test(test_hex_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
