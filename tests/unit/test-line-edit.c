/*
 * test-line-edit.c - the desk's one line editor: keys on a buffer and a
 * cursor, in ASCII, accented, CJK and combined text, and the view's
 * scrolling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/line-edit.h"
#include "ui/view.h"

#define LEFT UI_FN(KEY_LEFT)
#define RIGHT UI_FN(KEY_RIGHT)
#define HOME UI_FN(KEY_HOME)
#define END UI_FN(KEY_END)
#define BS UI_FN(KEY_BACKSPACE)
#define DEL UI_FN(KEY_DC)

/* Types each key of keys (ending with 0) into e. */
static void keys(struct line_edit *e, const int *k)
{
	for (; *k; k++)
		(void)line_edit_key(e, *k);
}

/* Sets up e on buf holding text, the cursor at its end. */
static void start(struct line_edit *e, char *buf, size_t cap,
		  const char *text)
{
	memset(buf, 0, cap);
	strcpy(buf, text);
	line_edit_init(e, buf, cap);
}

static void test_insert_in_the_middle(void **state)
{
	char buf[32];
	struct line_edit e;

	(void)state;
	start(&e, buf, sizeof buf, "ac");
	keys(&e, (int[]){ LEFT, 'b', 0 });
	assert_string_equal(buf, "abc");
	assert_int_equal(e.cur, 2);
	keys(&e, (int[]){ HOME, '>', END, '<', 0 });
	assert_string_equal(buf, ">abc<");
	keys(&e, (int[]){ UI_CTRL('a'), RIGHT, UI_CTRL('f'), 0xe9, 0 });
	assert_string_equal(buf, ">a\xc3\xa9" "bc<");
	keys(&e, (int[]){ UI_CTRL('e'), UI_CTRL('b'), 0x738b, 0 });
	assert_string_equal(buf, ">a\xc3\xa9" "bc\xe7\x8e\x8b<");
}

static void test_delete_utf8_and_wide(void **state)
{
	/* García 王小明: an accent and three wide characters. */
	char buf[64];
	struct line_edit e;

	(void)state;
	start(&e, buf, sizeof buf,
	      "Garc\xc3\xad" "a \xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e");
	keys(&e, (int[]){ LEFT, BS, 0 });
	assert_string_equal(buf, "Garc\xc3\xad" "a \xe7\x8e\x8b\xe6\x98\x8e");
	keys(&e, (int[]){ HOME, RIGHT, RIGHT, RIGHT, RIGHT, DEL, 0 });
	assert_string_equal(buf, "Garca \xe7\x8e\x8b\xe6\x98\x8e");
	keys(&e, (int[]){ UI_CTRL('d'), UI_CTRL('h'), 0 });
	assert_string_equal(buf, "Gar \xe7\x8e\x8b\xe6\x98\x8e");
	/* Nothing left over past the end after cuts. */
	assert_int_equal(buf[strlen(buf) + 1], 0);
	keys(&e, (int[]){ END, BS, BS, BS, BS, BS, BS, BS, BS, 0 });
	assert_string_equal(buf, "");
	assert_memory_equal(buf, (char[64]){ 0 }, sizeof buf);
	assert_int_equal(line_edit_key(&e, BS), LINE_EDIT_MOVED);
}

static void test_combining_marks_go_with_their_letter(void **state)
{
	/* e + U+0301: one character of two code points. */
	char buf[32];
	struct line_edit e;

	(void)state;
	start(&e, buf, sizeof buf, "ce\xcc\x81x");
	keys(&e, (int[]){ LEFT, LEFT, 0 });
	assert_int_equal(e.cur, 1);
	keys(&e, (int[]){ DEL, 0 });
	assert_string_equal(buf, "cx");
	start(&e, buf, sizeof buf, "e\xcc\x81");
	keys(&e, (int[]){ BS, 0 });
	assert_string_equal(buf, "");
}

