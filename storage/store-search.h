/*
 * store-search.h - the full-text index of the orders, in the store.
 *
 * Every order's searchable text (number, customer, e-mail, phone, city,
 * SKUs and item names: orders.search) is folded (lib/text-fold.h) and kept
 * in an FTS5 table with the trigram tokenizer, encrypted with every other
 * page.  Triggers on the orders table keep it up to date wherever orders
 * are written (import, sync, rebase, forget), through the SQL function
 * od_fold that every connection the store opens registers.  A store made
 * before the index gains it once, when it is opened (the schema and the
 * fold: storage/store-search-schema.c; the queries: here).
 *
 * What a search text matches, once folded (`GARCÍA` is `garcia`):
 *  - 3 characters or more: every order whose text holds it (a substring of
 *    one field), found through the trigrams, never by reading every order;
 *  - 1 or 2 characters: orders with a field or a word that starts with it
 *    (`10` finds 1042, `ga` García, `王` 王小明).  A trigram index cannot
 *    find a shorter substring without reading everything, and one letter
 *    anywhere matches nearly every order, which helps nobody.
 * The desk's screens and `orderdesk list --search` both ask this, so they
 * always agree.
 */
#ifndef OD_STORE_SEARCH_H
#define OD_STORE_SEARCH_H

#include "lib/buf.h"
#include "lib/err.h"
#include "storage/store.h"

#define STORE_SEARCH_MAX 256     /* bytes of search text */
/* Bytes of an FTS5 query (a 1-character search lists its trigrams). */
#define STORE_SEARCH_EXPR_MAX (512 * 1024)

/*
 * The FTS5 query for the search text (valid UTF-8, at most
 * STORE_SEARCH_MAX bytes) into expr, which is left empty when no order
 * can match.  expr must be made with a cap of STORE_SEARCH_EXPR_MAX.  Text
 * that is not valid UTF-8 or longer than STORE_SEARCH_MAX gives OD_E_INPUT.
 */
enum od_code store_search_expr(struct store *s, const char *text,
			       struct buf *expr, struct od_err *err);

/*
 * Calls cb with the search id of every order matching text (as above), in
 * increasing id order.  Ids are the index's own: map them to orders with
 * store_search_id_each.
 */
typedef enum od_code (*store_search_id_cb)(void *ctx, long long id,
					   struct od_err *err);
enum od_code store_search_ids(struct store *s, const char *text,
			      store_search_id_cb cb, void *ctx,
			      struct od_err *err);

/*
 * Calls cb with every order's search id, placed time and number, in the
 * order store_order_brief_each lists them (placed, then number).  Strings
 * are borrowed for the call.
 */
typedef enum od_code (*store_search_doc_cb)(void *ctx, long long id,
					    const char *placed,
					    const char *number,
					    struct od_err *err);
enum od_code store_search_id_each(struct store *s, store_search_doc_cb cb,
				  void *ctx, struct od_err *err);

#endif
