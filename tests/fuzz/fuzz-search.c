/*
 * fuzz-search.c - libFuzzer target for search text (lib/text-fold.c and
 * storage/store-search.c).
 *
 * Search text is typed by people and passed on the command line.  Whatever
 * the bytes: text that is not UTF-8 is refused with OD_E_INPUT; UTF-8 text
 * folds to UTF-8 that folding again leaves unchanged (the index and the
 * query must agree), and a search with it answers or is refused as input,
 * never fails as a broken FTS5 query.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "lib/text-fold.h"
#include "storage/store-search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *shop;

/* Takes a hit (nothing to check: any answer will do). */
static enum od_code any(void *ctx, const struct order *o, struct od_err *err)
{
	(void)ctx;
	(void)o;
	(void)err;
	return OD_OK;
}

/* An in-memory shop of one order, made once. */
static struct store *shop_get(void)
{
	struct order_item it = { "TEA-001", "Sencha \"first\" flush", 1, 5, 0 };
	struct order o;
	struct od_err err;

	if (shop != NULL)
		return shop;
	if (store_open_memory(&shop, &err) != OD_OK)
		abort();
	memset(&o, 0, sizeof o);
	o.number = "1001";
	o.placed_at = "2026-11-20T09:00:00Z";
	memcpy(o.currency, "EUR", 4);
	o.customer_name = "Jos\xc3\xa9 Garc\xc3\xad" "a";
	o.email = o.phone = o.postcode = o.note = "";
	o.ship_name = o.customer_name;
	o.city = "K\xc3\xb6ln";
	memcpy(o.country, "DE", 3);
	o.items = &it;
	o.nitems = 1;
	o.total = 5;
	if (store_order_insert(shop, &o, &err) != OD_OK)
		abort();
	return shop;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[STORE_SEARCH_MAX + 1], *once = NULL, *twice = NULL;
	struct store_filter f = { -1, text };
	size_t n1, n2;
	struct od_err err;
	enum od_code rc;

	if (size > STORE_SEARCH_MAX || memchr(data, 0, size) != NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = text_fold(text, size, &once, &n1, &err);
	if (u8_check(data, size) != NULL) {
		if (rc != OD_E_INPUT)
			abort();
		return 0;
	}
	if (rc != OD_OK || u8_check((const uint8_t *)once, n1) != NULL ||
	    strlen(once) != n1)
		abort();
	if (text_fold(once, n1, &twice, &n2, &err) != OD_OK || n1 != n2 ||
	    memcmp(once, twice, n1) != 0)
		abort();
	free(once);
	free(twice);
	rc = store_order_each(shop_get(), &f, any, NULL, &err);
	if (rc != OD_OK && rc != OD_E_INPUT)
		abort();
	return 0;
}
