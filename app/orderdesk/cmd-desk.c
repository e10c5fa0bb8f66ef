/* cmd-desk.c - `orderdesk desk invite`: a one-time code for the next desk. */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/sync/join.h"
#include "lib/secret.h"

static enum od_code cmd_desk(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	char code[JOIN_CODE_LEN + 1], url[520], pin[64], when[32];
	struct shop *sh = NULL;
	long long expires = 0;
	enum od_code rc;
	struct tm tm;
	time_t t;

	if (argc != 2 || strcmp(argv[1], "invite") != 0)
		return cli_usage(&cmd_desk_entry, err);
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc == OD_OK)
		rc = join_invite(sh, code, &expires, url, pin, err);
	shop_close(sh);
	if (rc != OD_OK)
		return rc;
	t = (time_t)expires;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(c->out, "join code: %s  (one desk, once; expires %s)\n\n"
		"On the new desk:\n\n"
		"  orderdesk init --backend %s --pin %s --code %s\n",
		code, when, url, pin, code);
	secret_wipe(code, sizeof code);
	return OD_OK;
}

const struct cli_command cmd_desk_entry = {
	"desk", "invite",
	"(owner) a one-time code for the next desk to join this shop",
	cmd_desk,
};
