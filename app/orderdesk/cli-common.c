/*
 * cli-common.c - what every command calls: the usage line, the flush of
 * its output, and unlocking the store as the right person.  Apart from
 * cli.c, which holds the table of commands, so that the commands call
 * down into this file and nothing calls back up into the table.
 */
#include "app/orderdesk/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/shop/passphrase.h"
#include "lib/secret.h"
#include "storage/store-cache.h"

enum od_code cli_usage(const struct cli_command *cmd, struct od_err *err)
{
	return od_err_set(err, OD_E_USAGE, "usage: orderdesk %s %s",
			  cmd->name, cmd->usage);
}

enum od_code cli_flush(struct cli *c, struct od_err *err)
{
	if (fflush(c->out) != 0 || ferror(c->out))
		return od_err_set(err, OD_E_IO, "cannot write the output: %s",
				  strerror(errno));
	return OD_OK;
}

/* Remembers the only slot's user, and counts them. */
struct sole_user {
	char name[STMT_NAME_MAX + 1];
	int count;
};

static void note_user(void *ctx, const char *user)
{
	struct sole_user *su = ctx;

	if (su->count++ == 0)
		snprintf(su->name, sizeof su->name, "%s", user);
}

enum od_code cli_unlock(struct cli *c, enum shop_access access,
			struct shop **out, struct od_err *err)
{
	struct sole_user su = { "", 0 };
	const char *user = c->user;
	char prompt[96], *pass = NULL;
	size_t len = 0;
	enum od_code rc;

	*out = NULL;
	if (user == NULL)
		user = getenv("ORDERDESK_USER");
	/* No shop there: say so before asking for a passphrase. */
	rc = shop_slot_users(c->store_dir, note_user, &su, err);
	if (rc != OD_OK)
		return rc;
	if (user == NULL) {
		if (su.count != 1)
			return od_err_set(err, OD_E_USAGE,
					  "this shop has %d people; say who you"
					  " are with --user NAME", su.count);
		user = su.name;
	}
	/* A one-shot command reads each page once: a small cache, not the
	 * desk's 64 MiB (storage/store-cache.h). */
	store_set_cache_kib(STORE_CACHE_SMALL_KIB);
	snprintf(prompt, sizeof prompt, "Passphrase for %s: ", user);
	cli_pin_setup(c);
	rc = passphrase_read(c->pass_fd, prompt, &pass, &len, err);
	if (rc == OD_OK)
		rc = shop_unlock(c->store_dir, user, pass, len, access, out,
				 err);
	secret_free_str(pass);
	return rc;
}
