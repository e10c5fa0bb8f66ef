/* cmdline-parse.c - the `:` command line's words: parsing, completion. */
#include "ui/cmdline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"

#define WORDS_MAX 64

const char *const cmdline_verbs[] = {
	"cancel", "confirm", "filter", "hold", "note", "release", "ship",
	"unconfirm", NULL,
};

/* Each acting verb, its kind and its form, for the refusals. */
static const struct {
	const char *verb;
	enum stmt_kind kind;
	const char *form;
} acts[] = {
	{ "confirm", STMT_ORDER_CONFIRM, "confirm NUMBER... (or FIRST-LAST)" },
	{ "cancel", STMT_ORDER_CANCEL, "cancel NUMBER REASON" },
	{ "hold", STMT_ORDER_HOLD, "hold NUMBER... REASON" },
	{ "release", STMT_ORDER_RELEASE, "release NUMBER... [REASON]" },
	{ "note", STMT_ORDER_NOTE, "note NUMBER TEXT" },
	{ "unconfirm", STMT_ORDER_UNCONFIRM, "unconfirm NUMBER" },
	{ "ship", STMT_SHIPMENT_CONFIRM, "ship NUMBER --carrier NAME "
	  "--tracking CODE [--item SKU[:QTY]]" },
};
#define NACTS (sizeof acts / sizeof acts[0])

/* Splits line into words in store (double quotes keep spaces). */
static size_t split(const char *line, char *store, size_t cap,
		    char **words, int *open_quote)
{
	size_t n = 0, k = 0;
	const char *s = line;
	int quoted = 0;

	while (*s != '\0' && n < WORDS_MAX) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		words[n++] = store + k;
		for (; *s != '\0' && (quoted || *s != ' '); s++) {
			if (*s == '"') {
				quoted = !quoted;
				continue;
			}
			if (k + 2 < cap)
				store[k++] = *s;
		}
		store[k++] = '\0';
	}
	*open_quote = quoted;
	return n;
}

/* Joins words[from..n) with single spaces into out. */
static void join(char **words, size_t from, size_t n, char *out, size_t size)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = from; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i > from ? " " : "", words[i]);
}

/* The options of ship: --carrier, --tracking, --item (repeated). */
static int ship_opts(struct cmdline *c, char **w, size_t n, char *why,
		     size_t size)
{
	size_t i, len = 0;

	for (i = 2; i < n; i++) {
		if (i + 1 >= n || strncmp(w[i], "--", 2) != 0)
			break;
		if (strcmp(w[i], "--carrier") == 0)
			snprintf(c->carrier, sizeof c->carrier, "%s", w[++i]);
		else if (strcmp(w[i], "--tracking") == 0)
			snprintf(c->tracking, sizeof c->tracking, "%s",
				 w[++i]);
		else if (strcmp(w[i], "--item") == 0 && len < sizeof c->text)
			len += (size_t)snprintf(c->text + len,
						sizeof c->text - len, "%s%s",
						len ? ", " : "", w[++i]);
		else
			break;
	}
	if (i == n && c->carrier[0] && c->tracking[0])
		return 0;
	snprintf(why, size, ":ship needs --carrier and --tracking: %s",
		 acts[NACTS - 1].form);
	return -1;
}

/* Whether s is all digits (1 to 18 of them: a long long holds it). */
static int digits(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 18)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Whether w is FIRST-LAST, both all digits, FIRST <= LAST. */
static int range(const char *w, long long *lo, long long *hi, int *width)
{
	const char *dash = strchr(w, '-');

	if (dash == NULL || !digits(w, (size_t)(dash - w)) ||
	    !digits(dash + 1, strlen(dash + 1)))
		return 0;
	*lo = strtoll(w, NULL, 10);
	*hi = strtoll(dash + 1, NULL, 10);
	/* 0998-1002 keeps its leading zeros. */
	*width = w[0] == '0' ? (int)(dash - w) : 0;
	return *lo <= *hi;
}

/* Whether a word after the first order names orders: digits or a range. */
static int names_orders(const char *w)
{
	long long lo, hi;
	int width;

	return digits(w, strlen(w)) || range(w, &lo, &hi, &width);
}

/* Adds the order (or the range of them) w names to c; -1 past the most. */
static int add_orders(struct cmdline *c, const char *w)
{
	long long lo, hi;
	int width;

	if (!range(w, &lo, &hi, &width)) {
		if (c->n >= CMDLINE_ORDERS_MAX)
			return -1;
		snprintf(c->numbers[c->n++], sizeof c->numbers[0], "%s", w);
		return 0;
	}
	if (hi - lo >= (long long)(CMDLINE_ORDERS_MAX - c->n))
		return -1;
	for (; lo <= hi; lo++)
		snprintf(c->numbers[c->n++], sizeof c->numbers[0], "%0*lld",
			 width, lo);
	return 0;
}

