/*
 * fixture-desk.c - a temporary shop, an order in it and a desk on it, for
 * the desk's unit tests (fixture-desk.h).
 */
#include "tests/unit/fixture-desk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/log/order.h"

int fixture_desk_dir(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "/tmp/%s.XXXXXX", name);
	if (strlen(dir) + 3 > size || mkdtemp(dir) == NULL)
		return -1;
	strcat(dir, "/s");
	return 0;
}

int fixture_desk_dir_remove(char *dir)
{
	char cmd[128];

	dir[strlen(dir) - 2] = '\0';
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

void fixture_desk_order(struct order *o, const char *number)
{
	memset(o, 0, sizeof *o);
	o->number = (char *)number;
	o->placed_at = "2026-11-01T10:00:00Z";
	memcpy(o->currency, "EUR", 4);
	o->customer_name = "Anna Müller";
	o->email = "";
	o->phone = "";
	o->ship_name = "Anna Müller";
	o->ship_lines[0] = "1 Main Street";
	o->nlines = 1;
	o->city = "Berlin";
	o->postcode = "";
	memcpy(o->country, "DE", 3);
	o->note = "";
}

enum od_code fixture_desk_sign_order(struct shop *sh, const struct order *o,
				     struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc;

	rc = shop_statement(sh, STMT_ORDER_PLACED, o->number, &st, err);
	if (rc == OD_OK)
		rc = order_to_statement(o, st, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, NULL, err);
	statement_free(st);
	return rc;
}

enum od_code fixture_desk_place(struct shop *sh, const char *number,
				struct od_err *err)
{
	struct order_item item = { "TEA-1", "Green tea", 2, 450, 0 };
	struct order o;

	fixture_desk_order(&o, number);
	o.items = &item;
	o.nitems = 1;
	o.total = 900;
	return fixture_desk_sign_order(sh, &o, err);
}

/* Adds user with role and pass to sh; the shop's code. */
static enum od_code add_user(struct shop *sh, const char *user,
			     enum role role, const char *pass,
			     struct od_err *err)
{
	return shop_user_add(sh, user, role, pass, strlen(pass), err);
}

/* Places orders 3001 and 3002; the shop's code. */
static enum od_code two_orders(struct shop *sh, struct od_err *err)
{
	enum od_code rc = fixture_desk_place(sh, "3001", err);

	return rc == OD_OK ? fixture_desk_place(sh, "3002", err) : rc;
}

int fixture_desk_shop(char *dir, size_t size, const char *name,
		      const char *title, int with_sam,
		      enum od_code (*orders)(struct shop *sh,
					     struct od_err *err))
{
	const char *owner = FIXTURE_DESK_OWNER_PASS;
	struct shop *sh = NULL;
	struct od_err err;

	if (fixture_desk_dir(dir, size, name) != 0)
		return -1;
	if (shop_init(dir, title, "owner", owner, strlen(owner),
		      &err) != OD_OK ||
	    shop_unlock(dir, "owner", owner, strlen(owner), SHOP_WRITE, &sh,
			&err) != OD_OK ||
	    add_user(sh, "mei", ROLE_SHOPKEEPER, FIXTURE_DESK_MEI_PASS,
		     &err) != OD_OK ||
	    (with_sam && add_user(sh, "sam", ROLE_STAFF, FIXTURE_DESK_SAM_PASS,
				  &err) != OD_OK) ||
	    (orders != NULL ? orders : two_orders)(sh, &err) != OD_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		shop_close(sh);
		return -1;
	}
	shop_close(sh);
	return 0;
}

struct desk *fixture_desk_open(const char *dir, const char *user,
			       const char *pass)
{
	struct desk *d = NULL;
	struct od_err err;

	assert_int_equal(desk_new(dir, &d, &err), OD_OK);
	if (desk_unlock(d, user, pass, strlen(pass), &err) != OD_OK)
		fail_msg("unlock %s: %s", user, err.msg);
	return d;
}
