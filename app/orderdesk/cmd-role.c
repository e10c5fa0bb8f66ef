/*
 * cmd-role.c - `orderdesk role`: roles the owner defines as sets of
 * permissions, as a signed role.define (app/log/role-define.c decides).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/role-define.h"

/* Adds a may field to st for each permission of the list (checked). */
static enum od_code add_perms(struct statement *st, const char *list,
			      struct od_err *err)
{
	char *copy = strdup(list), *p, *save = NULL;
	enum od_code rc = OD_OK;

	if (copy == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (p = strtok_r(copy, ",", &save); p && rc == OD_OK;
	     p = strtok_r(NULL, ",", &save))
		rc = statement_add(st, "may", p, err);
	free(copy);
	return rc;
}

/* role add NAME --may PERM,PERM,... */
static enum od_code role_add(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "may", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *may = NULL;
	struct shop *sh = NULL;
	struct statement *st = NULL;
	long long seq = 0;
	enum od_code rc = OD_OK;
	int opt;

	while (rc == OD_OK &&
	       (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'm')
			may = optarg;
		else
			rc = cli_usage(&cmd_role_entry, err);
	}
	if (rc == OD_OK && (may == NULL || optind + 1 != argc))
		rc = cli_usage(&cmd_role_entry, err);
	/* Refused before any passphrase is asked. */
	if (rc == OD_OK &&
	    role_define_check_name("role", argv[optind], err) != OD_OK)
		err->code = rc = OD_E_USAGE;   /* what was typed, not the log */
	if (rc == OD_OK)
		rc = role_define_check_list(may, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_ROLE_DEFINE, NULL, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "role", argv[optind], err);
	if (rc == OD_OK)
		rc = add_perms(st, may, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK)
		fprintf(c->out, "Role %s may %s, signed by %s (log entry "
			"%lld).\n", argv[optind], may, sh->user, seq);
	statement_free(st);
	shop_close(sh);
	return rc;
}

/* role list: the built-in roles, then those the log defines. */
static enum od_code role_list(struct cli *c, struct od_err *err)
{
	struct shop *sh = NULL;
	char *text = NULL;
	enum od_code rc = cli_unlock(c, SHOP_READ, &sh, err);

	if (rc == OD_OK)
		rc = role_define_list(sh->store, &text, err);
	if (rc == OD_OK)
		fprintf(c->out, "%-16s %s\n"
			"owner            everything (built-in)\n"
			"shopkeeper       place, confirm, cancel, hold, release, "
			"note, ship, deliver, pay, return.open, "
			"return.receive, return.close (built-in)\n"
			"staff            note, ship, deliver, return.receive "
			"(built-in)\n"
			"storefront       place, cancel and pay its own orders "
			"(built-in)\n", "ROLE", "MAY");
	for (char *l = text; rc == OD_OK && l && *l;) {
		char *nl = strchr(l, '\n'), *sp = strchr(l, ' ');

		if (nl == NULL || sp == NULL || sp > nl)
			break;
		fprintf(c->out, "%-16.*s %.*s\n", (int)(sp - l), l,
			(int)(nl - sp - 1), sp + 1);
		l = nl + 1;
	}
	free(text);
	shop_close(sh);
	return rc;
}

static enum od_code cmd_role(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return role_add(c, argc - 1, argv + 1, err);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return role_list(c, err);
	return cli_usage(&cmd_role_entry, err);
}

const struct cli_command cmd_role_entry = {
	"role", "add NAME --may PERM,PERM,... | list",
	"roles the owner defines as sets of permissions", cmd_role,
};
