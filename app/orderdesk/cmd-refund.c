/*
 * cmd-refund.c - `orderdesk refund`: money given back, as a signed
 * payment.refund.  The owner's alone, never more than was paid and not yet
 * refunded: the fold checks both (app/log/fold-money.c) and says the
 * figures when it refuses.
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/format.h"

/* "SKU:QTY" as typed to "SKU QTY" as signed. */
static enum od_code item_value(const char *arg, struct buf *b,
			       struct od_err *err)
{
	const char *colon = strrchr(arg, ':');

	buf_reset(b);
	if (colon == NULL || colon == arg || colon[1] == '\0')
		return od_err_set(err, OD_E_USAGE,
				  "--item: give SKU:QUANTITY, e.g. TEA-001:2");
	return buf_addf(b, err, "%.*s %s", (int)(colon - arg), arg,
			colon + 1);
}

/* Adds the refund's fields in the kind's order. */
static enum od_code refund_fields(struct statement *st, long long minor,
				  const char *reason, char **items,
				  size_t nitems, const char *ref,
				  struct od_err *err)
{
	char minor_text[24];
	struct buf val;
	enum od_code rc;
	size_t i;

	buf_init(&val, 1024);
	snprintf(minor_text, sizeof minor_text, "%lld", minor);
	rc = statement_add(st, "amount", minor_text, err);
	if (rc == OD_OK)
		rc = statement_add(st, "reason", reason, err);
	for (i = 0; rc == OD_OK && i < nitems; i++) {
		rc = item_value(items[i], &val, err);
		if (rc == OD_OK)
			rc = statement_add(st, "item", val.data, err);
	}
	if (rc == OD_OK && ref != NULL)
		rc = statement_add(st, "reference", ref, err);
	buf_free(&val);
	return rc;
}

/* refund NUMBER --amount A --reason TEXT [--item SKU:QTY ...] [--reference] */
static enum od_code cmd_refund(struct cli *c, int argc, char **argv,
			       struct od_err *err)
{
	char money[48], currency[4];
	struct cli_money m;
	struct shop *sh = NULL;
	struct statement *st = NULL;
	long long minor = 0, seq = 0;
	enum od_code rc;

	rc = cli_money_args(&cmd_refund_entry, CLI_MONEY_REASON |
			    CLI_MONEY_ITEMS, argc, argv, &m, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = cli_order_amount(sh, m.number, m.amount, &minor,
				      currency, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_PAYMENT_REFUND, m.number,
				    &st, err);
	if (rc == OD_OK)
		rc = refund_fields(st, minor, m.reason, m.items,
				   m.nitems, m.ref, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK) {
		format_money(minor, currency, money, sizeof money);
		fprintf(c->out, "Order %s: %s refunded, signed by %s (log "
			"entry %lld).\n", m.number, money, sh->user, seq);
	}
	statement_free(st);
	shop_close(sh);
	cli_money_free(&m);
	return rc;
}

const struct cli_command cmd_refund_entry = {
	"refund", "NUMBER --amount AMOUNT --reason TEXT [--item SKU:QTY ...] "
	"[--reference TEXT]", "give money back (the owner)", cmd_refund,
};
