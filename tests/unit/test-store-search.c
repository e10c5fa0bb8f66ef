/*
 * test-store-search.c - the orders' full-text index (storage/store-search.c):
 * what folded searches find, that the index follows inserts, updates and
 * deletes, and that a store made before the index gains it on open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "storage/store-internal.h"
#include "tests/unit/fixture-plain.h"
#include "storage/store-search.h"
#include "storage/store-sync.h"

struct world {
	char dir[64];
	char path[96];
	struct store *s;
	struct od_err err;
};

/* One order of one item: number, placed second, customer, e-mail, item. */
static void insert(struct store *s, const char *number, int second,
		   const char *customer, const char *email, const char *item)
{
	struct order_item it = { "TEA-001", (char *)item, 1, 100, 0 };
	char placed[32];
	struct order o;
	struct od_err err;

	memset(&o, 0, sizeof o);
	snprintf(placed, sizeof placed, "2026-11-20T09:%02d:%02dZ",
		 second / 60, second % 60);
	o.number = (char *)number;
	o.placed_at = placed;
	memcpy(o.currency, "EUR", 4);
	o.customer_name = (char *)customer;
	o.email = (char *)email;
	o.phone = "";
	o.ship_name = (char *)customer;
	o.city = "Sevilla";
	o.postcode = "";
	memcpy(o.country, "ES", 3);
	o.items = &it;
	o.nitems = 1;
	o.total = 100;
	o.note = "";
	assert_int_equal(store_order_insert(s, &o, &err), OD_OK);
}

/* The shop every test starts from, in a plain file store. */
static void fill(struct store *s)
{
	insert(s, "1001", 1, "Jos\xc3\xa9 Garc\xc3\xad" "a", "", "Sencha");
	insert(s, "1002", 2, "Hans M\xc3\xbcller", "hans@example.de", "Matcha");
	insert(s, "1003", 3, "Anna Stra\xc3\x9f" "er", "", "Oolong");
	insert(s, "1004", 4, "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e", "",
	       "\xe9\xbe\x8d\xe4\xba\x95\xe8\x8c\xb6");          /* 王小明, 龍井茶 */
	insert(s, "2005", 5, "Edgar Vega", "edgar@example.com", "Earl Grey");
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	snprintf(w->dir, sizeof w->dir, "/tmp/od-search-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->path, sizeof w->path, "%s/store.db", w->dir);
	assert_int_equal(plain_store_open(w->path, 1, &w->s, &w->err),
			 OD_OK);
	fill(w->s);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	char path[128];

	store_close(w->s);
	unlink(w->path);
	snprintf(path, sizeof path, "%s-wal", w->path);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", w->path);
	unlink(path);
	rmdir(w->dir);
	free(w);
	return 0;
}

/* Collects the order numbers a listing search gives, space-separated. */
struct hits { char text[256]; };

static enum od_code hit(void *ctx, const struct order *o, struct od_err *err)
{
	struct hits *h = ctx;
	size_t n = strlen(h->text);

	(void)err;
	snprintf(h->text + n, sizeof h->text - n, "%s%s", n ? " " : "",
		 o->number);
	return OD_OK;
}

/* The numbers `list --search text` would show, in placed order. */
static const char *found(struct store *s, const char *text)
{
	static struct hits h;
	struct store_filter f = { -1, text };
	struct od_err err;

	h.text[0] = '\0';
	assert_int_equal(store_order_each(s, &f, hit, &h, &err), OD_OK);
	return h.text;
}

struct search_case {
	const char *text;
	const char *numbers;
};

static const struct search_case cases[] = {
	{ "GARC\xc3\x8d" "A", "1001" },           /* GARCÍA */
	{ "garcia", "1001" },                     /* no e-mail: the name */
	{ "Jos\xc3\xa9", "1001" },
	{ "M\xc3\x9cLLER", "1002" },              /* MÜLLER */
	{ "muller", "1002" },
	{ "strasser", "1003" },                   /* Straßer */
	{ "STRA\xc3\x9f", "1003" },               /* STRAß */
	{ "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e", "1004" },     /* 王小明 */
	{ "\xe5\xb0\x8f\xe6\x98\x8e\xe9", "" },   /* not valid: see below */
	{ "\xe9\xbe\x8d\xe4\xba\x95\xe8\x8c\xb6", "1004" },     /* item name */
	{ "example", "1002 2005" },               /* e-mails */
	{ "tea-001", "1001 1002 1003 1004 2005" },/* the SKU */
	{ "sevilla", "1001 1002 1003 1004 2005" },/* the city */
	{ "gar", "1001 2005" },                   /* García, Edgar: substring */
	{ "ga", "1001" },                         /* a word's start only */
	{ "g", "1001 2005" },                     /* García, Earl Grey */
	{ "10", "1001 1002 1003 1004" },          /* numbers that start so */
	{ "2", "2005" },
	{ "\xe7\x8e\x8b", "1004" },               /* 王: a field's start */
	{ "\xe5\xb0\x8f\xe6\x98\x8e", "" },       /* 小明: not a start */
	{ "ve", "2005" },                         /* Vega */
	{ "q", "" },
	{ "\"", "" },                             /* FTS5 syntax is text */
	{ "a\" OR \"b", "" },
	{ "nothing like it", "" },
};

static void test_finds_folded(void **state)
{
	struct world *w = *state;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct store_filter f = { -1, cases[i].text };
		struct hits h = { "" };
		struct od_err err;
		enum od_code rc = store_order_each(w->s, &f, hit, &h, &err);

		if (i == 8) {  /* the invalid one */
			assert_int_equal(rc, OD_E_INPUT);
			continue;
		}
		if (rc != OD_OK || strcmp(h.text, cases[i].numbers) != 0) {
			print_error("search %zu: got \"%s\", want \"%s\" (%s)\n",
				    i, h.text, cases[i].numbers, err.msg);
			fail();
		}
	}
}

