/*
 * cmd-init.c - `orderdesk init`: found a new shop here, or join one through
 * its backend with a one-time code (app/sync/join.h).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "app/sync/join.h"
#include "app/shop/passphrase.h"
#include "lib/secret.h"

/* Parses a descriptor number for --new-passphrase-fd; -2 if bad. */
static int fd_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return (*s && !*end && v >= 0 && v < 65536) ? (int)v : -2;
}

/* Joins the shop behind o->url and says what happened. */
static enum od_code join(struct cli *c, struct join_opts *o, int new_fd,
			 struct od_err *err)
{
	struct join_report rep;
	char *pass = NULL;
	size_t len = 0;
	enum od_code rc = OD_OK;

	o->dir = c->store_dir;
	if (o->owner != NULL) {
		rc = passphrase_read_new(new_fd >= 0 ? new_fd : c->pass_fd,
					 o->owner, &pass, &len, err);
		o->pass = pass;
		o->pass_len = len;
	}
	if (rc == OD_OK)
		rc = join_run(o, &rep, err);
	secret_free_str(pass);
	o->pass = NULL;
	if (rc != OD_OK)
		return rc;
	if (o->owner != NULL)
		fprintf(c->out, "Joined the shop \"%s\" as its first desk (%s) "
			"in %s; %s is its owner, and the backend has the "
			"genesis.\n", rep.shop, rep.desk, c->store_dir,
			o->owner);
	else
		fprintf(c->out, "Joined the shop \"%s\" as desk %s in %s: "
			"pulled %lld log entries; %zu people can sign in here "
			"with their own passphrase.\n", rep.shop, rep.desk,
			c->store_dir, rep.entries, rep.people);
	return OD_OK;
}

static enum od_code cmd_init(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "shop", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'b' },
		{ "pin", required_argument, NULL, 'p' },
		{ "code", required_argument, NULL, 'c' },
		{ "desk-name", required_argument, NULL, 'd' },
		{ "new-passphrase-fd", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct join_opts jo;
	const char *owner = NULL, *shop_name = NULL;
	char *pass = NULL;
	size_t len = 0;
	enum od_code rc;
	int opt, new_fd = -1;

	memset(&jo, 0, sizeof jo);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o')
			owner = optarg;
		else if (opt == 's')
			shop_name = optarg;
		else if (opt == 'b')
			jo.url = optarg;
		else if (opt == 'p')
			jo.pin = optarg;
		else if (opt == 'c')
			jo.code = optarg;
		else if (opt == 'd')
			jo.desk_name = optarg;
		else if (opt == 'n' && (new_fd = fd_arg(optarg)) >= 0)
			continue;
		else
			return cli_usage(&cmd_init_entry, err);
	}
	if (optind != argc)
		return cli_usage(&cmd_init_entry, err);
	/* Joining: the shop's name comes from its backend. */
	if (jo.url != NULL || jo.pin != NULL || jo.code != NULL) {
		if (jo.url == NULL || jo.pin == NULL || jo.code == NULL ||
		    shop_name != NULL)
			return cli_usage(&cmd_init_entry, err);
		jo.owner = owner;
		return join(c, &jo, new_fd, err);
	}
	if (owner == NULL || jo.desk_name != NULL)
		return cli_usage(&cmd_init_entry, err);
	if (shop_name == NULL)
		shop_name = "My shop";
	rc = passphrase_read_new(new_fd >= 0 ? new_fd : c->pass_fd, owner,
				 &pass, &len, err);
	if (rc == OD_OK)
		rc = shop_init(c->store_dir, shop_name, owner, pass, len, err);
	secret_free_str(pass);
	if (rc == OD_OK)
		fprintf(c->out, "Founded the shop \"%s\" in %s; %s is its "
			"owner.\n", shop_name, c->store_dir, owner);
	return rc;
}

const struct cli_command cmd_init_entry = {
	"init", "--owner NAME [--shop NAME] | --backend URL --pin PIN --code "
	"CODE [--owner NAME] [--desk-name NAME] [--new-passphrase-fd N]",
	"found a new shop here, or join one with a one-time code (the first "
	"desk brings the owner)", cmd_init,
};
