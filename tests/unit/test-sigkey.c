/*
 * test-sigkey.c - Ed25519 keys: RFC 8032 vectors, tampering, weak public
 * keys, and interoperability with the openssl command-line tool.
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
#include "lib/encode.h"

/* Decodes a hex test constant, failing the test if it is malformed. */
static void unhex(const char *hex, uint8_t *out, size_t n)
{
	struct od_err err;

	assert_int_equal(hex_decode("vector", hex, out, n, &err), OD_OK);
}

/* RFC 8032 section 7.1, TESTs 1-3. */
static const struct {
	const char *seed, *pub, *msg, *sig;
} rfc8032[] = {
	{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	  "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	  "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	  "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

/* Seed gives the RFC's public key and signature; the signature verifies. */
static void test_rfc8032_vectors(void **state)
{
	uint8_t seed[32], pub[32], want_pub[32], sig[64], want_sig[64];
	uint8_t msg[8];
	size_t i, mlen;
	struct sigkey *k;
	struct sigkey_pub *p;
	struct od_err err;

	for (i = 0; i < sizeof rfc8032 / sizeof rfc8032[0]; i++) {
		unhex(rfc8032[i].seed, seed, 32);
		unhex(rfc8032[i].pub, want_pub, 32);
		unhex(rfc8032[i].sig, want_sig, 64);
		mlen = strlen(rfc8032[i].msg) / 2;
		unhex(rfc8032[i].msg, msg, mlen);

		assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
		sigkey_public(k, pub);
		assert_memory_equal(pub, want_pub, 32);
		assert_int_equal(sigkey_sign(k, msg, mlen, sig, &err), OD_OK);
		assert_memory_equal(sig, want_sig, 64);
		sigkey_free(k);

		assert_int_equal(sigkey_pub_new(want_pub, &p, &err), OD_OK);
		assert_int_equal(sigkey_pub_verify(p, msg, mlen, want_sig,
						   &err), OD_OK);
		sigkey_pub_free(p);
	}
}

/* A fresh key signs; every flipped bit of message or signature is caught. */
static void test_sign_verify_tamper(void **state)
{
	static const char msg[] = "orderdesk-statement/1\nid: 5f0c\n";
	uint8_t seed[32], pub[32], sig[64], bad[64];
	char m2[sizeof msg];
	struct sigkey *k;
	struct sigkey_pub *p;
	struct od_err err;
	size_t bit;

	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
	sigkey_public(k, pub);
	assert_int_equal(sigkey_sign(k, msg, strlen(msg), sig, &err), OD_OK);
	assert_int_equal(sigkey_pub_new(pub, &p, &err), OD_OK);
	assert_int_equal(sigkey_pub_verify(p, msg, strlen(msg), sig, &err),
			 OD_OK);

	for (bit = 0; bit < 8 * sizeof bad; bit++) {
		memcpy(bad, sig, sizeof bad);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(sigkey_pub_verify(p, msg, strlen(msg), bad,
						   &err), OD_E_TAMPERED);
	}
	for (bit = 0; bit < 8 * strlen(msg); bit++) {
		memcpy(m2, msg, sizeof m2);
		m2[bit / 8] ^= (char)(1u << (bit % 8));
		assert_int_equal(sigkey_pub_verify(p, m2, strlen(msg), sig,
						   &err), OD_E_TAMPERED);
	}
	/* One byte more or less is a different message too. */
	assert_int_equal(sigkey_pub_verify(p, msg, strlen(msg) - 1, sig, &err),
			 OD_E_TAMPERED);
	assert_int_equal(sigkey_pub_verify(p, msg, strlen(msg) + 1, sig, &err),
			 OD_E_TAMPERED);
	sigkey_pub_free(p);
	sigkey_free(k);
}

/* A signature by one key does not verify under another. */
static void test_wrong_key(void **state)
{
	uint8_t seed[32], pub[32], sig[64];
	struct sigkey *a, *b;
	struct sigkey_pub *pb;
	struct od_err err;

	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &a, &err), OD_OK);
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &b, &err), OD_OK);
	sigkey_public(b, pub);
	assert_int_equal(sigkey_pub_new(pub, &pb, &err), OD_OK);
	assert_int_equal(sigkey_sign(a, "x", 1, sig, &err), OD_OK);
	assert_int_equal(sigkey_pub_verify(pb, "x", 1, sig, &err),
			 OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "signature"));
	sigkey_pub_free(pb);
	sigkey_free(a);
	sigkey_free(b);
}

