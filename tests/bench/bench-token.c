/*
 * bench-token.c - signing with a key on a PKCS#11 token (SoftHSM2) against
 * the same Ed25519 key from a seed, in one process:
 *
 *   bench-token DIR [N]
 *
 * makes a token in DIR (a fresh SOFTHSM2_CONF), imports one key into it,
 * signs N messages (default 2000) with each and prints the ratio.  A token
 * goes through PKCS#11 and a lock per signature; a hardware token is far
 * slower still (tens of ms), which is why the desk asks its PIN once.
 * Without SoftHSM2 it says so and succeeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/keys/sigkey.h"
#include "app/keys/sigtoken.h"
#include "lib/encode.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define PIN "314159"

static enum od_code read_pin(void *ctx, const char *token, char **pin,
			     size_t *len, struct od_err *err)
{
	(void)ctx;
	(void)token;
	*pin = strdup(PIN);
	if (*pin == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	*len = strlen(*pin);
	return OD_OK;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* A token in dir holding seed's key as "bench"; 0 when made. */
static int make_token(const char *dir, const uint8_t seed[32])
{
	static const uint8_t prefix[16] = {
		0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
		0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	char path[512], cmd[1024];
	FILE *f;

	if (access(MODULE, R_OK) != 0 ||
	    system("command -v softhsm2-util openssl > /dev/null") != 0)
		return -1;
	snprintf(path, sizeof path, "%s/softhsm2.conf", dir);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\n"
		"log.level = ERROR\n", dir);
	fclose(f);
	setenv("SOFTHSM2_CONF", path, 1);
	snprintf(path, sizeof path, "%s/k.der", dir);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(prefix, 1, 16, f) != 16 ||
	    fwrite(seed, 1, 32, f) != 32)
		return -1;
	fclose(f);
	snprintf(cmd, sizeof cmd, "cd '%s' && softhsm2-util --init-token "
		 "--free --label bench --pin " PIN " --so-pin 27182818 "
		 "> /dev/null && openssl pkey -inform DER -in k.der -out k.pem"
		 " && softhsm2-util --import k.pem --token bench --label bench"
		 " --id 01 --pin " PIN " > /dev/null && rm -f k.der k.pem", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Microseconds per signature of k over n 200-byte messages. */
static double per_sig(const struct sigkey *k, int n, uint8_t last[64])
{
	char msg[200];
	struct od_err err;
	double t0 = now_us();
	int i;

	memset(msg, 'x', sizeof msg);
	for (i = 0; i < n; i++) {
		msg[0] = (char)i;
		if (sigkey_sign(k, msg, sizeof msg, last, &err) != OD_OK) {
			fprintf(stderr, "bench-token: %s\n", err.msg);
			exit(1);
		}
	}
	return (now_us() - t0) / n;
}

int main(int argc, char **argv)
{
	uint8_t seed[32], a[64], b[64];
	struct sigkey *seeded = NULL, *tok = NULL;
	struct od_err err;
	double us_seed, us_tok;
	int n = argc > 2 ? atoi(argv[2]) : 2000;

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: bench-token DIR [N]\n");
		return 2;
	}
	if (sigkey_generate_seed(seed, &err) != OD_OK ||
	    sigkey_from_seed(seed, &seeded, &err) != OD_OK)
		return 1;
	if (make_token(argv[1], seed) != 0) {
		printf("token sign: skipped (SoftHSM2 is not installed)\n");
		return 0;
	}
	sigtoken_set_pin_reader(read_pin, NULL);
	if (sigkey_from_token("pkcs11:token=bench;object=bench", &tok,
			      &err) != OD_OK) {
		fprintf(stderr, "bench-token: %s\n", err.msg);
		return 1;
	}
	per_sig(tok, 10, b);    /* logs in: not timed */
	us_seed = per_sig(seeded, n, a);
	us_tok = per_sig(tok, n, b);
	if (memcmp(a, b, 64) != 0) {
		fprintf(stderr, "bench-token: the token signed other bytes\n");
		return 1;
	}
	printf("seed sign: %.1f us/signature (baseline, %d signatures)\n",
	       us_seed, n);
	printf("token sign: %.1f us/signature (SoftHSM2; %.1fx the seed's, "
	       "same bytes)\n", us_tok, us_tok / us_seed);
	sigkey_free(tok);
	sigkey_free(seeded);
	return 0;
}
