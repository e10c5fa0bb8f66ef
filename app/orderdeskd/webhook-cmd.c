/*
 * webhook-cmd.c - `orderdeskd storefront add NAME` with a webhook secret:
 *
 *   --woocommerce-secret-fd N   the secret WooCommerce signs with
 *   --shopify-secret-fd N       the one Shopify signs with
 *   --drop-old                  forget the secrets a rotation replaced
 *
 * A secret is read from file descriptor N (never the command line, where
 * ps and the shell's history would show it), without one final newline,
 * and wiped once it is in the store.  Setting a secret where there is one
 * keeps the one it replaces as the old secret, accepted too until
 * --drop-old: a storefront's rotation (Shopify's) is never a gap.  A
 * storefront that does not exist yet is made first, as a plain
 * `storefront add` would.  The store is opened without the serving lock,
 * as `storefront revoke` does for its event: a serving backend reads the
 * secrets at each webhook, so a new one takes effect at once.
 */
#include "app/orderdeskd/webhook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/secret.h"
#include "storage/store-hooks.h"

#define USAGE "usage: orderdeskd --dir DIR storefront add NAME " \
	      "[--woocommerce-secret-fd N] [--shopify-secret-fd N] [--drop-old]"

/* One secret read from an fd. */
struct secret_in {
	const char *kind;                 /* "woocommerce", "shopify" */
	int fd;                           /* -1: not asked */
	uint8_t bytes[STORE_HOOK_SECRET_MAX + 2];
	size_t len;
};

int webhook_cmd_wanted(int argc, char **argv)
{
	return argc > 3 && strcmp(argv[1], "add") == 0;
}

/* Reads the secret of s from its fd: 1..STORE_HOOK_SECRET_MAX bytes. */
static enum od_code read_secret(struct secret_in *s, struct od_err *err)
{
	ssize_t n;

	s->len = 0;
	while (s->len < sizeof s->bytes &&
	       ((n = read(s->fd, s->bytes + s->len,
			  sizeof s->bytes - s->len)) > 0 || (n < 0 &&
			  errno == EINTR)))
		s->len += n > 0 ? (size_t)n : 0;
	if (s->len < sizeof s->bytes && n < 0)
		return od_err_set(err, OD_E_IO, "cannot read the %s secret "
				  "from file descriptor %d: %s", s->kind,
				  s->fd, strerror(errno));
	/* echo's newline, or a file's last line end, is not the secret's. */
	if (s->len > 0 && s->bytes[s->len - 1] == '\n')
		s->len--;
	if (s->len > 0 && s->bytes[s->len - 1] == '\r')
		s->len--;
	if (s->len == 0 || s->len > STORE_HOOK_SECRET_MAX)
		return od_err_set(err, OD_E_INPUT, "the %s secret on file "
				  "descriptor %d must be 1 to %d bytes; copy "
				  "it from the storefront's webhook settings",
				  s->kind, s->fd, STORE_HOOK_SECRET_MAX);
	return OD_OK;
}

/* Parses "N" as a file descriptor. */
static int parse_fd(const char *s, int *fd)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno || v > 1023)
		return 0;
	*fd = (int)v;
	return 1;
}

/* Reads the options after NAME into sec[2] and *drop. */
static enum od_code options(int argc, char **argv, struct secret_in *sec,
			    int *drop, struct od_err *err)
{
	int i, k;

	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--drop-old") == 0) {
			*drop = 1;
			continue;
		}
		k = strcmp(argv[i], "--woocommerce-secret-fd") == 0 ? 0 :
		    strcmp(argv[i], "--shopify-secret-fd") == 0 ? 1 : -1;
		if (k < 0 || i + 1 >= argc || sec[k].fd >= 0 ||
		    !parse_fd(argv[i + 1], &sec[k].fd))
			return od_err_set(err, OD_E_USAGE, USAGE);
		i++;
	}
	return OD_OK;
}

/* Makes storefront name unless it exists; says what to do next. */
static enum od_code ensure_storefront(const char *dir, const char *name,
				      struct od_err *err)
{
	struct backend_storefront_report rep;
	char path[4096];
	enum od_code rc;

	snprintf(path, sizeof path, "%s/%s/%s.key", dir, BACKEND_SF_KEYS,
		 name);
	if (access(path, F_OK) == 0)
		return OD_OK;
	rc = backend_storefront_add(dir, name, &rep, err);
	if (rc == OD_OK)
		printf("Made storefront %s; the backend signs its orders with "
		       "its key:\n  %s\nThe shop's owner approves that key "
		       "once, on a desk:\n\n  orderdesk sync "
		       "--approve-storefront %s --key %s\n\n", name,
		       rep.pubkey, name, rep.pubkey);
	return rc;
}

/* Keeps the secrets read (and drops the old ones if asked). */
static enum od_code keep(const char *dir, const char *name,
			 struct secret_in *sec, int drop, struct od_err *err)
{
	struct backend *b = NULL;
	enum od_code rc;
	int k;

	rc = backend_open(dir, 0, &b, err);
	for (k = 0; rc == OD_OK && k < 2; k++) {
		if (sec[k].fd >= 0) {
			rc = store_hook_secret_set(backend_store(b), name,
						   sec[k].kind, sec[k].bytes,
						   sec[k].len, !drop, err);
			if (rc == OD_OK)
				printf("Storefront %s: its %s webhooks go to "
				       "/v1/webhooks/%s/%s, signed with the "
				       "secret given%s.\n", name, sec[k].kind,
				       sec[k].kind, name, drop ? "" :
				       " (and the one before it, if any, "
				       "until --drop-old)");
		} else if (drop) {
			rc = store_hook_drop_old(backend_store(b), name,
						 sec[k].kind, err);
			if (rc == OD_E_NOTFOUND)
				rc = OD_OK;
			else if (rc == OD_OK)
				printf("Storefront %s: only the current %s "
				       "secret is accepted now.\n", name,
				       sec[k].kind);
		}
	}
	backend_close(b);
	return rc;
}

enum od_code webhook_cmd_storefront(const char *dir, int argc, char **argv,
				    struct od_err *err)
{
	struct secret_in sec[2] = {
		{ "woocommerce", -1, { 0 }, 0 }, { "shopify", -1, { 0 }, 0 },
	};
	enum od_code rc;
	int drop = 0, k;

	rc = options(argc, argv, sec, &drop, err);
	if (rc == OD_OK && sec[0].fd < 0 && sec[1].fd < 0 && !drop)
		rc = od_err_set(err, OD_E_USAGE, USAGE);
	/* Every secret read before anything is made. */
	for (k = 0; rc == OD_OK && k < 2; k++)
		if (sec[k].fd >= 0)
			rc = read_secret(&sec[k], err);
	if (rc == OD_OK)
		rc = ensure_storefront(dir, argv[2], err);
	if (rc == OD_OK)
		rc = keep(dir, argv[2], sec, drop, err);
	secret_wipe(sec, sizeof sec);
	return rc;
}
