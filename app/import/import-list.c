/*
 * import-list.c - an import file's orders all at once, for callers that
 * want a list (a request body, the tests): import.c's reader, read to the
 * end.
 */
#include "app/import/import.h"
#include "app/import/import-internal.h"

#include <stdlib.h>

void order_list_free(struct order_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->count; i++)
		order_free(l->orders[i]);
	free(l->orders);
	free(l);
}

/* Reads every order of r into a new list. */
static enum od_code read_all(struct import_reader *r, struct order_list **out,
			     struct od_err *err)
{
	struct order_list *l;
	struct order **grown, *o;
	enum od_code rc;
	size_t alloc = 0;

	*out = NULL;
	l = calloc(1, sizeof *l);
	if (l == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	while ((rc = import_next(r, &o, err)) == OD_OK && o != NULL) {
		rc = import_no_cancel(import_last_meta(r), o, err);
		if (rc != OD_OK) {
			order_free(o);
			break;
		}
		if (l->count == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			grown = realloc(l->orders, alloc * sizeof *grown);
			if (grown == NULL) {
				order_free(o);
				rc = od_err_set(err, OD_E_NOMEM,
						"out of memory");
				break;
			}
			l->orders = grown;
		}
		l->orders[l->count++] = o;
	}
	if (rc != OD_OK) {
		order_list_free(l);
		return rc;
	}
	*out = l;
	return OD_OK;
}

enum od_code import_parse(const char *data, size_t len,
			  struct order_list **out, struct od_err *err)
{
	struct import_reader *r;
	enum od_code rc;

	*out = NULL;
	rc = import_open_mem(data, len, &r, err);
	if (rc != OD_OK)
		return rc;
	rc = read_all(r, out, err);
	import_close(r);
	return rc;
}

enum od_code import_read_file(const char *path, struct order_list **out,
			      struct od_err *err)
{
	struct import_reader *r;
	enum od_code rc;

	*out = NULL;
	rc = import_open_file(path, &r, err);
	if (rc != OD_OK)
		return rc;
	rc = read_all(r, out, err);
	import_close(r);
	return rc;
}
