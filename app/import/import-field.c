/*
 * import-field.c - the field helpers every import reader calls: a name
 * safe to quote back, a trimmed copy, a currency or country code, the
 * order's validation with the reader's line in front, and the sources'
 * names.  Below the readers (import-json.c, import-csv.c, the storefronts'
 * adapters) and the stream (import.c), so that none of them calls back up
 * into another.
 */
#include "app/import/import-internal.h"
#include "app/import/import.h"

#include <stdlib.h>
#include <string.h>

/* Whether s is 1..32 bytes of [A-Za-z0-9_.-], safe to quote back. */
int import_name_quotable(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		if (n == 32)
			return 0;
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') ||
		      s[n] == '_' || s[n] == '.' || s[n] == '-'))
			return 0;
	}
	return n > 0;
}

/* Copies s[0..n) without surrounding ASCII spaces into a new string. */
enum od_code import_copy_trimmed(char **dst, const char *s, size_t n,
				 struct od_err *err)
{
	while (n > 0 && s[0] == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	*dst = malloc(n + 1);
	if (*dst == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(*dst, s, n);
	(*dst)[n] = '\0';
	return OD_OK;
}

/*
 * Stores a currency or country code (n letters) into dst[n + 1].  Only the
 * length is checked here; order_validate checks the letters.
 */
enum od_code import_copy_code(const char *pfx, const char *label,
			      const char *s, size_t len, char *dst, size_t n,
			      struct od_err *err)
{
	char *t;
	enum od_code rc;

	rc = import_copy_trimmed(&t, s, len, err);
	if (rc != OD_OK)
		return rc;
	if (strlen(t) != n)
		rc = od_err_set(err, OD_E_INPUT,
				"%s: %s: must be %s capital letters (%s)",
				pfx, label, n == 3 ? "three" : "two",
				n == 3 ? "ISO 4217, e.g. EUR" :
					 "ISO 3166, e.g. CN");
	else
		memcpy(dst, t, n + 1);
	free(t);
	return rc;
}

/*
 * Runs order_validate and prefixes its message with pfx when pfx says
 * something the message does not (the CSV line).
 */
enum od_code import_validate(struct order *o, const char *line_pfx,
			     struct od_err *err)
{
	struct od_err e;

	od_err_clear(&e);
	if (order_validate(o, &e) == OD_OK)
		return OD_OK;
	if (line_pfx != NULL)
		return od_err_set(err, e.code, "%s: %s", line_pfx, e.msg);
	return od_err_set(err, e.code, "%s", e.msg);
}

static const char *const source_names[IMPORT_SOURCE_COUNT] = {
	[IMPORT_AUTO] = "auto",
	[IMPORT_ORDERDESK] = "orderdesk",
	[IMPORT_WOOCOMMERCE] = "woocommerce",
	[IMPORT_SHOPIFY] = "shopify",
	[IMPORT_AMAZON] = "amazon",
	[IMPORT_ETSY] = "etsy",
};

enum od_code import_source_parse(const char *name, enum import_source *out,
				 struct od_err *err)
{
	size_t i;

	for (i = IMPORT_ORDERDESK; i < IMPORT_SOURCE_COUNT; i++)
		if (strcmp(name, source_names[i]) == 0) {
			*out = (enum import_source)i;
			return OD_OK;
		}
	return od_err_set(err, OD_E_USAGE, "--from: must be orderdesk, "
			  "woocommerce, shopify, amazon or etsy");
}

const char *import_source_name(enum import_source s)
{
	return (unsigned)s < IMPORT_SOURCE_COUNT ? source_names[s] : NULL;
}

enum od_code import_no_cancel(const struct import_meta *m,
			      const struct order *o, struct od_err *err)
{
	if (!m->cancelled)
		return OD_OK;
	return od_err_set(err, OD_E_INPUT, "order %s was cancelled in %s; "
			  "import this file with `orderdesk import`, which "
			  "signs the cancellation too", o->number,
			  import_source_name(m->source));
}
