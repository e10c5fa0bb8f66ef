/*
 * test-json-array-stream.c - a top-level JSON array read element by
 * element: where elements end (strings holding brackets, commas and escaped
 * quotes), whitespace, empty arrays, a lone object, a cut-short file,
 * trailing data, an element over the cap, and errors placed and worded as
 * jansson places and words them for the whole input.  Inputs are read from
 * memory and from files whose elements cross the read window's edges.
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

#include "app/import/json-array-stream.h"

/* Fails the test naming the table case, so a failure says which row. */
#define CHECK(cond, name)                                                \
	do {                                                             \
		if (!(cond)) {                                           \
			print_error("case \"%s\": %s\n", (name), #cond); \
			fail();                                          \
		}                                                        \
	} while (0)

/* A stream over len bytes of text in memory. */
struct mem_stream {
	struct import_input in;
	struct json_array_stream s;
};

static void open_mem(struct mem_stream *m, const char *text, size_t len)
{
	import_input_mem(&m->in, text, len);
	json_array_stream_init(&m->s, &m->in);
}

/* Reads every element of text, dumped compactly and joined by '|'. */
static enum json_array_event read_all(const char *text, size_t len,
				      char *out, size_t size,
				      struct json_array_error *je)
{
	struct mem_stream m;
	enum json_array_event ev;
	struct od_err err;
	json_t *v;
	char *dump;

	out[0] = '\0';
	open_mem(&m, text, len);
	while ((ev = json_array_stream_next(&m.s, &v, je, &err)) ==
	       JSON_ARRAY_VALUE) {
		dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_non_null(dump);
		if (out[0] != '\0')
			strncat(out, "|", size - strlen(out) - 1);
		strncat(out, dump, size - strlen(out) - 1);
		free(dump);
		json_decref(v);
	}
	import_input_free(&m.in);
	return ev;
}

/* Arrays that are read whole: what each element decodes to. */
static void test_elements(void **state)
{
	static const struct {
		const char *name, *in, *out;
	} cases[] = {
		{ "two objects", "[{\"a\":1},{\"b\":2}]", "{\"a\":1}|{\"b\":2}" },
		{ "empty array", "[]", "" },
		{ "empty array, spaced", " \n[ \t\r\n ]\n ", "" },
		{ "whitespace everywhere", " \n\t[ \r\n 1 ,\n 2 \n] \n",
		  "1|2" },
		{ "brackets and commas in strings",
		  "[\"],[{\", {\"k\": \"}],{\"}, \"a,]\"]", "\"],[{\"|"
		  "{\"k\":\"}],{\"}|\"a,]\"" },
		{ "escaped quotes and backslashes",
		  "[\"a\\\"]\", \"\\\\\", \"\\\\\\\"],\"]",
		  "\"a\\\"]\"|\"\\\\\"|\"\\\\\\\"],\"" },
		{ "nested arrays", "[[1,[2,[]]],[]]", "[1,[2,[]]]|[]" },
		{ "scalars", "[1,-2,true,null,false,\"x\"]",
		  "1|-2|true|null|false|\"x\"" },
		{ "numbers end at the comma", "[10,200 ,3000]",
		  "10|200|3000" },
		{ "UTF-8 text", "[\"王小明\",\"é\"]", "\"王小明\"|\"é\"" },
	};
	struct json_array_error je;
	char out[512];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum json_array_event ev = read_all(cases[i].in,
						    strlen(cases[i].in), out,
						    sizeof out, &je);

		if (ev != JSON_ARRAY_END)
			print_error("%s\n", je.text);
		CHECK(ev == JSON_ARRAY_END, cases[i].name);
		if (strcmp(out, cases[i].out) != 0)
			print_error("got %s\n", out);
		CHECK(strcmp(out, cases[i].out) == 0, cases[i].name);
	}
}

/* Cuts jansson's " near '...'" context, as the import's messages do. */
static void strip_near(char *text)
{
	char *near = strstr(text, " near ");

	if (near != NULL)
		*near = '\0';
}

/*
 * Bad arrays: the stream's error has the code, line, column and words
 * that jansson gives for the whole input.
 */