/* S + L (the group order) is the same signature spelled otherwise: refused. */
static void test_malleable_s_refused(void **state)
{
	static const uint8_t order[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	uint8_t pub[32], sig[64];
	struct sigkey_pub *p;
	struct od_err err;
	unsigned carry = 0, v;
	int i;

	unhex(rfc8032[0].pub, pub, 32);
	unhex(rfc8032[0].sig, sig, 64);
	for (i = 0; i < 32; i++) {
		v = sig[32 + i] + order[i] + carry;
		sig[32 + i] = (uint8_t)v;
		carry = v >> 8;
	}
	assert_int_equal(sigkey_pub_new(pub, &p, &err), OD_OK);
	assert_int_equal(sigkey_pub_verify(p, "", 0, sig, &err), OD_E_TAMPERED);
	sigkey_pub_free(p);
}

/*
 * Public keys checked against an independent Python model of RFC 8032
 * decoding: points, non-points, non-canonical y, and small-order points.
 */
static const struct {
	const char *pub;
	int ok;
} pubs[] = {
	/* valid points (the last has a torsion part but is not weak) */
	{ "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", 1 },
	{ "8cb610900f9e347fae886dc6507795ec745c4c3fcb2eb2c73e14934c867ee057", 1 },
	{ "94cc7411d717f14579b2aa100fbbb34fa593feaed27248b762e3ab5805f0765a", 1 },
	{ "2b9c1d7e0f37c44921bd3f6564eadf7f142a72668c47e223d16edd8c47b46afc", 1 },
	{ "57990d1a0091268919f25d9d0612df359d6026a240f4589a5d791f1dd97cfefa", 1 },
	{ "5516cdf2f8b8657666bef215b9282bfe20072697e777cea7259cd398fa79a8ef", 1 },
	{ "59278c8c210503ccf8b9a61a86bfef236ffcdf31d3df360740364a803dc39653", 1 },
	{ "01c6cc262c24799eb91e8e0f53ae84878e7bc8c61be28f0e3f30460ac5198173", 1 },
	{ "8f07c2e4e91071539cf9819b8333b146738288ce7a81f13fb285e0e0f1ed42ec", 1 },
	{ "3b5b475c4b82dd1572799fc546f4c6c03e478c6654aa4c7f945b347ea32af60d", 1 },
	/* not on the curve */
	{ "52f22665a60c12d289185d950ee8813609166f6b113d178d6c0fd3901ff239a1", 0 },
	{ "a095f20f9395650cf9380b8edb224a6b248a1e924e8fd0ae2e1a9492a3305f18", 0 },
	{ "ba72499bfa121e836b2ac15726ee7d6b0af6ab13c38e92cae0d15057b159987f", 0 },
	{ "5baee261f53b26152d263ba83b037cd4962e434801256b885e9c9051f320b0db", 0 },
	{ "83f39ea7adbd0d74e6dec7f3dfaecc8f646566641a7ba2660f3011fc3570291c", 0 },
	{ "777a7b4f15241abf57bd437ad4b129840534f3f3875c25b08bea06c2874cfaa4", 0 },
	{ "dd17b2d842845de82a5bc539888ac78054a2399ccfc9fcc2da31ce3dd166bdcd", 0 },
	{ "3a33847e5bbb07fd07ca47784231b19af45872ceefb9fc59f4f95d14381a3a78", 0 },
	/* y >= p: not canonical */
	{ "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 0 },
	{ "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 0 },
	{ "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0 },
	/* x = 0 with the sign bit set */
	{ "0100000000000000000000000000000000000000000000000000000000000080", 0 },
	/* small order: 1, 2, 4, 8 */
	{ "0100000000000000000000000000000000000000000000000000000000000000", 0 },
	{ "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 0 },
	{ "0000000000000000000000000000000000000000000000000000000000000000", 0 },
	{ "0000000000000000000000000000000000000000000000000000000000000080", 0 },
	{ "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", 0 },
	{ "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", 0 },
	{ "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", 0 },
	{ "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", 0 },
};

/* Each key is accepted or refused (OD_E_INPUT) as the model says. */
static void test_public_key_checks(void **state)
{
	uint8_t pub[32];
	char fp[SIGKEY_FP_LEN + 1], *pem;
	struct sigkey_pub *p;
	struct od_err err;
	enum od_code want;
	size_t i;

	for (i = 0; i < sizeof pubs / sizeof pubs[0]; i++) {
		unhex(pubs[i].pub, pub, 32);
		want = pubs[i].ok ? OD_OK : OD_E_INPUT;
		p = (struct sigkey_pub *)&p;
		if (sigkey_pub_new(pub, &p, &err) != want)
			fail_msg("public key %s: expected %s", pubs[i].pub,
				 pubs[i].ok ? "accepted" : "refused");
		if (!pubs[i].ok)
			assert_null(p);
		sigkey_pub_free(p);
		assert_int_equal(sigkey_fingerprint(pub, fp, &err), want);
		pem = (char *)&pem;
		assert_int_equal(sigkey_pem(pub, &pem, &err), want);
		if (!pubs[i].ok)
			assert_null(pem);
		free(pem);
	}
}

/* Keys made from random seeds are always accepted. */
static void test_generated_keys_accepted(void **state)
{
	uint8_t seed[32], pub[32];
	struct sigkey *k;
	struct sigkey_pub *p;
	struct od_err err;
	int i;

	for (i = 0; i < 64; i++) {
		assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
		assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
		sigkey_public(k, pub);
		assert_int_equal(sigkey_pub_new(pub, &p, &err), OD_OK);
		sigkey_pub_free(p);
		sigkey_free(k);
	}
}

/* Runs cmd through the shell and returns its first output line (or ""). */
static int run_line(const char *cmd, char *line, size_t n)
{
	FILE *f = popen(cmd, "r");

	line[0] = '\0';
	if (f == NULL)
		return -1;
	if (fgets(line, (int)n, f) == NULL)
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return pclose(f);
}

/* Writes n bytes to path, failing the test on error. */
static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/*
 * openssl verifies our signature with our PEM, refuses a tampered message,
 * and computes the same fingerprint from the PEM.
 */
static void test_openssl_interop(void **state)
{
	static const char msg[] = "kind: shipment.confirm\norder: 1042\n";
	char dir[] = "/tmp/test-sigkey-XXXXXX";
	char key[64], mpath[64], spath[64], cmd[512], line[256];
	char fp[SIGKEY_FP_LEN + 1], *pem;
	uint8_t seed[32], pub[32], sig[64];
	struct sigkey *k;
	struct od_err err;

	if (system("command -v openssl >/dev/null 2>&1") != 0) {
		print_message("openssl not found: interop test skipped\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof key, "%s/key.pem", dir);
	snprintf(mpath, sizeof mpath, "%s/msg", dir);
	snprintf(spath, sizeof spath, "%s/sig", dir);

	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
	sigkey_public(k, pub);
	assert_int_equal(sigkey_sign(k, msg, strlen(msg), sig, &err), OD_OK);
	assert_int_equal(sigkey_pem(pub, &pem, &err), OD_OK);
	assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----"));
	write_file(key, pem, strlen(pem));
	write_file(mpath, msg, strlen(msg));
	write_file(spath, sig, sizeof sig);
	free(pem);

	snprintf(cmd, sizeof cmd, "openssl pkeyutl -verify -pubin -inkey %s "
		 "-rawin -in %s -sigfile %s 2>&1", key, mpath, spath);
	assert_int_equal(run_line(cmd, line, sizeof line), 0);
	assert_string_equal(line, "Signature Verified Successfully");

	write_file(mpath, "kind: shipment.confirm\norder: 1043\n",
		   strlen(msg));
	assert_int_not_equal(run_line(cmd, line, sizeof line), 0);

	assert_int_equal(sigkey_fingerprint(pub, fp, &err), OD_OK);
	assert_int_equal(strlen(fp), SIGKEY_FP_LEN);
	snprintf(cmd, sizeof cmd, "openssl pkey -pubin -in %s -outform DER "
		 "| sha256sum", key);
	assert_int_equal(run_line(cmd, line, sizeof line), 0);
	line[64] = '\0';
	assert_memory_equal(fp, "sha256:", 7);
	assert_string_equal(fp + 7, line);

	/* And openssl's own signature verifies with our code. */
	snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm ed25519 "
		 "-out %s/o.pem 2>/dev/null && openssl pkey -in %s/o.pem "
		 "-pubout -outform DER 2>/dev/null | tail -c 32 | od -An -tx1 "
		 "| tr -d ' \\n'", dir, dir);
	assert_int_equal(run_line(cmd, line, sizeof line), 0);
	unhex(line, pub, 32);
	snprintf(cmd, sizeof cmd, "openssl pkeyutl -sign -inkey %s/o.pem "
		 "-rawin -in %s -out %s && od -An -tx1 %s | tr -d ' \\n'",
		 dir, mpath, spath, spath);
	assert_int_equal(run_line(cmd, line, sizeof line), 0);
	unhex(line, sig, 64);
	{
		struct sigkey_pub *p;

		assert_int_equal(sigkey_pub_new(pub, &p, &err), OD_OK);
		assert_int_equal(sigkey_pub_verify(p, "kind: shipment.confirm\n"
						   "order: 1043\n", strlen(msg),
						   sig, &err), OD_OK);
		assert_int_equal(sigkey_pub_verify(p, msg, strlen(msg), sig,
						   &err), OD_E_TAMPERED);
		sigkey_pub_free(p);
	}

	sigkey_free(k);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * The fingerprint of the RFC 8032 TEST 1 key, from
 *   openssl pkey -pubin -inform DER -in t1.der -outform DER | sha256sum
 * with t1.der the SPKI header 302a300506032b6570032100 and the key.
 */
#define FP_TEST1 "sha256:06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9"

/* A known key has the fingerprint openssl computes for it. */
/*
 * sigkey_sign_many and a sigkey_dup copy give exactly sigkey_sign's
 * signatures (Ed25519 is deterministic), for batches too small and large
 * enough to be shared between threads.
 */
static void test_sign_many(void **state)
{
	static const size_t sizes[] = { 0, 1, 7, 16, 33, 200 };
	uint8_t seed[SIGKEY_SEED_LEN], one[SIGKEY_SIG_LEN];
	uint8_t (*sigs)[SIGKEY_SIG_LEN] = calloc(200, sizeof *sigs);
	char (*texts)[32] = calloc(200, sizeof *texts);
	const char *msgs[200];
	size_t lens[200], i, k;
	struct sigkey *key = NULL, *copy = NULL;
	struct od_err err;

	assert_non_null(sigs);
	assert_non_null(texts);
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &key, &err), OD_OK);
	assert_int_equal(sigkey_dup(key, &copy, &err), OD_OK);
	for (i = 0; i < 200; i++) {
		lens[i] = (size_t)snprintf(texts[i], sizeof texts[i],
					   "statement %zu", i);
		msgs[i] = texts[i];
	}
	for (k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		memset(sigs, 0, 200 * sizeof *sigs);
		assert_int_equal(sigkey_sign_many(key, msgs, lens, sizes[k],
						  sigs, &err), OD_OK);
		for (i = 0; i < sizes[k]; i++) {
			assert_int_equal(sigkey_sign(key, msgs[i], lens[i], one,
						     &err), OD_OK);
			assert_memory_equal(sigs[i], one, SIGKEY_SIG_LEN);
			assert_int_equal(sigkey_sign(copy, msgs[i], lens[i],
						     one, &err), OD_OK);
			assert_memory_equal(sigs[i], one, SIGKEY_SIG_LEN);
		}
		/* Nothing past n is written. */
		for (i = sizes[k]; i < 200; i++)
			assert_int_equal(sigs[i][0] | sigs[i][63], 0);
	}
	sigkey_free(copy);
	sigkey_free(key);
	free(sigs);
	free(texts);
}

/*
 * sigkey_verify_many gives, signature by signature, sigkey_pub_verify's
 * verdict: two signers mixed, altered signatures and texts, a key that is
 * not a point, for batches too small and large enough to share.  So does
 * the verify pipe, asked in order or backwards, and it ends cleanly with
 * verdicts never asked for.
 */
static void test_verify_many(void **state)
{
	static const size_t sizes[] = { 0, 1, 7, 16, 200 };
	uint8_t seed[SIGKEY_SEED_LEN], pub[2][SIGKEY_PUB_LEN];
	uint8_t (*sigs)[SIGKEY_SIG_LEN] = calloc(200, sizeof *sigs);
	uint8_t (*keys_of)[SIGKEY_PUB_LEN] = calloc(200, sizeof *keys_of);
	char (*texts)[32] = calloc(200, sizeof *texts);
	unsigned char ok[200];
	const char *msgs[200];
	size_t lens[200], i, j, k, good;
	struct sigkey *key[2] = { NULL, NULL };
	struct sigkey_vpipe *vp;
	struct sigkey_pub *p;
	struct od_err err;

	assert_non_null(sigs);
	assert_non_null(keys_of);
	assert_non_null(texts);
	for (i = 0; i < 2; i++) {
		assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
		assert_int_equal(sigkey_from_seed(seed, &key[i], &err), OD_OK);
		sigkey_public(key[i], pub[i]);
	}
	for (i = 0; i < 200; i++) {
		lens[i] = (size_t)snprintf(texts[i], sizeof texts[i],
					   "statement %zu", i);
		msgs[i] = texts[i];
		memcpy(keys_of[i], pub[i % 3 == 0], SIGKEY_PUB_LEN);
		assert_int_equal(sigkey_sign(key[i % 3 == 0], msgs[i],
					     lens[i], sigs[i], &err), OD_OK);
		if (i % 7 == 3)
			sigs[i][i % SIGKEY_SIG_LEN] ^= 0x20;
		if (i % 11 == 5)
			texts[i][0] = 'S';
		if (i % 13 == 6)
			memcpy(keys_of[i], pub[i % 3 != 0], SIGKEY_PUB_LEN);
		if (i == 150)
			memset(keys_of[i], 0, SIGKEY_PUB_LEN); /* small order */
	}
	for (k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		memset(ok, 0xff, sizeof ok);
		sigkey_verify_many((const uint8_t (*)[SIGKEY_PUB_LEN])keys_of,
				   msgs, lens,
				   (const uint8_t (*)[SIGKEY_SIG_LEN])sigs,
				   sizes[k], ok);
		for (i = 0, good = 0; i < sizes[k]; i++) {
			enum od_code want = sigkey_pub_new(keys_of[i], &p, &err);

			if (want == OD_OK)
				want = sigkey_pub_verify(p, msgs[i], lens[i],
							 sigs[i], &err);
			sigkey_pub_free(p);
			assert_int_equal(ok[i], want == OD_OK);
			good += ok[i];
		}
		/* The batch mixes both verdicts; nothing past n is written. */
		if (sizes[k] == 200)
			assert_true(good > 100 && good < 190);
		for (i = sizes[k]; i < 200; i++)
			assert_int_equal(ok[i], 0xff);
		sigkey_vpipe_start((const uint8_t (*)[SIGKEY_PUB_LEN])keys_of,
				   msgs, lens,
				   (const uint8_t (*)[SIGKEY_SIG_LEN])sigs,
				   sizes[k], &vp);
		assert_non_null(vp);
		for (i = 0; i < sizes[k] && i < 150; i++) {
			j = k % 2 ? sizes[k] - 1 - i : i;
			assert_int_equal(sigkey_vpipe_wait(vp, j), ok[j]);
		}
		assert_int_equal(sigkey_vpipe_wait(vp, sizes[k]), 0);
		sigkey_vpipe_end(vp);
	}
	sigkey_free(key[0]);
	sigkey_free(key[1]);
	free(sigs);
	free(keys_of);
	free(texts);
}

/*
 * A pipe gives each signature whatever order they are asked for in, and
 * ends cleanly with messages never asked for (a batch refused midway).
 */
static void test_sign_pipe(void **state)
{
	uint8_t seed[SIGKEY_SEED_LEN], one[SIGKEY_SIG_LEN];
	uint8_t (*sigs)[SIGKEY_SIG_LEN] = calloc(100, sizeof *sigs);
	char (*texts)[32] = calloc(100, sizeof *texts);
	const char *msgs[100];
	size_t lens[100], i;
	struct sigkey *key = NULL;
	struct sigkey_pipe *p = NULL;
	struct od_err err;

	assert_non_null(sigs);
	assert_non_null(texts);
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &key, &err), OD_OK);
	for (i = 0; i < 100; i++) {
		lens[i] = (size_t)snprintf(texts[i], sizeof texts[i],
					   "entry %zu", i);
		msgs[i] = texts[i];
	}
	assert_int_equal(sigkey_pipe_start(key, msgs, lens, 100, sigs, &p,
					   &err), OD_OK);
	for (i = 100; i-- > 0;) {
		assert_int_equal(sigkey_pipe_wait(p, i, &err), OD_OK);
		assert_int_equal(sigkey_sign(key, msgs[i], lens[i], one, &err),
				 OD_OK);
		assert_memory_equal(sigs[i], one, SIGKEY_SIG_LEN);
	}
	assert_int_not_equal(sigkey_pipe_wait(p, 100, &err), OD_OK);
	sigkey_pipe_end(p);

	/* Two asked for, then the end: nothing hangs or leaks. */
	assert_int_equal(sigkey_pipe_start(key, msgs, lens, 100, sigs, &p,
					   &err), OD_OK);
	assert_int_equal(sigkey_pipe_wait(p, 0, &err), OD_OK);
	assert_int_equal(sigkey_pipe_wait(p, 1, &err), OD_OK);
	sigkey_pipe_end(p);
	sigkey_free(key);
	free(sigs);
	free(texts);
}

static void test_fingerprint_known(void **state)
{
	uint8_t pub[32];
	char fp[SIGKEY_FP_LEN + 1];
	struct od_err err;

	unhex(rfc8032[0].pub, pub, 32);
	assert_int_equal(sigkey_fingerprint(pub, fp, &err), OD_OK);
	assert_string_equal(fp, FP_TEST1);
}

/* Random bytes differ between calls and are not all zero. */
static void test_random(void **state)
{
	uint8_t a[32], b[32], zero[32] = { 0 };
	struct od_err err;

	assert_int_equal(sigkey_random(a, sizeof a, &err), OD_OK);
	assert_int_equal(sigkey_random(b, sizeof b, &err), OD_OK);
	assert_memory_not_equal(a, b, sizeof a);
	assert_memory_not_equal(a, zero, sizeof a);
	assert_int_equal(sigkey_random(a, 0, &err), OD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vectors),
		cmocka_unit_test(test_sign_verify_tamper),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_malleable_s_refused),
		cmocka_unit_test(test_public_key_checks),
		cmocka_unit_test(test_generated_keys_accepted),
		cmocka_unit_test(test_sign_many),
		cmocka_unit_test(test_sign_pipe),
		cmocka_unit_test(test_fingerprint_known),
		cmocka_unit_test(test_openssl_interop),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_verify_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
