/*
 * cli-money.c - what pay and refund share: their options read one way, and
 * an amount typed in the order's own currency.
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/money.h"
#include "app/log/order.h"

enum od_code cli_order_amount(struct shop *sh, const char *number,
			      const char *text, long long *minor,
			      char currency[4], struct od_err *err)
{
	struct order *o = NULL;
	enum od_code rc = order_number_check(number, err);

	if (rc == OD_OK)
		rc = store_order_get(sh->store, number, &o, err);
	if (rc == OD_OK) {
		memcpy(currency, o->currency, 4);
		rc = money_parse(text, o->currency, minor, err);
	}
	order_free(o);
	return rc;
}

/* Keeps one option in m; 0 if it is none of them. */
static int money_option(int opt, struct cli_money *m)
{
	if (opt == 'a')
		m->amount = optarg;
	else if (opt == 'r')
		m->ref = optarg;
	else if (opt == 'm')
		m->method = optarg;
	else if (opt == 'w')
		m->reason = optarg;
	else if (opt == 'i')
		m->items[m->nitems++] = optarg;
	else
		return 0;
	return 1;
}

enum od_code cli_money_args(const struct cli_command *cmd, unsigned takes,
			    int argc, char **argv, struct cli_money *m,
			    struct od_err *err)
{
	static const struct option all[] = {
		{ "method", required_argument, NULL, 'm' },
		{ "reason", required_argument, NULL, 'w' },
		{ "item", required_argument, NULL, 'i' },
	};
	/* Only the command's own: an abbreviation is read as it alone. */
	struct option opts[6] = {
		{ "amount", required_argument, NULL, 'a' },
		{ "reference", required_argument, NULL, 'r' },
	};
	size_t n = 2, i;
	int opt;

	for (i = 0; i < 3; i++)
		if (takes & (1u << i))
			opts[n++] = all[i];
	memset(m, 0, sizeof *m);
	m->method = "other";
	/* At most one --item per word of the command line. */
	m->items = calloc((size_t)argc + 1, sizeof *m->items);
	if (m->items == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (!money_option(opt, m))
			return cli_usage(cmd, err);
	if (m->amount == NULL || optind + 1 != argc ||
	    ((takes & CLI_MONEY_REASON) && m->reason == NULL))
		return cli_usage(cmd, err);
	m->number = argv[optind];
	return OD_OK;
}

void cli_money_free(struct cli_money *m)
{
	free(m->items);
	m->items = NULL;
}
