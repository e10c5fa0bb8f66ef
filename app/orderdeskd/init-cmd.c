/* init-cmd.c - `orderdeskd init` and `code`: a new backend, a join code. */
#include "app/orderdeskd/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/orderdeskd/backend-join.h"
#include "lib/secret.h"

/* Reads a code's lifetime in seconds (1 s to 30 days); 0 if bad. */
static long long parse_ttl(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *end == '\0' && end != s && v > 0 && v <= JOIN_CODE_TTL_MAX ?
	       v : 0;
}

/* Issues a join code in dir's store and prints it with its expiry. */
static enum od_code print_code(const char *dir, long long ttl,
			       const char *pin, struct od_err *err)
{
	char code[JOIN_CODE_LEN + 1], when[32];
	struct backend *b = NULL;
	long long expires = 0;
	enum od_code rc;
	time_t t;
	struct tm tm;

	rc = backend_open(dir, 0, &b, err);
	if (rc == OD_OK)
		rc = backend_join_code(b, ttl, code, &expires, err);
	backend_close(b);
	if (rc != OD_OK)
		return rc;
	t = (time_t)expires;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	printf("join code:        %s\n"
	       "                  (one desk, once; expires %s)\n\n"
	       "On the first desk, with the backend serving:\n\n"
	       "  orderdesk init --backend https://HOST:PORT --pin %s \\\n"
	       "      --code %s --owner NAME\n",
	       code, when, pin != NULL ? pin : "PIN", code);
	secret_wipe(code, sizeof code);
	return OD_OK;
}

/* `code [--ttl SECONDS]`: another join code (say, the first expired). */
enum od_code code_cmd(const char *dir, int argc, char **argv,
		      struct od_err *err)
{
	static const struct option opts[] = {
		{ "ttl", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	long long ttl = JOIN_CODE_TTL;
	char *cert = NULL, pin[PKI_PIN_LEN + 1];
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (opt != 't' || (ttl = parse_ttl(optarg)) == 0)
			return od_err_set(err, OD_E_USAGE, "usage: orderdeskd "
					  "--dir DIR code [--ttl SECONDS] "
					  "(1 to %d)", JOIN_CODE_TTL_MAX);
	if (optind != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "code [--ttl SECONDS]");
	rc = backend_read_pem(dir, "server.pem", &cert, err);
	if (rc == OD_OK)
		rc = pki_pin(cert, pin, err);
	free(cert);
	if (rc == OD_OK)
		rc = print_code(dir, ttl, pin, err);
	return rc;
}

/* `init`: a new backend directory; prints what the first desk needs. */
enum od_code init_cmd(const char *dir, int argc, char **argv,
		      struct od_err *err)
{
	static const struct option opts[] = {
		{ "shop", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "code-ttl", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hosts[BACKEND_HOSTS_MAX], *shop = NULL;
	struct backend_init_report rep;
	long long ttl = JOIN_CODE_TTL;
	size_t nhosts = 0;
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 's') {
			shop = optarg;
		} else if (opt == 'H' && nhosts < BACKEND_HOSTS_MAX) {
			hosts[nhosts++] = optarg;
		} else if (opt == 't' && (ttl = parse_ttl(optarg)) != 0) {
			continue;
		} else {
			shop = NULL;
			break;
		}
	}
	if (shop == NULL || optind != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "init --shop NAME [--host NAME_OR_IP ...] "
				  "[--code-ttl SECONDS] (at most %d hosts)",
				  BACKEND_HOSTS_MAX);
	rc = backend_init(dir, shop, hosts, nhosts, &rep, err);
	if (rc != OD_OK)
		return rc;
	printf("Made the backend for \"%s\" in %s.\n\n"
	       "backend pin:      %s\n"
	       "head-signing key: %s\n"
	       "log key:          %s\n",
	       shop, dir, rep.pin, rep.head_key, rep.log_key);
	rc = print_code(dir, ttl, rep.pin, err);
	if (rc == OD_OK)
		printf("\n(A desk made before the backend attaches with the "
		       "bundle in %s/%s/:\n  orderdesk sync --backend URL "
		       "--pin PIN --ca ca.pem --cert desk.pem --key desk.key\n"
		       "  which seals the key in the desk's store: then delete "
		       "desk.key here.)\n", dir, BACKEND_JOIN_DIR);
	return rc;
}
