/* certs-cmd.c - `orderdeskd desk` and `storefront`: add or revoke one. */
#include "app/orderdeskd/commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/events.h"
#include "app/orderdeskd/webhook.h"
#include "lib/secret.h"

/* Keeps a revocation in the security events (said even if the store
 * cannot be opened: the revocation itself is done). */
static void say_revoked(const char *dir, const char *name, int storefront)
{
	struct backend *b = NULL;
	struct od_err err;

	event_say(EVENT_DESK_REVOKED, "", name, storefront ?
		  "storefront certificate revoked" :
		  "desk certificate revoked");
	if (backend_open(dir, 0, &b, &err) == OD_OK)
		events_flush(backend_store(b));
	else
		fprintf(stderr, "orderdeskd: the revocation is not in the "
			"security events: %s\n", err.msg);
	backend_close(b);
}

/* `desk add NAME`: a client certificate bundle in DIR/desks/NAME/. */
enum od_code desk_cmd(const char *dir, int argc, char **argv,
		      struct od_err *err)
{
	char *ca = NULL, *ca_key = NULL, *cert = NULL, *key = NULL;
	char path[4096];
	enum od_code rc;
	FILE *f;

	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		rc = backend_revoke(dir, argv[2], 0, err);
		if (rc == OD_OK)
			say_revoked(dir, argv[2], 0);
		if (rc == OD_OK)
			printf("Revoked the desk certificate %s: a serving "
			       "backend refuses it from its next request.\n",
			       argv[2]);
		return rc;
	}
	if (argc != 3 || strcmp(argv[1], "add") != 0)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "desk add|revoke NAME");
	rc = backend_read_pem(dir, "ca.pem", &ca, err);
	if (rc == OD_OK)
		rc = backend_read_pem(dir, "ca.key", &ca_key, err);
	if (rc == OD_OK)
		rc = pki_make_leaf(ca, ca_key, PKI_CLIENT, argv[2], NULL, 0,
				   &cert, &key, err);
	snprintf(path, sizeof path, "%s/desks", dir);
	if (rc == OD_OK && mkdir(path, 0700) != 0 && errno != EEXIST)
		rc = od_err_set(err, OD_E_IO, "cannot create %.200s: %s", path,
				strerror(errno));
	snprintf(path, sizeof path, "%s/desks/%s", dir, argv[2]);
	if (rc == OD_OK && mkdir(path, 0700) != 0)
		rc = od_err_set(err, errno == EEXIST ? OD_E_EXISTS : OD_E_IO,
				"cannot create %.200s: %s", path,
				strerror(errno));
	/* umask 077 makes each file 0600. */
	if (rc == OD_OK) {
		const char *names[3] = { "ca.pem", "desk.pem", "desk.key" };
		const char *texts[3] = { ca, cert, key };
		char file[4200];
		int i;

		for (i = 0; i < 3 && rc == OD_OK; i++) {
			snprintf(file, sizeof file, "%s/%s", path, names[i]);
			f = fopen(file, "wx");
			if (f == NULL || fputs(texts[i], f) < 0 ||
			    fclose(f) != 0)
				rc = od_err_set(err, OD_E_IO, "cannot write "
						"%.200s", file);
		}
	}
	if (rc == OD_OK)
		printf("Made a desk certificate for %s in %s/ (ca.pem, "
		       "desk.pem, desk.key).\n", argv[2], path);
	free(ca);
	free(cert);
	secret_free_str(ca_key);
	secret_free_str(key);
	return rc;
}

/* `storefront add NAME`: its bundle and the key to approve. */
enum od_code storefront_cmd(const char *dir, int argc, char **argv,
			    struct od_err *err)
{
	struct backend_storefront_report rep;
	enum od_code rc;

	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		rc = backend_revoke(dir, argv[2], 1, err);
		if (rc == OD_OK)
			say_revoked(dir, argv[2], 1);
		if (rc == OD_OK)
			printf("Revoked the storefront certificate %s: a "
			       "serving backend refuses it from its next "
			       "request.\n", argv[2]);
		return rc;
	}
	if (webhook_cmd_wanted(argc, argv))
		return webhook_cmd_storefront(dir, argc, argv, err);
	if (argc != 3 || strcmp(argv[1], "add") != 0)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "storefront add|revoke NAME");
	rc = backend_storefront_add(dir, argv[2], &rep, err);
	if (rc != OD_OK)
		return rc;
	printf("Made storefront %s: its bundle is %s/%s/%s/ (ca.pem, "
	       "storefront.pem, storefront.key).\n"
	       "It posts orders to /v1/orders; the backend signs them with the "
	       "storefront's key:\n  %s\n"
	       "The shop's owner approves that key once, on a desk:\n\n"
	       "  orderdesk sync --approve-storefront %s --key %s\n",
	       argv[2], dir, BACKEND_SF_DIR, argv[2], rep.pubkey, argv[2],
	       rep.pubkey);
	return OD_OK;
}
