/* order-filter-life.c - paid:, delivered: and return: terms as sets. */
#include "app/desk/order-filter-life.h"

#include <string.h>

#include "app/desk/order-filter.h"
#include "app/log/money.h"
#include "storage/records.h"

struct name_bits {
	const char *name;
	unsigned bits;
};

#define PAY(s) (1u << (s))

static const struct name_bits paid_names[] = {
	{ "unpaid", PAY(PAY_UNPAID) },
	{ "authorized", PAY(PAY_AUTHORIZED) },
	{ "cod", PAY(PAY_COD) },
	{ "partly", PAY(PAY_PARTLY_PAID) },
	{ "paid", PAY(PAY_PAID) },
	{ "partly-refunded", PAY(PAY_PARTLY_REFUNDED) },
	{ "refunded", PAY(PAY_REFUNDED) },
	/* What the Unpaid tab shows (desk-tabs.c): money still to come. */
	{ "no", PAY(PAY_UNPAID) | PAY(PAY_AUTHORIZED) | PAY(PAY_PARTLY_PAID) },
	{ NULL, 0 },
};

static const struct name_bits delivered_names[] = {
	{ "yes", 1u << ORDER_DELIVERED },
	/* What the To deliver tab shows: left, not yet arrived. */
	{ "no", 1u << ORDER_SHIPPED },
	{ NULL, 0 },
};

static const struct name_bits return_names[] = {
	{ "open", FILTER_RETURN_OPEN },
	{ "closed", FILTER_RETURN_CLOSED },
	{ "none", FILTER_RETURN_NONE },
	{ NULL, 0 },
};

/*
 * The union of the bits of each comma-separated name in v; 0 when one is
 * unknown or empty, so "paid:unpaid,cod" is either and "paid:x" refused.
 */
static unsigned parse_set(const char *v, const struct name_bits *names)
{
	unsigned set = 0;
	size_t len, i;

	for (;;) {
		len = strcspn(v, ",");
		for (i = 0; names[i].name != NULL; i++)
			if (strlen(names[i].name) == len &&
			    memcmp(names[i].name, v, len) == 0)
				break;
		if (names[i].name == NULL)
			return 0;
		set |= names[i].bits;
		if (v[len] == '\0')
			return set;
		v += len + 1;
	}
}

unsigned filter_paid_parse(const char *v)
{
	return parse_set(v, paid_names);
}

unsigned filter_delivered_parse(const char *v)
{
	/* One answer: yes,no would be a wordy way to say shipped. */
	return strchr(v, ',') ? 0 : parse_set(v, delivered_names);
}

unsigned filter_return_parse(const char *v)
{
	return parse_set(v, return_names);
}

int filter_return_ok(unsigned want, unsigned known)
{
	if (known == 0)
		known = FILTER_RETURN_ANY;
	if ((known & want) == 0)
		return 0;
	return (known & ~want) == 0 ? 1 : -1;
}
