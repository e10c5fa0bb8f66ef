/*
 * import-stores.c - which storefront wrote a CSV file, told by its header
 * line, and the one reader the stream (import.c) calls for all of them.
 */
#include "app/import/import-stores.h"

#include <stdlib.h>
#include <string.h>

#include "app/import/import-amazon.h"
#include "app/import/import-etsy.h"
#include "app/import/import-shopify.h"

struct import_store {
	enum import_source src;
	struct import_shopify *shopify;
	struct import_amazon *amazon;
	struct import_etsy *etsy;
};

/* Whether the first line of head[0..n) holds word. */
static int header_has(const char *head, size_t n, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= n && head[i] != '\n'; i++)
		if (memcmp(head + i, word, w) == 0)
			return 1;
	return 0;
}

/* The source the header at head[0..n) is from. */
static enum import_source header_source(const char *head, size_t n)
{
	if (header_has(head, n, "Lineitem name"))
		return IMPORT_SHOPIFY;
	if (header_has(head, n, "order-id\t") &&
	    header_has(head, n, "quantity-purchased"))
		return IMPORT_AMAZON;
	if (header_has(head, n, "Order ID") &&
	    header_has(head, n, "Item Name"))
		return IMPORT_ETSY;
	return IMPORT_ORDERDESK;
}

/* Says the file is not of source s, which was asked for. */
static enum od_code not_of(enum import_source s, struct od_err *err)
{
	static const char *const what[IMPORT_SOURCE_COUNT] = {
		[IMPORT_SHOPIFY] = "a Shopify orders export (its header has "
				   "no \"Lineitem name\")",
		[IMPORT_AMAZON] = "an Amazon order report (tab-separated, "
				  "with order-id and quantity-purchased)",
		[IMPORT_WOOCOMMERCE] = "WooCommerce order JSON (it does not "
				       "start with [ or {)",
		[IMPORT_ETSY] = "Etsy's Sold Order Items (its header has no "
				"\"Item Name\")",
	};

	return od_err_set(err, OD_E_INPUT, "import file: is not %s; check "
			  "--from", what[s] != NULL ? what[s] : "of that source");
}

enum od_code import_store_open(struct import_input *in,
			       enum import_source *src,
			       struct import_store **out, struct od_err *err)
{
	struct import_store *s;
	enum import_source found;
	enum od_code rc;

	*out = NULL;
	rc = import_input_fill(in, 8192, err);
	if (rc != OD_OK)
		return rc;
	found = header_source(in->data + in->pos, import_input_avail(in));
	/* Etsy's orders file says what was paid, not what was bought. */
	if (found == IMPORT_ORDERDESK &&
	    header_has(in->data + in->pos, import_input_avail(in),
		       "Number of Items"))
		return od_err_set(err, OD_E_INPUT, "import file: is Etsy's "
				  "Sold Orders file, which does not list "
				  "what was bought; download \"Order Items\" "
				  "instead (Shop Manager, Settings, Options, "
				  "Download Data)");
	if (*src == IMPORT_AUTO)
		*src = found;
	if (*src != found && *src != IMPORT_ORDERDESK)
		return not_of(*src, err);
	if (*src == IMPORT_ORDERDESK)
		return OD_OK;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	s->src = *src;
	if (s->src == IMPORT_SHOPIFY)
		rc = import_shopify_new(in, &s->shopify, err);
	else if (s->src == IMPORT_AMAZON)
		rc = import_amazon_new(in, &s->amazon, err);
	else
		rc = import_etsy_new(in, &s->etsy, err);
	if (rc != OD_OK) {
		import_store_free(s);
		return rc;
	}
	*out = s;
	return OD_OK;
}

enum od_code import_store_next(struct import_store *s, struct order **out,
			       size_t *line, int *cancelled,
			       unsigned char sha256[32], struct od_err *err)
{
	if (s->shopify != NULL)
		return import_shopify_next(s->shopify, out, line, cancelled,
					   sha256, err);
	if (s->amazon != NULL)
		return import_amazon_next(s->amazon, out, line, cancelled,
					  sha256, err);
	return import_etsy_next(s->etsy, out, line, cancelled, sha256, err);
}

void import_store_said(const struct import_store *s, struct import_meta *m)
{
	const struct import_meta *said;

	if (s == NULL)
		return;
	said = s->shopify != NULL ? import_shopify_said(s->shopify) :
	       s->amazon != NULL ? import_amazon_said(s->amazon) :
	       import_etsy_said(s->etsy);
	m->refunded = said->refunded;
	memcpy(m->source_id, said->source_id, sizeof m->source_id);
}

void import_store_free(struct import_store *s)
{
	if (s == NULL)
		return;
	import_shopify_free(s->shopify);
	import_amazon_free(s->amazon);
	import_etsy_free(s->etsy);
	free(s);
}