static void test_errors_match_jansson(void **state)
{
	static const char *const cases[] = {
		"[",                      /* cut short */
		"[{\"a\":1},{\"b\":",
		"[1,",
		"[1,\n",
		"[\"open string",
		"[1] x",                  /* trailing data */
		"[1] [2]",
		"[1]\n\n  ,",
		"[1] \"str\"",
		"[1] 12",
		"[1] nul",
		"[1] \"bad \\q\"",
		"[1,\n 2 3]",             /* a comma missing */
		"[{} {}]",
		"[{},\n{}\n\"x\"]",
		"[1 true]",
		"[1 tru]",
		"[1 -]",
		"[1 99999999999999999999999]",
		"[1 :]",
		"[1,]",                   /* a comma too many */
		"[,1]",
		"[1,,2]",
		"[}",
		"[{\"a\":1,\"a\":2}]",    /* duplicate key */
		"[{\"a\" 1}]",
		"[\"\xff\"]",             /* bad UTF-8 */
		"[1] \xc3",
		"[1, -2.5\xff]",         /* bad UTF-8 ends a number */
		"[1 -2.5\xff]",
		"[1] 7\xff",
		"[true\xc3]",
		"[\"a\\u0000b\"]",
		"[\n  {\"é\": [1,\n  2,, 3]}]",
		"[1.5e99999]",
		"  \n [\"x\", \n\n   @]",
		"{\"a\": [1,}",           /* a lone object, bad */
		"{\"a\": 1} x",
	};
	struct json_array_error je;
	json_error_t whole;
	char out[512], text[JSON_ERROR_TEXT_LENGTH];
	size_t i;
	json_t *v;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *in = cases[i];
		enum json_array_event ev;

		v = json_loadb(in, strlen(in), JSON_REJECT_DUPLICATES, &whole);
		CHECK(v == NULL, in);
		ev = read_all(in, strlen(in), out, sizeof out, &je);
		CHECK(ev == JSON_ARRAY_SYNTAX, in);
		snprintf(text, sizeof text, "%s", whole.text);
		strip_near(text);
		strip_near(je.text);
		if ((int)je.code != (int)json_error_code(&whole) ||
		    je.line != whole.line || je.column != whole.column ||
		    strcmp(je.text, text) != 0)
			print_error("case \"%s\": stream %d %d:%d \"%s\", "
				    "jansson %d %d:%d \"%s\"\n", in, je.code,
				    je.line, je.column, je.text,
				    json_error_code(&whole), whole.line,
				    whole.column, text);
		CHECK((int)je.code == (int)json_error_code(&whole), in);
		CHECK(je.line == whole.line, in);
		CHECK(je.column == whole.column, in);
		CHECK(strcmp(je.text, text) == 0, in);
	}
}

/*
 * jansson drops a NUL byte that ends a number or a literal: the stream
 * must step over it as the whole-file parse does, and refuse it elsewhere.
 */
static void test_nul_after_number(void **state)
{
	static const char ok[] = "[1\0, {\"a\": 2\0}, true\0]";
	static const char bad[] = "[{}\0]";
	struct json_array_error je;
	char out[128];

	assert_int_equal(read_all(ok, sizeof ok - 1, out, sizeof out, &je),
			 JSON_ARRAY_END);
	assert_string_equal(out, "1|{\"a\":2}|true");
	assert_int_equal(read_all(bad, sizeof bad - 1, out, sizeof out, &je),
			 JSON_ARRAY_SYNTAX);
}

/* A lone object is read (for its errors) and then called not an array. */
static void test_not_array(void **state)
{
	struct json_array_error je;
	char out[64];

	assert_int_equal(read_all("{\"orders\": [1, 2]}", 18, out,
				  sizeof out, &je), JSON_ARRAY_NOT_ARRAY);
	assert_int_equal(read_all("  {}  \n", 7, out, sizeof out, &je),
			 JSON_ARRAY_NOT_ARRAY);
	assert_int_equal(read_all("\"text\"", 6, out, sizeof out, &je),
			 JSON_ARRAY_SYNTAX);
}

/* Makes "[" + a string element of n bytes + ", 7]" (caller frees). */
static char *big_element(size_t n, size_t *len)
{
	char *text = malloc(n + 16);

	assert_non_null(text);
	text[0] = '[';
	text[1] = '"';
	memset(text + 2, 'x', n - 2);
	memcpy(text + n, "\", 7]", 5);
	*len = n + 5;
	return text;
}

/*
 * An element over the cap is refused with its place; one just under it is
 * read, and so is what follows it.
 */
