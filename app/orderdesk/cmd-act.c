/*
 * cmd-act.c - the commands that act on orders: confirm, cancel, note, hold,
 * release and ship.  Each makes one signed statement per order; the fold
 * decides whether it may happen (role, state), so these only gather fields.
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-shop.h"
#include "app/log/order.h"

/* Reports what was signed. */
static void report(struct cli *c, struct shop *sh, const char *what,
		   const char *number, long long seq)
{
	fprintf(c->out, "Order %s %s, signed by %s (log entry %lld).\n",
		number, what, sh->user, seq);
}

/*
 * Signs one statement of kind about number with an optional field, and
 * reports it.  Opens and closes the shop around it.
 */
static enum od_code act_one(struct cli *c, enum stmt_kind kind,
			    const char *number, const char *field,
			    const char *value, const char *done,
			    struct od_err *err)
{
	struct shop *sh = NULL;
	struct statement *st = NULL;
	long long seq = 0;
	enum od_code rc = cli_unlock(c, SHOP_WRITE, &sh, err);

	if (rc == OD_OK)
		rc = desk_make(sh, kind, number, field, value, &st, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK)
		report(c, sh, done, number, seq);
	statement_free(st);
	shop_close(sh);
	return rc;
}

/* Reads the one option --reason TEXT; returns the first non-option index. */
static enum od_code reason_opt(int argc, char **argv, const char **reason,
			       const struct cli_command *cmd,
			       struct od_err *err)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*reason = NULL;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'r')
			return cli_usage(cmd, err);
		*reason = optarg;
	}
	return OD_OK;
}

struct confirm_job {
	struct shop *sh;
	char **numbers;
};

static enum od_code make_confirm(void *ctx, size_t i, struct statement **out,
				 struct od_err *err)
{
	struct confirm_job *job = ctx;

	return shop_statement(job->sh, STMT_ORDER_CONFIRM, job->numbers[i],
			      out, err);
}

/* confirm NUMBER...: all in one transaction, each signed on its own. */
static enum od_code cmd_confirm(struct cli *c, int argc, char **argv,
				struct od_err *err)
{
	struct confirm_job job;
	struct shop *sh = NULL;
	long long first = 0;
	size_t n = (size_t)argc - 1;
	enum od_code rc;

	if (argc < 2)
		return cli_usage(&cmd_confirm_entry, err);
	rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc != OD_OK)
		return rc;
	job.sh = sh;
	job.numbers = argv + 1;
	rc = shop_append_many(sh, n, make_confirm, &job, &first, err);
	if (rc == OD_OK && n == 1)
		report(c, sh, "confirmed", argv[1], first);
	else if (rc == OD_OK)
		fprintf(c->out, "Confirmed %zu orders, signed by %s (log "
			"entries %lld to %lld).\n", n, sh->user, first,
			first + (long long)n - 1);
	else if (n > 1) {
		char why[OD_ERR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->msg);
		od_err_set(err, rc, "%.200s; none of the %zu orders was "
			   "confirmed", why, n);
	}
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_confirm_entry = {
	"confirm", "NUMBER...", "confirm new orders", cmd_confirm,
};

static enum od_code cmd_cancel(struct cli *c, int argc, char **argv,
			       struct od_err *err)
{
	const char *reason;
	enum od_code rc = reason_opt(argc, argv, &reason, &cmd_cancel_entry,
				     err);

	if (rc != OD_OK)
		return rc;
	if (reason == NULL || optind + 1 != argc)
		return cli_usage(&cmd_cancel_entry, err);
	return act_one(c, STMT_ORDER_CANCEL, argv[optind], "reason", reason,
		       "cancelled", err);
}

const struct cli_command cmd_cancel_entry = {
	"cancel", "NUMBER --reason TEXT", "cancel an order", cmd_cancel,
};

static enum od_code cmd_hold(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	const char *reason;
	enum od_code rc = reason_opt(argc, argv, &reason, &cmd_hold_entry,
				     err);

	if (rc != OD_OK)
		return rc;
	if (reason == NULL || optind + 1 != argc)
		return cli_usage(&cmd_hold_entry, err);
	return act_one(c, STMT_ORDER_HOLD, argv[optind], "reason", reason,
		       "put on hold", err);
}

const struct cli_command cmd_hold_entry = {
	"hold", "NUMBER --reason TEXT", "hold an order before shipping",
	cmd_hold,
};

static enum od_code cmd_release(struct cli *c, int argc, char **argv,
				struct od_err *err)
{
	const char *reason;
	enum od_code rc = reason_opt(argc, argv, &reason, &cmd_release_entry,
				     err);

	if (rc != OD_OK)
		return rc;
	if (optind + 1 != argc)
		return cli_usage(&cmd_release_entry, err);
	return act_one(c, STMT_ORDER_RELEASE, argv[optind], "reason", reason,
		       "released", err);
}

const struct cli_command cmd_release_entry = {
	"release", "NUMBER [--reason TEXT]", "release a held order",
	cmd_release,
};

