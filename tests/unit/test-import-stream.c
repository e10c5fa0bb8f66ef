/*
 * test-import-stream.c - the import read as a stream (import_open_file,
 * import_check, import_next): files much larger than the read window, the
 * check pass and the second pass agreeing, repeated numbers far apart, the
 * error that wins when a file has several (as when it was read whole), a
 * pipe, a file past the cap on whole reads, and the number set underneath.
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

#include "app/import/import.h"
#include "lib/name-set.h"

#define CSV_HEADER "number,placed_at,currency,customer_name,customer_email," \
	"customer_phone,ship_name,ship_line1,ship_line2,ship_line3,"           \
	"ship_line4,ship_city,ship_postcode,ship_country,total,note,"          \
	"sku,item_name,qty,unit_price\n"

/* How a test file's orders are written. */
enum shape { JSON_FILE, CSV_FILE };

/*
 * Writes order number (as text) to f; bad makes its total wrong.  The item
 * name holds brackets, commas and quotes, so that no boundary can be found
 * by looking for them.
 */
static void put_order(FILE *f, enum shape shape, int first,
		      const char *number, int bad)
{
	long total = bad ? 25601 : 25600;

	if (shape == CSV_FILE) {
		fprintf(f, "%s,2026-11-20T09:15:00Z,CNY,王小明,,,王小明,"
			"朝阳区建国路88号,,,,北京,,CN,%ld,,TEA-001,"
			"\"龙井茶 [250g], \"\"best\"\"\",2,12800\n", number,
			total);
		return;
	}
	fprintf(f, "%s\n  {\"number\": \"%s\", \"placed_at\": "
		"\"2026-11-20T09:15:00Z\", \"currency\": \"CNY\",\n"
		"   \"customer\": {\"name\": \"王小明\"},\n"
		"   \"ship_to\": {\"name\": \"王小明\", \"lines\": "
		"[\"朝阳区建国路88号\"], \"city\": \"北京\", "
		"\"country\": \"CN\"},\n"
		"   \"items\": [{\"sku\": \"TEA-001\", \"name\": "
		"\"龙井茶 [250g], \\\"best\\\"}]\", \"qty\": 2, "
		"\"unit_price\": 12800}],\n   \"total\": %ld}",
		first ? "" : ",", number, total);
}

/* What goes wrong where in a test file. */
struct faults {
	size_t bad_total;      /* the order (from 1) with a wrong total */
	size_t dup_from;       /* order dup_to repeats dup_from's number */
	size_t dup_to;
	const char *tail;      /* written after the last order */
};

