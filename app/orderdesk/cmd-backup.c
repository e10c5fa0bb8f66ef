/* cmd-backup.c - `orderdesk backup FILE` and `orderdesk restore FILE`. */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/shop/backup.h"
#include "app/shop/passphrase.h"
#include "lib/progress.h"
#include "lib/secret.h"

static enum od_code cmd_backup(struct cli *c, int argc, char **argv,
			       struct od_err *err)
{
	struct shop *sh = NULL;
	long long bytes = 0;
	enum od_code rc;

	if (argc != 2)
		return cli_usage(&cmd_backup_entry, err);
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc == OD_OK) {
		/* A killed backup's files go with the next backup. */
		progress_begin("no backup was written");
		rc = backup_write(sh, argv[1], &bytes, err);
		progress_end();
	}
	if (rc == OD_OK)
		fprintf(c->out, "Wrote and checked the backup %s (%lld bytes), "
			"signed by %s.\n", argv[1], bytes, sh->user);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_backup_entry = {
	"backup", "FILE", "write a signed, encrypted, verified backup",
	cmd_backup,
};

static enum od_code cmd_restore(struct cli *c, int argc, char **argv,
				struct od_err *err)
{
	const char *user = c->user ? c->user : getenv("ORDERDESK_USER");
	char prompt[96], *pass = NULL;
	size_t len = 0;
	enum od_code rc;

	if (argc != 2)
		return cli_usage(&cmd_restore_entry, err);
	if (user == NULL)
		return od_err_set(err, OD_E_USAGE, "say whose passphrase opens "
				  "the backup with --user NAME");
	snprintf(prompt, sizeof prompt, "Passphrase for %s: ", user);
	rc = passphrase_read(c->pass_fd, prompt, &pass, &len, err);
	if (rc == OD_OK) {
		/* A killed restore's files go with the next restore. */
		progress_begin("nothing was restored");
		rc = backup_restore(c->store_dir, argv[1], user, pass, len,
				    err);
		progress_end();
	}
	secret_free_str(pass);
	if (rc == OD_OK)
		fprintf(c->out, "Restored and verified the shop in %s.\n"
			"It is attached to no backend (a backup holds no "
			"credentials). To attach it: on the backend, "
			"`orderdeskd --dir DIR desk add NAME`, then\n"
			"  orderdesk --store %s sync --backend URL --pin PIN "
			"--ca ca.pem --cert desk.pem --key desk.key\n"
			"with the files in DIR/desks/NAME/ (then delete "
			"desk.key).\n", c->store_dir, c->store_dir);
	return rc;
}

const struct cli_command cmd_restore_entry = {
	"restore", "FILE", "restore a backup into an empty store", cmd_restore,
};