/* The orders an acting verb names from w[1]; the word after them. */
static int act_orders(struct cmdline *c, size_t a, char **w, size_t n,
		      size_t *from, char *why, size_t size)
{
	int several = c->kind == STMT_ORDER_CONFIRM ||
		      c->kind == STMT_ORDER_HOLD ||
		      c->kind == STMT_ORDER_RELEASE;
	struct od_err err;

	if (n < 2 || order_number_check(w[1], &err) != OD_OK) {
		snprintf(why, size, ":%s needs an order number: %s", w[0],
			 acts[a].form);
		return -1;
	}
	for (*from = 1; *from < n && (*from == 1 || (several &&
	     names_orders(w[*from]))); ++*from)
		if (add_orders(c, w[*from]) != 0) {
			snprintf(why, size, ":%s: at most %d orders in one "
				 "command", w[0], CMDLINE_ORDERS_MAX);
			return -1;
		}
	/* ship's words after the order are options: a number there is
	 * another order. */
	if ((c->n > 1 && !several) || (c->kind == STMT_SHIPMENT_CONFIRM &&
	    *from < n && names_orders(w[*from]))) {
		snprintf(why, size, ":%s takes one order (several: confirm, "
			 "hold, release): %s", w[0], acts[a].form);
		return -1;
	}
	snprintf(c->number, sizeof c->number, "%s", c->numbers[0]);
	return 0;
}

/* An acting verb's arguments (w[0] is the verb, w[1] the first order). */
static int act_args(struct cmdline *c, size_t a, char **w, size_t n,
		    char *why, size_t size)
{
	size_t from;
	int need_text = c->kind == STMT_ORDER_CANCEL ||
			c->kind == STMT_ORDER_HOLD ||
			c->kind == STMT_ORDER_NOTE;

	if (act_orders(c, a, w, n, &from, why, size) != 0)
		return -1;
	if (c->kind == STMT_SHIPMENT_CONFIRM)
		return ship_opts(c, w, n, why, size);
	if (from < n && strcmp(w[from], "--reason") == 0)
		from++;
	join(w, from, n, c->text, sizeof c->text);
	if ((c->kind == STMT_ORDER_CONFIRM && from < n) ||
	    (need_text && c->text[0] == '\0')) {
		snprintf(why, size, "%s: %s", c->kind == STMT_ORDER_CONFIRM ?
			 ":confirm takes order numbers only" : "say why",
			 acts[a].form);
		return -1;
	}
	if (c->kind == STMT_ORDER_UNCONFIRM && n > 2) {
		snprintf(why, size, ":unconfirm takes one order: %s",
			 acts[a].form);
		return -1;
	}
	return 0;
}

int cmdline_parse(const char *line, struct cmdline *c, char *why,
		  size_t size)
{
	char store[CMDLINE_MAX * 2 + WORDS_MAX], *w[WORDS_MAX];
	struct od_err err;
	int open_quote;
	size_t n, a;

	memset(c, 0, sizeof *c);
	while (*line == ' ')
		line++;
	if (strncmp(line, "filter", 6) == 0 &&
	    (line[6] == ' ' || line[6] == '\0')) {
		c->verb = CMDLINE_FILTER;
		snprintf(c->text, sizeof c->text, "%s", line + 6 +
			 strspn(line + 6, " "));
		return 0;
	}
	n = split(line, store, sizeof store, w, &open_quote);
	if (open_quote) {
		snprintf(why, size, "a quote is left open; close it");
		return -1;
	}
	if (n == 0) {
		snprintf(why, size, "type a command: an order number, or %s",
			 "confirm, cancel, hold, release, note, ship, filter");
		return -1;
	}
	for (a = 0; a < NACTS; a++)
		if (strcmp(w[0], acts[a].verb) == 0) {
			c->verb = CMDLINE_ACT;
			c->kind = acts[a].kind;
			return act_args(c, a, w, n, why, size);
		}
	if (n == 1 && order_number_check(w[0], &err) == OD_OK) {
		c->verb = CMDLINE_OPEN;
		snprintf(c->number, sizeof c->number, "%s", w[0]);
		return 0;
	}
	snprintf(why, size, "unknown command; use an order number (:1042) or"
		 " confirm, cancel, hold, release, note, ship, filter");
	return -1;
}

int cmdline_in_orders(const char *buf)
{
	char store[CMDLINE_MAX * 2 + WORDS_MAX], *w[WORDS_MAX];
	int open_quote;
	size_t n = split(buf, store, sizeof store, w, &open_quote), i;

	/* "hold 10": the word being typed is the last; one ended by a
	 * space is done, and the next is being started. */
	if (buf[0] != '\0' && buf[strlen(buf) - 1] == ' ')
		n++;
	if (n < 2)
		return 0;
	for (i = 2; i + 1 < n; i++)
		if (!names_orders(w[i]))
			return 0;
	return n == 2 || strcmp(w[0], "confirm") == 0 ||
	       strcmp(w[0], "hold") == 0 || strcmp(w[0], "release") == 0;
}

int cmdline_first_word(const char *buf)
{
	buf += strspn(buf, " ");
	return strchr(buf, ' ') == NULL;
}

/* Bytes that a and b share at their start. */
static size_t common(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

size_t cmdline_complete(char *buf, size_t cap, const char *const *cands,
			size_t n, char *list, size_t size)
{
	char *word = strrchr(buf, ' ');
	size_t wlen, i, hits = 0, len = 0, keep = 0, ll = 0;
	const char *first = NULL;

	word = word ? word + 1 : buf;
	wlen = strlen(word);
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strncmp(cands[i], word, wlen) != 0)
			continue;
		if (hits++ == 0) {
			first = cands[i];
			keep = strlen(first);
		} else {
			len = common(first, cands[i]);
			keep = len < keep ? len : keep;
		}
		if (ll < size)
			ll += (size_t)snprintf(list + ll, size - ll, "%s%s",
					       ll ? " " : "", cands[i]);
	}
	if (hits == 0 || (size_t)(word - buf) + keep + 2 > cap)
		return hits;
	memcpy(word, first, keep);
	word[keep] = '\0';
	if (hits == 1)
		strcat(word, " ");
	return hits;
}