/* Writes n orders as a file of shape; returns its path (static). */
static const char *write_file(enum shape shape, size_t n,
			      const struct faults *ft)
{
	static char path[64];
	char number[32];
	size_t i;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/test-import-stream-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(shape == CSV_FILE ? CSV_HEADER : "[", f);
	for (i = 1; i <= n; i++) {
		size_t num = ft != NULL && i == ft->dup_to ? ft->dup_from : i;

		snprintf(number, sizeof number, "S-%zu", 1000 + num);
		put_order(f, shape, i == 1, number,
			  ft != NULL && i == ft->bad_total);
	}
	if (shape == JSON_FILE)
		fputs("\n]\n", f);
	if (ft != NULL && ft->tail != NULL)
		fputs(ft->tail, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Opens path and runs the check pass; returns its code, err its words. */
static enum od_code check_file(const char *path, size_t *count,
			       struct od_err *err)
{
	struct import_reader *r;
	enum od_code rc;

	od_err_clear(err);
	rc = import_open_file(path, &r, err);
	if (rc == OD_OK)
		rc = import_check(r, count, err);
	import_close(r);
	return rc;
}

/*
 * Thousands of orders, far more than one read window: the check counts
 * them, the second pass hands out the same orders in order, then the end,
 * and the end again.
 */
static void test_two_passes(void **state)
{
	static const enum shape shapes[] = { JSON_FILE, CSV_FILE };
	struct import_reader *r;
	struct order *o;
	struct od_err err;
	char want[32];
	size_t s, i, count;

	for (s = 0; s < 2; s++) {
		const char *path = write_file(shapes[s], 3000, NULL);

		od_err_clear(&err);
		assert_int_equal(import_open_file(path, &r, &err), OD_OK);
		assert_int_equal(import_check(r, &count, &err), OD_OK);
		assert_int_equal(count, 3000);
		for (i = 1; i <= count; i++) {
			assert_int_equal(import_next(r, &o, &err), OD_OK);
			assert_non_null(o);
			snprintf(want, sizeof want, "S-%zu", 1000 + i);
			assert_string_equal(o->number, want);
			assert_string_equal(o->items[0].name,
					    shapes[s] == JSON_FILE ?
					    "龙井茶 [250g], \"best\"}]" :
					    "龙井茶 [250g], \"best\"");
			order_free(o);
		}
		assert_int_equal(import_next(r, &o, &err), OD_OK);
		assert_null(o);
		assert_int_equal(import_next(r, &o, &err), OD_OK);
		assert_null(o);
		import_close(r);
		unlink(path);
	}
}

/* One file with faults, and the words its error must hold. */
struct precedence_case {
	const char *name;
	enum shape shape;
	struct faults ft;
	const char *words;
};

/*
 * When a file has several faults, the error is the one reading it whole
 * gave: JSON syntax anywhere, then a bad order, then a repeated number (the
 * one repeated first); in CSV, a NUL byte anywhere, then the first fault.
 */
static void test_error_precedence(void **state)
{
	static const struct precedence_case cases[] = {
		{ "JSON: a repeat far apart", JSON_FILE,
		  { 0, 10, 2990, NULL },
		  "order S-1010 appears twice in the file (orders #10 and "
		  "#2990)" },
		{ "JSON: a bad order beats an earlier repeat", JSON_FILE,
		  { 2500, 1, 2, NULL }, "order S-3500: " },
		{ "JSON: trailing data beats a bad order", JSON_FILE,
		  { 2, 0, 0, "x\n" }, "trailing data" },
		{ "JSON: a syntax error at the end beats a repeat", JSON_FILE,
		  { 0, 1, 2, ",\n" }, "trailing data" },
		{ "CSV: a repeat far apart", CSV_FILE,
		  { 0, 10, 2990, NULL },
		  "order S-1010 appears twice in the file (lines 11 and "
		  "2991)" },
		/* Not rows 1 and 2: consecutive rows are one order's. */
		{ "CSV: a bad order beats an earlier repeat", CSV_FILE,
		  { 2500, 1, 3, NULL }, "line 2501: order S-3500: " },
		{ "CSV: a NUL at the end beats a bad order", CSV_FILE,
		  { 2, 0, 0, "\n\n" }, "NUL byte" },
	};
	struct od_err err;
	size_t i, count;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct precedence_case *c = &cases[i];
		const char *path = write_file(c->shape, 3000, &c->ft);
		enum od_code rc;

		if (strcmp(c->words, "NUL byte") == 0) {
			FILE *f = fopen(path, "a");

			assert_non_null(f);
			fputc('\0', f);
			fclose(f);
		}
		rc = check_file(path, &count, &err);
		if (rc != OD_E_INPUT || strstr(err.msg, c->words) == NULL)
			print_error("case \"%s\": %d \"%s\"\n", c->name, rc,
				    err.msg);
		assert_int_equal(rc, OD_E_INPUT);
		assert_non_null(strstr(err.msg, c->words));
		unlink(path);
	}
}

/* After an error, the reader gives the same error again. */
static void test_error_sticks(void **state)
{
	struct import_reader *r;
	struct order *o;
	struct od_err err, again;

	od_err_clear(&err);
	assert_int_equal(import_open_mem("[1]", 3, &r, &err), OD_OK);
	assert_int_equal(import_next(r, &o, &err), OD_E_INPUT);
	assert_null(o);
	od_err_clear(&again);
	assert_int_equal(import_next(r, &o, &again), OD_E_INPUT);
	assert_string_equal(err.msg, again.msg);
	import_close(r);
}

/* A pipe cannot be read twice: it is read whole first, and still works. */
static void test_pipe(void **state)
{
	struct order_list *l = NULL;
	struct od_err err;
	char proc[64];
	const char *path = write_file(JSON_FILE, 20, NULL);
	FILE *f = fopen(path, "r");
	char buf[65536];
	size_t n;
	int fds[2];

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	unlink(path);
	assert_true(n > 0 && n < sizeof buf);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf, n), (ssize_t)n);
	close(fds[1]);
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fds[0]);
	od_err_clear(&err);
	assert_int_equal(import_read_file(proc, &l, &err), OD_OK);
	assert_int_equal(l->count, 20);
	order_list_free(l);
	close(fds[0]);
}

