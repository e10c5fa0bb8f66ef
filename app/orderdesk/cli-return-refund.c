/*
 * cli-return-refund.c - the refund `return close RMA --accept --refund
 * AMOUNT` signs with the close, in one append: a payment.refund naming the
 * return (app/log/fold-refund-rma.c ties them), checked as any refund.
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>

#include "lib/format.h"

enum od_code cli_return_refund(struct shop *sh, const char *order,
			       const char *rma, const char *amount,
			       const char *reason, struct statement **out,
			       char money[48], struct od_err *err)
{
	char currency[4], minor_text[24], why[96];
	long long minor = 0;
	enum od_code rc = cli_order_amount(sh, order, amount, &minor, currency,
					   err);

	*out = NULL;
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_PAYMENT_REFUND, order, out, err);
	snprintf(minor_text, sizeof minor_text, "%lld", minor);
	snprintf(why, sizeof why, "return %s accepted", rma);
	if (rc == OD_OK)
		rc = statement_add(*out, "amount", minor_text, err);
	if (rc == OD_OK)
		rc = statement_add(*out, "reason", reason ? reason : why, err);
	if (rc == OD_OK)
		rc = statement_add(*out, "rma", rma, err);
	if (rc == OD_OK)
		format_money(minor, currency, money, 48);
	return rc;
}
