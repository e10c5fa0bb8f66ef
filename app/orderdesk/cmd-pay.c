/*
 * cmd-pay.c - `orderdesk pay`: money received for an order, as a signed
 * payment.receive.  The fold refuses more than the order has left to pay
 * and a signer whose role may not (app/log/fold-money.c).
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <string.h>

#include "lib/format.h"

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
	char minor_text[24], money[48], currency[4];
	struct cli_money m;
	struct shop *sh = NULL;
	struct statement *st = NULL;
	long long minor = 0, seq = 0;
	enum od_code rc;

	rc = cli_money_args(&cmd_pay_entry, CLI_MONEY_METHOD, argc, argv, &m,
			    err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = cli_order_amount(sh, m.number, m.amount, &minor,
				      currency, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_PAYMENT_RECEIVE, m.number,
				    &st, err);
	snprintf(minor_text, sizeof minor_text, "%lld", minor);
	if (rc == OD_OK)
		rc = statement_add(st, "amount", minor_text, err);
	if (rc == OD_OK)
		rc = statement_add(st, "method", m.method, err);
	if (rc == OD_OK)
		rc = add_opt(st, "reference", m.ref, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK) {
		format_money(minor, currency, money, sizeof money);
		fprintf(c->out, "Order %s: %s received (%s), signed by %s "
			"(log entry %lld).\n", m.number, money, m.method,
			sh->user, seq);
	}
	statement_free(st);
	shop_close(sh);
	cli_money_free(&m);
	return rc;
}

const struct cli_command cmd_pay_entry = {
	"pay", "NUMBER --amount AMOUNT [--method card|bank|cash|cod|other] "
	"[--reference TEXT]", "record money received for an order", cmd_pay,
};
