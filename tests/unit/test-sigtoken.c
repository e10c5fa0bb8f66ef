/*
 * test-sigtoken.c - Ed25519 keys on a PKCS#11 token (app/keys/sigtoken.h),
 * against a real SoftHSM2 token in a temporary SOFTHSM2_CONF.
 *
 * The token holds RFC 8032's first test key twice, once imported with
 * softhsm2-util (CKA_EC_PARAMS the OID 1.3.101.112, the point raw) and
 * once made with pkcs11-tool (the PrintableString "edwards25519", the
 * point in an OCTET STRING): both must give the RFC's public key and sign
 * the RFC's signature, byte for byte, so no verifier can tell a token's
 * signature from a seed's.  Without SoftHSM2 the token tests are skipped
 * with a TAP "ok - # skip" line that says so, never passed silently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/keys/sigkey.h"
#include "app/keys/sigtoken.h"
#include "lib/encode.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define PIN "314159"

static char dir[] = "/tmp/od-sigtoken.XXXXXX";
static int have_token;        /* SoftHSM2 and its tools are here */
static int pin_asked;         /* times the reader was called */
static const char *pin_given = PIN;

/* RFC 8032 section 7.1, TEST 1 (the empty message) and TEST 2. */
static const char seed1[] =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char pub1[] =
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char sig1[] =
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	struct od_err err;

	assert_int_equal(hex_decode("vector", hex, out, n, &err), OD_OK);
}

