/*
 * cli.h - the desk's scriptable face: `orderdesk [options] COMMAND ...`.
 *
 * Each command lives in an app/orderdesk/cmd-*.c file and is registered
 * in the table in cli.c (tmux's way: one const struct per command).  A
 * command gets its own arguments (argv[0] is its name) and reports failure
 * through err; cli.c prints the one-line message and picks the exit status
 * (lib/err.h).  What the commands call (usage, flush, unlock) is in
 * cli-common.c.
 */
#ifndef OD_CLI_H
#define OD_CLI_H

#include <stdio.h>

#include "app/shop/shop.h"
#include "lib/err.h"
#include "storage/records.h"

struct cli {
	char *store_dir;   /* resolved --store, or the default */
	const char *user;  /* --user, or NULL */
	int pass_fd;       /* --passphrase-fd, or -1 for the terminal */
	FILE *out;         /* where results go (stdout) */
};

struct cli_command {
	const char *name;
	const char *usage;    /* arguments, for the usage line */
	const char *summary;  /* one line for `orderdesk help` */
	enum od_code (*run)(struct cli *c, int argc, char **argv,
			    struct od_err *err);
};

/* The commands, each defined in its own file. */
extern const struct cli_command cmd_init_entry, cmd_user_entry,
	cmd_import_entry, cmd_list_entry, cmd_show_entry, cmd_confirm_entry,
	cmd_cancel_entry, cmd_note_entry, cmd_hold_entry, cmd_release_entry,
	cmd_ship_entry, cmd_log_entry, cmd_audit_entry, cmd_backup_entry,
	cmd_restore_entry;
extern const struct cli_command cmd_sync_entry, cmd_conflicts_entry;
extern const struct cli_command cmd_desk_entry, cmd_clock_entry,
	cmd_witness_entry;
extern const struct cli_command cmd_pay_entry, cmd_refund_entry,
	cmd_deliver_entry, cmd_return_entry;
extern const struct cli_command cmd_slip_entry, cmd_picklist_entry;
extern const struct cli_command cmd_evidence_entry;
extern const struct cli_command cmd_role_entry, cmd_amend_entry;
extern const struct cli_command cmd_unconfirm_entry;
extern const struct cli_command cmd_stock_entry;

/*
 * Reads an amount typed for order number ("25.00") in the order's own
 * currency into minor units (cli-money.c; pay and refund share it).
 */
enum od_code cli_order_amount(struct shop *sh, const char *number,
			      const char *text, long long *minor,
			      char currency[4], struct od_err *err);

/*
 * The refund of `return close RMA --accept --refund AMOUNT` for order
 * (cli-return-refund.c): *out, the caller's, names rma; money gets the
 * amount as people read it.
 */
enum od_code cli_return_refund(struct shop *sh, const char *order,
			       const char *rma, const char *amount,
			       const char *reason, struct statement **out,
			       char money[48], struct od_err *err);

/* The options of pay and refund, as typed (cli-money.c). */
enum { CLI_MONEY_METHOD = 1, CLI_MONEY_REASON = 2, CLI_MONEY_ITEMS = 4 };  /* bits */

struct cli_money {
	const char *number;    /* the order */
	const char *amount;    /* --amount, required */
	const char *method;    /* --method, "other" if not given */
	const char *reason;    /* --reason, required if taken */
	const char *ref;       /* --reference, or NULL */
	char **items;          /* --item SKU:QTY ..., nitems of them */
	size_t nitems;
};

/*
 * Reads NUMBER --amount A [--reference TEXT] and the options in takes
 * (CLI_MONEY_*); anything else gives cmd's usage.  m->items is freed by
 * cli_money_free.
 */
enum od_code cli_money_args(const struct cli_command *cmd, unsigned takes,
			    int argc, char **argv, struct cli_money *m,
			    struct od_err *err);
void cli_money_free(struct cli_money *m);

/*
 * Adds to the return.close st of return rma of order the restock lines:
 * each --restock-item SKU:QTY in items, or with all every unit the
 * return's inspection received (cli-restock.c).
 */
enum od_code cli_return_restock(struct shop *sh, const char *order,
				const char *rma, int all, char **items,
				size_t nitems, struct statement *st,
				struct od_err *err);

/*
 * Adds to the order.amend st the add-item of --add-item arg for order o
 * and its amount to *total (cli-amend-add.c); OD_E_USAGE for a malformed
 * arg or a SKU o has.
 */
enum od_code cli_amend_add_item(struct statement *st, const struct order *o,
				const char *arg, long long *total,
				struct od_err *err);

/*
 * `show`'s parcels (dd's shipments) with their delivery, and how many of
 * an order's parcels are delivered (cli-parcels.c).
 */
struct desk_detail;
enum od_code cli_show_parcels(struct cli *c, struct shop *sh,
			      const struct desk_detail *dd,
			      struct od_err *err);
enum od_code cli_parcels_delivered(struct shop *sh, const char *number,
				   size_t *delivered, size_t *parcels,
				   struct od_err *err);

/* The longest the desk's own options may ask for, in seconds. */
#define CLI_IDLE_MAX 86400        /* --idle-lock: the longest idle lock */
#define CLI_SYNC_EVERY_MAX 86400  /* --sync-every: between background syncs */

/* cli_main's answer when no command was given: open the desk's screens. */
#define CLI_DESK (-1)

/* What the global options ask of the desk's screens (ui_run's arguments). */
struct cli_desk {
	char *store_dir;   /* --store or the default; the caller frees it */
	const char *user;  /* --user (points into argv), or NULL */
	int idle_secs;     /* --idle-lock, or -1 for the desk's default */
	int sync_every_s;  /* --sync-every, or -1 for the desk's default */
};

/*
 * Runs the desk's command line; returns the process exit status.  With no
 * command (and a terminal on stdin and stdout) it runs nothing and returns
 * CLI_DESK with *desk filled: the caller opens the screens (ui/, which the
 * command line does not reach) and frees desk->store_dir.
 */
int cli_main(int argc, char **argv, struct cli_desk *desk);

/*
 * Unlocks the store as the chosen user: --user, else $ORDERDESK_USER, else
 * the only user there is.  Reads the passphrase, wipes it after use.
 */
enum od_code cli_unlock(struct cli *c, enum shop_access access,
			struct shop **out, struct od_err *err);

/*
 * Asks a token's PIN as the passphrase is asked (--passphrase-fd's next
 * line, or the terminal without echo) whenever a key on a token first
 * signs (cli-pin.c).
 */
void cli_pin_setup(struct cli *c);

/* Writes len bytes to a new file dir/name, mode 0600 (cmd-log.c). */
enum od_code cli_write_file(const char *dir, const char *name,
			    const void *p, size_t len, struct od_err *err);

/*
 * Exports entry r as SEQ.statement (the exact signed bytes), SEQ.sig (the
 * raw 64-byte Ed25519 signature) and SEQ.signer (the signer's name), so
 * that `openssl pkeyutl -verify -rawin` can check it without orderdesk
 * (cmd-log.c).
 */
enum od_code cli_export_entry(const char *dir, const struct log_record *r,
			      const char *actor, struct od_err *err);

/* `audit events [--fetch]` (cmd-audit-events.c); argv[0] is "events". */
enum od_code cli_audit_events(struct cli *c, int argc, char **argv,
			      struct od_err *err);

/* Usage error for a command: "usage: orderdesk NAME ARGS". */
enum od_code cli_usage(const struct cli_command *cmd, struct od_err *err);

/* Writes to c->out, turning a write error (EPIPE, ENOSPC) into err. */
enum od_code cli_flush(struct cli *c, struct od_err *err);

#endif
