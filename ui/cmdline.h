/*
 * cmdline.h - the screens' `:` command line (vi's and mutt's): the
 * command-line verbs typed on the screen, through the same facade calls
 * and the same signing dialog as the keys.
 *
 *   :1042                                     open order 1042
 *   :confirm 1042 [1043 ...]                  several: the bulk path,
 *   :confirm 1001-1010                        a range of numbers too
 *   :cancel 1046 customer asked               (or --reason TEXT)
 *   :hold 1045 1046 1050 address check        (or --reason TEXT)
 *   :release 1045 [1046 ...] [TEXT]
 *   :note 1042 gift wrap
 *   :ship 1042 --carrier DHL --tracking JD1 [--item SKU[:QTY]] ...
 *   :filter EXPR                              the filter language
 *                                             (app/desk/order-filter.h);
 *                                             `:filter` alone clears it
 *
 * Parsing and completion are pure (tests/unit/test-cmdline.c); reading
 * the line and running it is cmdline.c's.
 */
#ifndef OD_UI_CMDLINE_H
#define OD_UI_CMDLINE_H

#include <stddef.h>

#include "app/log/statement.h"

#define CMDLINE_MAX 1024          /* bytes of a typed command */
#define CMDLINE_FIELD_MAX 64      /* carrier, tracking */
#define CMDLINE_ORDERS_MAX 300    /* orders one command names (a bulk
				     action's most, DESK_BULK_MAX) */

enum cmdline_verb {
	CMDLINE_OPEN,             /* :1042 */
	CMDLINE_FILTER,           /* :filter EXPR */
	CMDLINE_ACT,              /* a verb that signs */
};

/* A parsed command. */
struct cmdline {
	enum cmdline_verb verb;
	enum stmt_kind kind;                  /* CMDLINE_ACT */
	char number[STMT_ORDER_MAX + 1];      /* OPEN, ACT: the first */
	/* ACT: every order named, number the first; more than one only for
	 * confirm, hold and release, which then go the bulk way.  After the
	 * first, a word counts as an order when all digits or a range of
	 * them (1001-1010); a reason starting with one needs --reason. */
	size_t n;
	char numbers[CMDLINE_ORDERS_MAX][STMT_ORDER_MAX + 1];
	char text[CMDLINE_MAX + 1];           /* reason, note, filter, or a
						 parcel's items "SKU:QTY, ..." */
	char carrier[CMDLINE_FIELD_MAX + 1];
	char tracking[CMDLINE_FIELD_MAX + 1];
};

/*
 * Parses line (without the ':').  On failure returns -1 with why: one
 * line saying what is wrong and the form expected.
 */
int cmdline_parse(const char *line, struct cmdline *c, char *why,
		  size_t size);

/* The verbs, for completion and help; NULL-ended. */
extern const char *const cmdline_verbs[];

/*
 * Completes the last word of buf (cap bytes) against cands: a word only
 * one candidate starts with is finished and followed by a space; several
 * share a longer start, it is extended to it and the candidates (up to
 * size bytes of them, space-separated) go to list.  Returns how many
 * candidates matched.
 */
size_t cmdline_complete(char *buf, size_t cap, const char *const *cands,
			size_t n, char *list, size_t size);

/* Whether the last word of buf stands where an order number goes: the
 * first after the verb, or any of several orders (confirm, hold,
 * release) after numbers only. */
int cmdline_in_orders(const char *buf);

/* Whether the last word of buf is the first one (a verb is completed). */
int cmdline_first_word(const char *buf);

#endif