static enum od_code read_pin(void *ctx, const char *token, char **pin,
			     size_t *len, struct od_err *err)
{
	(void)ctx;
	(void)token;
	pin_asked++;
	*pin = strdup(pin_given);
	if (*pin == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	*len = strlen(*pin);
	return OD_OK;
}

static int run(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * A token "od" in a fresh SOFTHSM2_CONF holding RFC 8032's key as "rfc"
 * (imported: the OID, a raw point) and a pkcs11-tool key as "gen" (the
 * PrintableString).  Must run before GnuTLS loads any PKCS#11 module.
 */
static int make_token(void)
{
	static const char der_prefix[] = "302e020100300506032b657004220420";
	char cmd[1024], conf[256];
	uint8_t der[48];
	FILE *f;

	if (access(MODULE, R_OK) != 0 ||
	    system("command -v softhsm2-util pkcs11-tool openssl "
		   "> /dev/null") != 0 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(conf, sizeof conf, "%s/softhsm2.conf", dir);
	f = fopen(conf, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\n"
		"log.level = ERROR\n", dir);
	fclose(f);
	setenv("SOFTHSM2_CONF", conf, 1);
	unhex(der_prefix, der, 16);
	unhex(seed1, der + 16, 32);
	snprintf(cmd, sizeof cmd, "%s/k.der", dir);
	f = fopen(cmd, "wb");
	if (f == NULL || fwrite(der, 1, sizeof der, f) != sizeof der)
		return -1;
	fclose(f);
	snprintf(cmd, sizeof cmd,
		 "cd %s && softhsm2-util --init-token --free --label od "
		 "--pin " PIN " --so-pin 27182818 > /dev/null && "
		 "openssl pkey -inform DER -in k.der -out k.pem && "
		 "softhsm2-util --import k.pem --token od --label rfc --id 01 "
		 "--pin " PIN " > /dev/null && "
		 "pkcs11-tool --module " MODULE " --login --pin " PIN
		 " --keypairgen --key-type EC:edwards25519 --label gen "
		 "--id 02 > /dev/null 2>&1 && rm -f k.der k.pem", dir);
	return run(cmd);
}

/* The URIs and the curve's encodings are checked without a token. */
static void test_parse_pub(void **state)
{
	static const uint8_t oid[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };
	static const uint8_t name[] = { 0x13, 0x0c, 'e', 'd', 'w', 'a', 'r',
					'd', 's', '2', '5', '5', '1', '9' };
	static const uint8_t p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
					0x3d, 0x03, 0x01, 0x07 };
	uint8_t want[32], point[34], pub[32];
	struct od_err err;

	unhex(pub1, want, 32);
	point[0] = 0x04;
	point[1] = 32;
	memcpy(point + 2, want, 32);
	assert_int_equal(sigtoken_parse_pub(oid, 5, want, 32, pub, &err),
			 OD_OK);
	assert_memory_equal(pub, want, 32);
	memset(pub, 0, 32);
	assert_int_equal(sigtoken_parse_pub(name, 14, point, 34, pub, &err),
			 OD_OK);
	assert_memory_equal(pub, want, 32);
	assert_int_equal(sigtoken_parse_pub(oid, 5, point, 34, pub, &err),
			 OD_OK);
	assert_int_equal(sigtoken_parse_pub(p256, sizeof p256, want, 32, pub,
					    &err), OD_E_INPUT);
	assert_int_equal(sigtoken_parse_pub(name, 13, want, 32, pub, &err),
			 OD_E_INPUT);
	assert_int_equal(sigtoken_parse_pub(oid, 5, point, 33, pub, &err),
			 OD_E_INPUT);
	point[1] = 31;
	assert_int_equal(sigtoken_parse_pub(oid, 5, point, 34, pub, &err),
			 OD_E_INPUT);
}

static void test_check_uri(void **state)
{
	struct od_err err;

	assert_int_equal(sigtoken_check_uri("pkcs11:token=od;object=a", &err),
			 OD_OK);
	assert_int_equal(sigtoken_check_uri("/dev/hsm", &err), OD_E_USAGE);
	assert_int_equal(sigtoken_check_uri("pkcs11:token=od?pin-value=1",
					    &err), OD_E_USAGE);
	assert_non_null(strstr(err.msg, "PIN"));
	assert_int_equal(sigtoken_check_uri("pkcs11:token=od?module-path=/x",
					    &err), OD_E_USAGE);
	assert_int_equal(sigtoken_check_uri("pkcs11:token=od;object=a b",
					    &err), OD_E_USAGE);
}

/* Each encoding gives RFC 8032's key and signature, bit for bit. */
static void test_rfc_key_on_token(void **state)
{
	uint8_t want_pub[32], want_sig[64], pub[32], sig[64];
	struct sigkey_pub *p = NULL;
	struct sigkey *k = NULL;
	struct od_err err;

	unhex(pub1, want_pub, 32);
	unhex(sig1, want_sig, 64);
	pin_asked = 0;
	assert_int_equal(sigkey_from_token("pkcs11:token=od;object=rfc",
					   &k, &err), OD_OK);
	assert_true(sigkey_on_token(k));
	assert_int_equal(pin_asked, 0);         /* the public half: no PIN */
	sigkey_public(k, pub);
	assert_memory_equal(pub, want_pub, 32);
	assert_int_equal(sigkey_sign(k, "", 0, sig, &err), OD_OK);
	assert_memory_equal(sig, want_sig, 64);
	assert_int_equal(pin_asked, 1);
	assert_int_equal(sigkey_sign(k, "", 0, sig, &err), OD_OK);
	assert_int_equal(pin_asked, 1);         /* logged in: asked once */
	assert_int_equal(sigkey_pub_new(pub, &p, &err), OD_OK);
	assert_int_equal(sigkey_pub_verify(p, "", 0, sig, &err), OD_OK);
	assert_int_equal(sigkey_check(k, &err), OD_OK);
	sigkey_pub_free(p);
	sigkey_free(k);
}

/* pkcs11-tool's encoding; copies share the token; many sign alike. */
static void test_generated_key_many(void **state)
{
	static const char *const msgs[] = { "a", "bb", "ccc", "dddd", "e" };
	static const size_t lens[] = { 1, 2, 3, 4, 1 };
	uint8_t pub[32], sig[64], sigs[5][64];
	struct sigkey_pub *p = NULL;
	struct sigkey *k = NULL, *copy = NULL;
	struct od_err err;
	size_t i;

	assert_int_equal(sigkey_from_token("pkcs11:token=od;object=gen;"
					   "type=private", &k, &err), OD_OK);
	sigkey_public(k, pub);
	assert_int_equal(sigkey_pub_new(pub, &p, &err), OD_OK);
	assert_int_equal(sigkey_dup(k, &copy, &err), OD_OK);
	assert_int_equal(sigkey_sign(copy, "x", 1, sig, &err), OD_OK);
	assert_int_equal(sigkey_pub_verify(p, "x", 1, sig, &err), OD_OK);
	sigkey_free(copy);
	assert_int_equal(sigkey_sign_many(k, msgs, lens, 5, sigs, &err),
			 OD_OK);
	for (i = 0; i < 5; i++) {
		assert_int_equal(sigkey_pub_verify(p, msgs[i], lens[i],
						   sigs[i], &err), OD_OK);
		assert_int_equal(sigkey_sign(k, msgs[i], lens[i], sig, &err),
				 OD_OK);
		assert_memory_equal(sig, sigs[i], 64);
	}
	sigkey_pub_free(p);
	sigkey_free(k);
}

/* A wrong PIN: OD_E_AUTH, asked once (no retry), nothing signed. */
static void test_wrong_pin(void **state)
{
	uint8_t sig[64], zero[64] = { 0 };
	struct sigkey *k = NULL;
	struct od_err err;

	/* A fresh process's token is not logged in; log out this one's by
	 * closing every session (the last key freed). */
	pin_given = "000000";
	pin_asked = 0;
	memset(sig, 0, sizeof sig);
	assert_int_equal(sigkey_from_token("pkcs11:token=od;object=rfc",
					   &k, &err), OD_OK);
	assert_int_equal(sigkey_sign(k, "m", 1, sig, &err), OD_E_AUTH);
	assert_non_null(strstr(err.msg, "wrong PIN"));
	assert_non_null(strstr(err.msg, "object=rfc"));
	assert_int_equal(pin_asked, 1);
	assert_memory_equal(sig, zero, 64);
	pin_given = PIN;
	assert_int_equal(sigkey_sign(k, "m", 1, sig, &err), OD_OK);
	sigkey_free(k);
}

/* A token, or a key, that is not there: one message naming the URI. */
static void test_missing(void **state)
{
	struct sigkey *k = NULL;
	struct od_err err;

	assert_int_equal(sigkey_from_token("pkcs11:token=gone;object=rfc",
					   &k, &err), OD_E_NOTFOUND);
	assert_null(k);
	assert_non_null(strstr(err.msg, "pkcs11:token=gone;object=rfc"));
	assert_non_null(strstr(err.msg, "plug in"));
	assert_int_equal(sigkey_from_token("pkcs11:token=od;object=none",
					   &k, &err), OD_E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest plain[] = {
		cmocka_unit_test(test_parse_pub),
		cmocka_unit_test(test_check_uri),
	};
	const struct CMUnitTest token[] = {
		cmocka_unit_test(test_wrong_pin),
		cmocka_unit_test(test_rfc_key_on_token),
		cmocka_unit_test(test_generated_key_many),
		cmocka_unit_test(test_missing),
	};
	char cmd[128];
	int rc;

	have_token = make_token() == 0;
	sigtoken_set_pin_reader(read_pin, NULL);
	rc = cmocka_run_group_tests(plain, NULL, NULL);
	/* cmocka's skip() writes "not ok # SKIP", which tests/run.sh counts
	 * as a failure; a token test that cannot run says so as TAP's skip. */
	if (have_token)
		rc |= cmocka_run_group_tests(token, NULL, NULL);
	else
		printf("ok - # skip %zu token tests: SoftHSM2, pkcs11-tool or "
		       "openssl is missing (.ci/deps installs them)\n",
		       sizeof token / sizeof token[0]);
	if (strchr(dir, 'X') == NULL) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		run(cmd);
	}
	return rc;
}
