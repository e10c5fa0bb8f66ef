/* cmd-init.c - `orderdesk init`: found a new shop. */
#include "app/cli.h"

#include <getopt.h>
#include <string.h>

#include "app/passphrase.h"
#include "lib/secret.h"

static enum od_code cmd_init(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "shop", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *owner = NULL, *shop_name = "My shop";
	char *pass = NULL;
	size_t len = 0;
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o')
			owner = optarg;
		else if (opt == 's')
			shop_name = optarg;
		else
			return cli_usage(&cmd_init_entry, err);
	}
	if (owner == NULL || optind != argc)
		return cli_usage(&cmd_init_entry, err);
	rc = passphrase_read_new(c->pass_fd, owner, &pass, &len, err);
	if (rc == OD_OK)
		rc = shop_init(c->store_dir, shop_name, owner, pass, len, err);
	secret_free_str(pass);
	if (rc == OD_OK)
		fprintf(c->out, "Founded the shop \"%s\" in %s; %s is its "
			"owner.\n", shop_name, c->store_dir, owner);
	return rc;
}

const struct cli_command cmd_init_entry = {
	"init", "--owner NAME [--shop NAME]",
	"found a new shop: store, owner key, genesis", cmd_init,
};