/*
 * A file longer than the cap on whole reads (lowered to 64 KiB here, as
 * 256 MiB would be too slow for a test) imports: it is streamed, never
 * held.  The same bytes held whole are refused, so the lowered cap bites.
 */
static void test_file_past_whole_cap(void **state)
{
	struct import_reader *r = NULL;
	struct order *o = NULL;
	struct od_err err;
	const char *path = write_file(JSON_FILE, 2000, NULL);
	size_t n = 0, len;
	enum od_code rc;
	char *data;
	FILE *f;

	(void)state;
	import_set_whole_cap(64 * 1024);
	od_err_clear(&err);
	assert_int_equal(import_open_file(path, &r, &err), OD_OK);
	while ((rc = import_next(r, &o, &err)) == OD_OK && o != NULL) {
		n++;
		order_free(o);
	}
	assert_int_equal(rc, OD_OK);
	assert_int_equal(n, 2000);
	import_close(r);

	f = fopen(path, "r");
	assert_non_null(f);
	data = malloc(4 << 20);
	assert_non_null(data);
	len = fread(data, 1, 4 << 20, f);
	fclose(f);
	assert_true(len > 4 * 64 * 1024);
	assert_int_equal(import_open_mem(data, len, &r, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "larger than"));
	free(data);
	unlink(path);
	import_set_whole_cap(0);
}

/* The whole of a file at path, into *len bytes (the caller's). */
static char *slurp_path(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	data = malloc((size_t)n);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

/*
 * A file's JSON is decoded on a thread of its own, ahead of the reader
 * (json-array-ahead.h): started again from the first byte mid-file, it
 * hands out the orders and the bytes' digests the in-memory reader (read
 * on the calling thread) does; closed mid-file, with the decoder waiting
 * for room, it stops (ASan sees anything it leaves).
 */
static void test_decoded_ahead(void **state)
{
	struct import_reader *r, *m;
	struct order *o, *w;
	struct od_err err;
	const char *path = write_file(JSON_FILE, 500, NULL);
	size_t i, len;
	char *data = slurp_path(path, &len);

	od_err_clear(&err);
	assert_int_equal(import_open_file(path, &r, &err), OD_OK);
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	order_free(o);
	assert_int_equal(import_set_source(r, IMPORT_AUTO, &err), OD_OK);
	assert_int_equal(import_open_mem(data, len, &m, &err), OD_OK);
	for (i = 0; i < 500; i++) {
		assert_int_equal(import_next(r, &o, &err), OD_OK);
		assert_int_equal(import_next(m, &w, &err), OD_OK);
		assert_non_null(o);
		assert_non_null(w);
		assert_string_equal(o->number, w->number);
		assert_memory_equal(import_last_meta(r)->sha256,
				    import_last_meta(m)->sha256, 32);
		order_free(o);
		order_free(w);
	}
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	assert_null(o);
	import_close(r);
	import_close(m);
	assert_int_equal(import_open_file(path, &r, &err), OD_OK);
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	order_free(o);
	import_close(r);
	free(data);
	unlink(path);
}

/* The number set: finds what was added, grows, and keeps to its cap. */
static void test_name_set(void **state)
{
	struct name_set *s;
	struct od_err err;
	char name[32];
	size_t i, earlier;

	assert_int_equal(name_set_new(5000, &s, &err), OD_OK);
	for (i = 1; i <= 5000; i++) {
		snprintf(name, sizeof name, "N-%zu", i);
		assert_int_equal(name_set_add(s, name, i, &earlier, &err),
				 OD_OK);
		assert_int_equal(earlier, 0);
	}
	for (i = 1; i <= 5000; i++) {
		snprintf(name, sizeof name, "N-%zu", i);
		assert_int_equal(name_set_find(s, name), i);
		assert_int_equal(name_set_add(s, name, 9999, &earlier, &err),
				 OD_OK);
		assert_int_equal(earlier, i);
	}
	assert_int_equal(name_set_find(s, "N-0"), 0);
	assert_int_equal(name_set_find(s, ""), 0);
	assert_int_equal(name_set_add(s, "one too many", 1, &earlier, &err),
			 OD_E_INPUT);
	name_set_free(s);
	name_set_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_passes),
		cmocka_unit_test(test_error_precedence),
		cmocka_unit_test(test_error_sticks),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_file_past_whole_cap),
		cmocka_unit_test(test_decoded_ahead),
		cmocka_unit_test(test_name_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