/* The ids store_search_ids gives, mapped to numbers through id_each. */
struct idmap { long long id[16]; char number[16][8]; size_t n; char got[128]; };

static enum od_code map_add(void *ctx, long long id, const char *placed,
			    const char *number, struct od_err *err)
{
	struct idmap *m = ctx;

	(void)placed;
	(void)err;
	assert_true(m->n < 16);
	m->id[m->n] = id;
	snprintf(m->number[m->n++], 8, "%s", number);
	return OD_OK;
}

static enum od_code map_hit(void *ctx, long long id, struct od_err *err)
{
	struct idmap *m = ctx;
	size_t i, n = strlen(m->got);

	(void)err;
	for (i = 0; i < m->n; i++)
		if (m->id[i] == id)
			snprintf(m->got + n, sizeof m->got - n, "%s%s",
				 n ? " " : "", m->number[i]);
	return OD_OK;
}

/* The desk's way (ids) and the listing's way agree. */
static void test_ids_agree(void **state)
{
	struct world *w = *state;
	struct idmap m;
	size_t i;

	memset(&m, 0, sizeof m);
	assert_int_equal(store_search_id_each(w->s, map_add, &m, &w->err),
			 OD_OK);
	assert_int_equal(m.n, 5);
	assert_string_equal(m.number[0], "1001");
	assert_string_equal(m.number[4], "2005");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (i == 8)
			continue;
		m.got[0] = '\0';
		assert_int_equal(store_search_ids(w->s, cases[i].text, map_hit,
						  &m, &w->err), OD_OK);
		assert_string_equal(m.got, found(w->s, cases[i].text));
	}
}

/* FTS5's own check that the index holds exactly the documents' tokens. */
static void assert_index_sound(struct store *s)
{
	assert_int_equal(sqlite3_exec(s->db, "INSERT INTO order_fts(order_fts)"
				      " VALUES('integrity-check')", NULL, NULL,
				      NULL), SQLITE_OK);
}

