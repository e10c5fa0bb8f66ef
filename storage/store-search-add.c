/* store-search-add.c - a new order's text into the index (store-search-add.h). */
#include "storage/store-search-add.h"

#include <stdlib.h>
#include <string.h>

#include "storage/store-internal.h"
#include "storage/store-search-schema.h"

/*
 * Plain single-row inserts with their values bound: an INSERT ... SELECT
 * into order_fts would open a statement journal, and with it the FTS5
 * flush store-search-schema.c explains.
 */
static const char doc_sql[] =
	"INSERT INTO search_docs(number, text) VALUES(?1, ?2)";
static const char fts_sql[] =
	"INSERT INTO order_fts(rowid, text) VALUES(?1, ?2)";

/* Runs the cached insert sql with (id or number, text). */
static enum od_code insert(struct store *s, const char *sql, long long id,
			   const char *number, const char *text, size_t len,
			   struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);

	if (st == NULL)
		return err->code;
	if (number != NULL)
		store_bind_text(st, 1, number);
	else
		sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text, (int)len, SQLITE_STATIC);
	return store_step_done(s, st, "indexing the order for search", err);
}

enum od_code store_search_add(struct store *s, const char *number,
			      const char *search, struct od_err *err)
{
	char *folded = NULL, *text;
	size_t len = 0;
	enum od_code rc;

	/* The text as the update trigger writes it: a newline, then folded. */
	if (search_fold(search, strlen(search), &folded, &len) != OD_OK ||
	    (text = malloc(len + 2)) == NULL) {
		free(folded);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	text[0] = '\n';
	memcpy(text + 1, folded, len + 1);
	free(folded);
	rc = insert(s, doc_sql, 0, number, text, len + 1, err);
	if (rc == OD_OK)
		rc = insert(s, fts_sql, sqlite3_last_insert_rowid(s->db), NULL,
			    text, len + 1, err);
	free(text);
	return rc;
}