static void test_kill_keys(void **state)
{
	char buf[64];
	struct line_edit e;

	(void)state;
	start(&e, buf, sizeof buf, "ring the bell  twice");
	keys(&e, (int[]){ UI_CTRL('w'), 0 });
	assert_string_equal(buf, "ring the bell  ");
	keys(&e, (int[]){ UI_CTRL('w'), 0 });
	assert_string_equal(buf, "ring the ");
	keys(&e, (int[]){ LEFT, LEFT, LEFT, LEFT, UI_CTRL('k'), 0 });
	assert_string_equal(buf, "ring ");
	keys(&e, (int[]){ LEFT, LEFT, UI_CTRL('u'), 0 });
	assert_string_equal(buf, "g ");
	assert_int_equal(e.cur, 0);
	keys(&e, (int[]){ UI_CTRL('w'), 0 });
	assert_string_equal(buf, "g ");
}

static void test_refuses_controls_and_overflow(void **state)
{
	char buf[5];
	struct line_edit e;

	(void)state;
	start(&e, buf, sizeof buf, "ab");
	assert_int_equal(line_edit_key(&e, 0x1b), LINE_EDIT_NOT_MINE);
	assert_int_equal(line_edit_key(&e, 0x9b), LINE_EDIT_NOT_MINE);
	assert_int_equal(line_edit_key(&e, '\r'), LINE_EDIT_NOT_MINE);
	assert_int_equal(line_edit_key(&e, UI_FN(KEY_UP)), LINE_EDIT_NOT_MINE);
	assert_int_equal(line_edit_key(&e, 0xd800), LINE_EDIT_NOT_MINE);
	/* Room for one more byte only: a 3-byte character does not fit. */
	assert_int_equal(line_edit_key(&e, 'c'), LINE_EDIT_CHANGED);
	assert_int_equal(line_edit_key(&e, 0x738b), LINE_EDIT_MOVED);
	assert_int_equal(line_edit_key(&e, 'd'), LINE_EDIT_CHANGED);
	assert_int_equal(line_edit_key(&e, 'e'), LINE_EDIT_MOVED);
	assert_string_equal(buf, "abcd");
}

static void test_view_keeps_the_cursor_in_sight(void **state)
{
	char buf[64];
	const char *shown;
	struct line_edit e;
	int col;

	(void)state;
	start(&e, buf, sizeof buf, "0123456789abcdef");
	col = line_edit_view(&e, 6, &shown);
	assert_string_equal(shown, "bcdef");
	assert_int_equal(col, 5);
	keys(&e, (int[]){ LEFT, LEFT, 0 });
	col = line_edit_view(&e, 6, &shown);
	assert_string_equal(shown, "bcdef");
	assert_int_equal(col, 3);
	keys(&e, (int[]){ HOME, 0 });
	col = line_edit_view(&e, 6, &shown);
	assert_int_equal(shown - buf, 0);
	assert_int_equal(col, 0);
	keys(&e, (int[]){ END, UI_CTRL('u'), 'x', 0 });
	col = line_edit_view(&e, 6, &shown);
	assert_string_equal(shown, "x");
	assert_int_equal(col, 1);
}

static void test_view_counts_wide_columns(void **state)
{
	/* Five wide characters are ten columns. */
	char buf[64];
	const char *shown;
	struct line_edit e;
	int col;

	(void)state;
	start(&e, buf, sizeof buf, "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e"
	      "\xe7\x8e\x8b\xe5\xb0\x8f");
	assert_int_equal(line_edit_width(buf, strlen(buf)), 10);
	col = line_edit_view(&e, 6, &shown);
	assert_int_equal(col, 4);
	assert_string_equal(shown, "\xe7\x8e\x8b\xe5\xb0\x8f");
	keys(&e, (int[]){ HOME, 0 });
	col = line_edit_view(&e, 6, &shown);
	assert_int_equal(col, 0);
	assert_ptr_equal(shown, buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_in_the_middle),
		cmocka_unit_test(test_delete_utf8_and_wide),
		cmocka_unit_test(test_combining_marks_go_with_their_letter),
		cmocka_unit_test(test_kill_keys),
		cmocka_unit_test(test_refuses_controls_and_overflow),
		cmocka_unit_test(test_view_keeps_the_cursor_in_sight),
		cmocka_unit_test(test_view_counts_wide_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