static void test_oversized_element(void **state)
{
	struct json_array_error je;
	struct mem_stream m;
	struct od_err err;
	size_t len;
	char *text;
	json_t *v;

	text = big_element(JSON_ARRAY_VALUE_MAX + 10, &len);
	open_mem(&m, text, len);
	assert_int_equal(json_array_stream_next(&m.s, &v, &je, &err),
			 JSON_ARRAY_TOO_LARGE);
	assert_null(v);
	assert_int_equal(je.line, 1);
	assert_int_equal(je.column, 2);
	free(text);

	/* The element is bytes 1 .. n of text: n - 1 bytes, within the cap. */
	text = big_element(JSON_ARRAY_VALUE_MAX, &len);
	open_mem(&m, text, len);
	assert_int_equal(json_array_stream_next(&m.s, &v, &je, &err),
			 JSON_ARRAY_VALUE);
	assert_int_equal(json_string_length(v), JSON_ARRAY_VALUE_MAX - 2);
	json_decref(v);
	assert_int_equal(json_array_stream_next(&m.s, &v, &je, &err),
			 JSON_ARRAY_VALUE);
	assert_int_equal(json_integer_value(v), 7);
	json_decref(v);
	assert_int_equal(json_array_stream_next(&m.s, &v, &je, &err),
			 JSON_ARRAY_END);
	free(text);

	/*
	 * A value over the cap where no element may stand (after the
	 * array, or with its comma missing) is a syntax error in jansson's
	 * words at its start, not an element "too large".
	 */
	text = malloc(JSON_ARRAY_VALUE_MAX + 32);
	assert_non_null(text);
	for (int k = 0; k < 2; k++) {
		len = (size_t)sprintf(text, k == 0 ? "[7] \"" : "[7 \"");
		memset(text + len, 'x', JSON_ARRAY_VALUE_MAX + 8);
		len += JSON_ARRAY_VALUE_MAX + 8;
		len += (size_t)sprintf(text + len, k == 0 ? "\"" : "\"]");
		open_mem(&m, text, len);
		assert_int_equal(json_array_stream_next(&m.s, &v, &je, &err),
				 JSON_ARRAY_VALUE);
		json_decref(v);
		assert_int_equal(json_array_stream_next(&m.s, &v, &je, &err),
				 JSON_ARRAY_SYNTAX);
		assert_int_equal(je.code, k == 0 ?
				 json_error_end_of_input_expected :
				 json_error_invalid_syntax);
		assert_int_equal(je.line, 1);
		assert_int_equal(je.column, k == 0 ? 5 : 4);
		assert_non_null(strstr(je.text, k == 0 ? "end of file" :
				       "']' expected"));
	}
	free(text);
}

/*
 * From a file: thousands of elements, each with brackets and commas inside
 * strings, cross the read window's edges; each comes back whole, and the
 * window stays far smaller than the file.
 */
static void test_file_across_windows(void **state)
{
	char path[] = "/tmp/test-json-array-stream-XXXXXX";
	struct json_array_error je;
	struct import_input in;
	struct json_array_stream s;
	struct od_err err;
	enum json_array_event ev;
	size_t i, n = 0, total = 0, max_alloc = 0;
	char want[64];
	FILE *f;
	json_t *v;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("\xef\xbb\xbf[", f);   /* the caller skips a BOM: not here */
	for (i = 0; i < 20000; i++)
		total += (size_t)fprintf(f, "%s\n {\"n\": %zu, \"s\": "
					 "\"],[{\\\"%zu\\\",}]\"}",
					 i ? "," : "", i, i);
	fputs("]\n", f);
	assert_int_equal(fflush(f), 0);
	assert_true(total > 4 * 65536);

	rewind(f);
	import_input_fd(&in, fileno(f));
	assert_int_equal(import_input_fill(&in, 3, &err), OD_OK);
	in.pos += 3;
	json_array_stream_init(&s, &in);
	while ((ev = json_array_stream_next(&s, &v, &je, &err)) ==
	       JSON_ARRAY_VALUE) {
		snprintf(want, sizeof want, "],[{\"%zu\",}]", n);
		assert_int_equal(json_integer_value(json_object_get(v, "n")),
				 n);
		assert_string_equal(json_string_value(json_object_get(v, "s")),
				    want);
		json_decref(v);
		if (in.alloc > max_alloc)
			max_alloc = in.alloc;
		n++;
	}
	assert_int_equal(ev, JSON_ARRAY_END);
	assert_int_equal(n, 20000);
	assert_true(max_alloc <= 2 * 65536);
	import_input_free(&in);
	fclose(f);
	unlink(path);
}

/* A file cut short inside an element, read from a file descriptor. */
static void test_file_truncated(void **state)
{
	char path[] = "/tmp/test-json-array-stream-XXXXXX";
	struct json_array_error je;
	struct import_input in;
	struct json_array_stream s;
	struct od_err err;
	json_t *v;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[{\"a\": 1}, {\"b\": [1, 2", 22), 22);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	import_input_fd(&in, fd);
	json_array_stream_init(&s, &in);
	assert_int_equal(json_array_stream_next(&s, &v, &je, &err),
			 JSON_ARRAY_VALUE);
	json_decref(v);
	assert_int_equal(json_array_stream_next(&s, &v, &je, &err),
			 JSON_ARRAY_SYNTAX);
	assert_int_equal(je.code, json_error_premature_end_of_input);
	/* Done: asking again does not read on. */
	assert_int_equal(json_array_stream_next(&s, &v, &je, &err),
			 JSON_ARRAY_SYNTAX);
	import_input_free(&in);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elements),
		cmocka_unit_test(test_errors_match_jansson),
		cmocka_unit_test(test_nul_after_number),
		cmocka_unit_test(test_not_array),
		cmocka_unit_test(test_oversized_element),
		cmocka_unit_test(test_file_across_windows),
		cmocka_unit_test(test_file_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
