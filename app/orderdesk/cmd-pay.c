/*
 * cmd-pay.c - `orderdesk pay`: money received for an order, as a signed
 * payment.receive.  The fold refuses more than the order has left to pay
 * and a signer whose role may not (app/log/fold-money.c).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "app/log/money.h"
#include "app/log/order.h"
#include "lib/format.h"

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

/* Adds name: value to st if value is given. */
static enum od_code add_opt(struct statement *st, const char *name,
			    const char *value, struct od_err *err)
{
	return value != NULL ? statement_add(st, name, value, err) : OD_OK;
}

/* pay NUMBER --amount A [--method M] [--reference TEXT] */
static enum od_code cmd_pay(struct cli *c, int argc, char **argv,
			    struct od_err *err)
{
	static const struct option opts[] = {
		{ "amount", required_argument, NULL, 'a' },
		{ "method", required_argument, NULL, 'm' },
		{ "reference", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *amount = NULL, *method = "other", *ref = NULL;
	char minor_text[24], money[48], currency[4];
	struct shop *sh = NULL;
	struct statement *st = NULL;
	long long minor = 0, seq = 0;
	enum od_code rc = OD_OK;
	int opt;

	while (rc == OD_OK &&
	       (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'a')
			amount = optarg;
		else if (opt == 'm')
			method = optarg;
		else if (opt == 'r')
			ref = optarg;
		else
			rc = cli_usage(&cmd_pay_entry, err);
	}
	if (rc == OD_OK && (amount == NULL || optind + 1 != argc))
		rc = cli_usage(&cmd_pay_entry, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = cli_order_amount(sh, argv[optind], amount, &minor,
				      currency, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_PAYMENT_RECEIVE, argv[optind],
				    &st, err);
	snprintf(minor_text, sizeof minor_text, "%lld", minor);
	if (rc == OD_OK)
		rc = statement_add(st, "amount", minor_text, err);
	if (rc == OD_OK)
		rc = statement_add(st, "method", method, err);
	if (rc == OD_OK)
		rc = add_opt(st, "reference", ref, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK) {
		format_money(minor, currency, money, sizeof money);
		fprintf(c->out, "Order %s: %s received (%s), signed by %s "
			"(log entry %lld).\n", argv[optind], money, method,
			sh->user, seq);
	}
	statement_free(st);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_pay_entry = {
	"pay", "NUMBER --amount AMOUNT [--method card|bank|cash|cod|other] "
	"[--reference TEXT]", "record money received for an order", cmd_pay,
};