static enum od_code cmd_note(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	if (argc != 3)
		return cli_usage(&cmd_note_entry, err);
	return act_one(c, STMT_ORDER_NOTE, argv[1], "text", argv[2],
		       "noted", err);
}

const struct cli_command cmd_note_entry = {
	"note", "NUMBER TEXT", "add a note to an order", cmd_note,
};

/* Adds each "SKU=SERIAL" as a serial field "SKU SERIAL". */
static enum od_code add_serials(struct statement *st, char **serials,
				size_t n, struct od_err *err)
{
	char value[2 * 64 + 2];
	const char *eq;
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < n && rc == OD_OK; i++) {
		eq = strchr(serials[i], '=');
		if (eq == NULL || eq == serials[i] || eq[1] == '\0' ||
		    strlen(serials[i]) >= sizeof value)
			return od_err_set(err, OD_E_USAGE,
					  "--serial: give SKU=SERIAL, e.g. "
					  "PHONE-1=356938035643809");
		snprintf(value, sizeof value, "%.*s %s",
			 (int)(eq - serials[i]), serials[i], eq + 1);
		rc = statement_add(st, "serial", value, err);
	}
	return rc;
}

/*
 * What a signed parcel did: "Order 1009 shipped" when it was the last (or
 * only) one, else "Parcel for order 1009 (1 of 5 items)", saying that the
 * order stays confirmed and how much is left, so that nobody takes a
 * partial parcel for the whole order.
 */
static void say_parcel(struct cli *c, const char *number, const char *carrier,
		       const char *tracking, const char *user, long long seq,
		       const struct desk_units *before,
		       const struct desk_units *after)
{
	long long parcel = after->shipped - before->shipped;

	if (after->status != ORDER_CONFIRMED && before->shipped == 0) {
		fprintf(c->out, "Order %s shipped with %s, tracking %s, signed "
			"by %s (log entry %lld).\n", number, carrier,
			tracking, user, seq);
	} else if (after->status != ORDER_CONFIRMED) {
		fprintf(c->out, "Last parcel for order %s (%lld of %lld "
			"item%s) with %s, tracking %s, signed by %s (log "
			"entry %lld); the order is shipped.\n", number, parcel,
			after->total, after->total == 1 ? "" : "s", carrier,
			tracking, user, seq);
	} else {
		fprintf(c->out, "Parcel for order %s (%lld of %lld item%s) "
			"with %s, tracking %s, signed by %s (log entry %lld);"
			" the order stays confirmed, %lld item%s left to "
			"ship.\n", number, parcel, after->total,
			after->total == 1 ? "" : "s", carrier, tracking, user,
			seq, after->total - after->shipped,
			after->total - after->shipped == 1 ? "" : "s");
	}
}

/*
 * ship NUMBER --carrier NAME --tracking CODE [--item SKU[:QTY] ...]
 *      [--serial SKU=SERIAL ...]
 */
static enum od_code cmd_ship(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "carrier", required_argument, NULL, 'c' },
		{ "tracking", required_argument, NULL, 't' },
		{ "item", required_argument, NULL, 'i' },
		{ "serial", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *carrier = NULL, *tracking = NULL;
	char **items = calloc((size_t)argc, sizeof *items);
	char **serials = calloc((size_t)argc, sizeof *serials);
	struct shop *sh = NULL;
	struct statement *st = NULL;
	struct desk_units before, after;
	size_t nitems = 0, nserials = 0;
	long long seq = 0;
	enum od_code rc = OD_OK;
	int opt;

	if (items == NULL || serials == NULL) {
		free(items);
		free(serials);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'c')
			carrier = optarg;
		else if (opt == 't')
			tracking = optarg;
		else if (opt == 'i')
			items[nitems++] = optarg;
		else if (opt == 'n')
			serials[nserials++] = optarg;
		else
			rc = cli_usage(&cmd_ship_entry, err);
	}
	if (rc == OD_OK && (carrier == NULL || tracking == NULL ||
			    optind + 1 != argc))
		rc = cli_usage(&cmd_ship_entry, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_SHIPMENT_CONFIRM, argv[optind],
				    &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "carrier", carrier, err);
	if (rc == OD_OK)
		rc = statement_add(st, "tracking", tracking, err);
	if (rc == OD_OK)
		rc = desk_ship_items(sh, st, argv[optind], items, nitems,
				     err);
	if (rc == OD_OK)
		rc = add_serials(st, serials, nserials, err);
	if (rc == OD_OK)
		rc = desk_ship_units(sh, argv[optind], &before, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK)
		rc = desk_ship_units(sh, argv[optind], &after, err);
	if (rc == OD_OK)
		say_parcel(c, argv[optind], carrier, tracking, sh->user, seq,
			   &before, &after);
	statement_free(st);
	shop_close(sh);
	free(items);
	free(serials);
	return rc;
}

const struct cli_command cmd_ship_entry = {
	"ship", "NUMBER --carrier NAME --tracking CODE [--item SKU[:QTY] ...] "
	"[--serial SKU=SERIAL ...]",
	"confirm a shipment (a parcel)", cmd_ship,
};