static void test_follows_writes(void **state)
{
	struct world *w = *state;

	insert(w->s, "1006", 6, "Zo\xc3\xab Saldana", "", "Genmaicha");
	assert_string_equal(found(w->s, "ZOE"), "1006");
	/* An order rewritten (number and text) is found by its new text. */
	assert_int_equal(sqlite3_exec(w->s->db, "UPDATE orders SET number ="
				      " '1016', search = '1016' || char(10) ||"
				      " 'Ana Salda' ||"
				      " char(241) || 'a' || char(10) WHERE"
				      " number = '1006'", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_string_equal(found(w->s, "zoe"), "");
	assert_string_equal(found(w->s, "SALDA\xc3\x91" "A"), "1016");
	assert_index_sound(w->s);
	/* Forgotten orders (a rebase folds them again) leave the index. */
	assert_int_equal(store_order_forget(w->s, "1016", &w->err), OD_OK);
	assert_int_equal(store_order_forget(w->s, "1001", &w->err), OD_OK);
	assert_string_equal(found(w->s, "salda"), "");
	assert_string_equal(found(w->s, "garcia"), "");
	assert_string_equal(found(w->s, "gar"), "2005");
	assert_index_sound(w->s);
	assert_int_equal(store_state_forget(w->s, &w->err), OD_OK);
	assert_string_equal(found(w->s, "tea-001"), "");
	assert_index_sound(w->s);
	insert(w->s, "1001", 1, "Jos\xc3\xa9 Garc\xc3\xad" "a", "", "Sencha");
	assert_string_equal(found(w->s, "GARC\xc3\x8d" "A"), "1001");
}

/* A store made before the index: the same schema without it. */
static void test_migration(void **state)
{
	struct world *w = *state;
	sqlite3_int64 docs = 0;
	sqlite3_stmt *st;

	/* Written with the index, then the index taken away with its text:
	 * an older store's orders are all in orders alone. */
	insert(w->s, "1006", 6, "Zo\xc3\xab Saldana", "", "Genmaicha");
	assert_int_equal(sqlite3_exec(w->s->db,
		"DROP TRIGGER search_order_changed;"
		"DROP TRIGGER search_order_gone;"
		"DROP TABLE order_fts; DROP TABLE search_docs;",
		NULL, NULL, NULL), SQLITE_OK);
	store_close(w->s);
	w->s = NULL;
	assert_int_equal(plain_store_open(w->path, 0, &w->s, &w->err),
			 OD_OK);
	assert_string_equal(found(w->s, "ZOE"), "1006");
	assert_string_equal(found(w->s, "garcia"), "1001");
	assert_string_equal(found(w->s, "gar"), "1001 2005");
	assert_index_sound(w->s);
	assert_int_equal(sqlite3_prepare_v2(w->s->db, "SELECT count(*) FROM"
					    " search_docs", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	docs = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(docs, 6);
	/* Built once: the next open finds it and adds nothing. */
	store_close(w->s);
	w->s = NULL;
	assert_int_equal(plain_store_open(w->path, 0, &w->s, &w->err),
			 OD_OK);
	assert_string_equal(found(w->s, "ZOE"), "1006");
	insert(w->s, "1007", 7, "\xc3\x85sa \xc3\x98sterberg", "", "Hojicha");
	assert_string_equal(found(w->s, "asa"), "1007");
	assert_string_equal(found(w->s, "\xc3\xb8ster"), "1007");
	assert_string_equal(found(w->s, "oster"), "");
}

/*
 * A store whose index an older orderdesk made, with insert triggers: on
 * open they give way to store_search_add, and a new order is indexed once.
 */
static void test_old_insert_triggers(void **state)
{
	struct world *w = *state;

	assert_int_equal(sqlite3_exec(w->s->db,
		"CREATE TRIGGER search_order_added AFTER INSERT ON orders BEGIN"
		"  INSERT INTO search_docs(number, text)"
		"    VALUES(new.number, char(10) || od_fold(new.search));"
		" END;"
		"CREATE TRIGGER search_doc_added AFTER INSERT ON search_docs BEGIN"
		"  INSERT INTO order_fts(rowid, text) VALUES(new.id, new.text);"
		" END;", NULL, NULL, NULL), SQLITE_OK);
	store_close(w->s);
	w->s = NULL;
	assert_int_equal(plain_store_open(w->path, 0, &w->s, &w->err),
			 OD_OK);
	insert(w->s, "1006", 6, "Zo\xc3\xab Saldana", "", "Genmaicha");
	assert_string_equal(found(w->s, "ZOE"), "1006");
	assert_string_equal(found(w->s, "gar"), "1001 2005");
	assert_index_sound(w->s);
}

/*
 * No trigger fires on an order's insert: with one, SQLite 3.40's FTS5
 * writes its pending terms at every statement of the transaction after
 * it, a segment per order, instead of once at the commit
 * (store-search-schema.c), which made most of a pulled entry's cost.
 */
static void test_no_insert_trigger(void **state)
{
	struct world *w = *state;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(w->s->db, "SELECT count(*) FROM"
					    " sqlite_master WHERE type ="
					    " 'trigger' AND tbl_name IN"
					    " ('orders', 'search_docs') AND"
					    " sql LIKE '%INSERT ON%'", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
}

/* The same on an encrypted store, as a desk's is, through store_open. */
static void test_migration_encrypted(void **state)
{
	struct world *w = *state;
	uint8_t key[STORE_KEY_LEN];
	char path[128];

	memset(key, 0x5a, sizeof key);
	snprintf(path, sizeof path, "%s/sealed.db", w->dir);
	store_close(w->s);
	assert_int_equal(store_create(path, key, &w->s, &w->err), OD_OK);
	fill(w->s);
	assert_int_equal(sqlite3_exec(w->s->db,
		"DROP TRIGGER search_order_changed;"
		"DROP TRIGGER search_order_gone;"
		"DROP TABLE order_fts; DROP TABLE search_docs;",
		NULL, NULL, NULL), SQLITE_OK);
	store_close(w->s);
	w->s = NULL;
	assert_int_equal(store_open(path, key, &w->s, &w->err), OD_OK);
	assert_string_equal(found(w->s, "GARC\xc3\x8d" "A"), "1001");
	assert_string_equal(found(w->s, "m\xc3\xbcller"), "1002");
	assert_index_sound(w->s);
	store_close(w->s);
	w->s = NULL;
	unlink(path);
	/* What store_create leaves beside the database. */
	snprintf(path, sizeof path, "%s/sealed.db-wal", w->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/sealed.db-shm", w->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/sealed.db-head", w->dir);
	unlink(path);
	assert_int_equal(plain_store_open(w->path, 0, &w->s, &w->err),
			 OD_OK);
}

/* A search text over the limit is refused, not cut. */
static void test_too_long(void **state)
{
	struct world *w = *state;
	char text[STORE_SEARCH_MAX + 2];
	struct store_filter f = { -1, text };
	struct hits h = { "" };

	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	assert_int_equal(store_order_each(w->s, &f, hit, &h, &w->err),
			 OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "shorten"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_finds_folded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ids_agree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_follows_writes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migration, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_old_insert_triggers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_insert_trigger,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_encrypted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
