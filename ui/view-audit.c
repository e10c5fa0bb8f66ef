/*
 * view-audit.c - the owner's audit history: the whole log, newest first,
 * each entry with its signature and its place in the hash chain checked;
 * a filter by person, kind, order and date; and "verify everything", which
 * replays the log as `orderdesk audit verify` does.
 */
#include "ui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/buf.h"
#include "ui/ask-replace.h"

#include "ui/line-edit.h"
#include "ui/view-audit-events.h"

struct audit_st {
	struct desk_audit *a;
	size_t sel, top;
	int editing;
	int loading;             /* while load reads: no "No entry matches" */
	char filter[DESK_SEARCH_MAX + 1];
	struct line_edit ed;     /* over filter, while editing */
	char banner[AUDIT_BANNER_MAX];   /* the backend's events, or "" */
};

static const struct ui_view view_audit;

static const struct ui_keyhelp audit_keys[] = {
	{ "Enter", "the whole statement", -1 },
	{ "/", "filter", -1 },
	{ "V", "verify everything", -1 },
	{ "E", "export what is shown to CSV", -1 },
	{ "B", "the backend's security events (the banner's details)", -1 },
	{ "Esc", "back", -1 },
	{ "?", "help", -1 },
	{ "j k ↑ ↓", "move", -1 },
	{ "PgUp PgDn", "page", -1 },
	{ "g G Home End", "newest, oldest", -1 },
	{ "filter words", "person, order, kind (order.), date "
	  "(2026-11-20 or 2026-11-01..2026-11-20)", -1 },
	{ "M", "message history", -1 },
	{ "L", "lock", -1 },
	{ NULL, NULL, -1 },
};

/* Reads the history again with the current filter. */
static enum od_code load(struct audit_st *A, struct ui *u, struct od_err *err)
{
	struct desk_audit *a = NULL;
	enum od_code rc;

	ui_message(u, 0, "Reading the log…");
	A->loading = 1;
	ui_draw(u);
	rc = desk_audit(u->desk, A->filter, &a, err);
	A->loading = 0;
	u->msg[0] = '\0';
	if (rc != OD_OK)
		return rc;
	desk_audit_free(A->a);
	A->a = a;
	A->sel = A->top = 0;
	audit_events_banner(u, A->banner, sizeof A->banner);
	return OD_OK;
}

static void audit_free(void *st)
{
	struct audit_st *A = st;

	desk_audit_free(A->a);
	free(A);
}

int view_audit_open(struct ui *u)
{
	struct audit_st *A = calloc(1, sizeof *A);
	struct od_err err;

	if (A == NULL) {
		ui_message(u, 1, "Out of memory: close a view and try again.");
		return 0;
	}
	if (load(A, u, &err) != OD_OK) {
		audit_free(A);
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	return ui_push(u, &view_audit, A) == 0;
}

/* Rows the list has on screen (one less under a banner). */
static size_t rows(const struct ui *u, const struct audit_st *A)
{
	int r = u->rows - 4 - (A->banner[0] != '\0');

	return r > 1 ? (size_t)r : 1;
}

static void audit_draw(struct ui *u, void *st)
{
	struct audit_st *A = st;
	size_t n = A->a ? A->a->n : 0, i;
	/* Under 80 columns the time gives way; the rest moves left. */
	int cut = u->cols < 80 ? 17 : 0, dw = u->cols - 70 + cut;
	char when[32], line[DESK_SEARCH_MAX + 64];

	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · audit history, "
		    "newest first · %zu of %lld entries%s", n,
		    A->a ? A->a->scanned : 0, n >= DESK_AUDIT_MAX ?
		    " (the newest kept)" : "");
	screen_putf(1, 1, u->cols - 2, UI_HEAD, "%7s %-*s%s%-10s %-16s %-8s "
		    "%-5s %s", "ENTRY", cut ? 0 : 16, cut ? "" : "TIME",
		    cut ? "" : " ", "PERSON", "KIND", "ORDER", "CHECK",
		    "DETAIL");
	if (A->sel < A->top)
		A->top = A->sel;
	if (A->sel >= A->top + rows(u, A))
		A->top = A->sel - rows(u, A) + 1;
	for (i = 0; i < rows(u, A) && A->top + i < n; i++) {
		const struct desk_entry *e = &A->a->entries[A->top + i];
		int y = 2 + (int)i, ok = e->sig_ok && e->chain_ok;
		enum ui_attr at = A->top + i == A->sel ? UI_SELECT : UI_NORMAL;

		snprintf(when, sizeof when, "%.10s %.5s", e->time,
			 e->time + 11);
		if (at == UI_SELECT)
			screen_bar(u, y, at);
		screen_putf(y, 1, 7, at, "%7lld", e->seq);
		if (!cut)
			screen_put(y, 9, 16, when, at);
		screen_put(y, 26 - cut, 10, e->actor, at);
		screen_put(y, 37 - cut, 16, e->kind, at);
		screen_put(y, 54 - cut, 8, e->order, at);
		screen_putf(y, 63 - cut, 5, at == UI_SELECT ? at : ok ?
			    UI_GOOD : UI_BAD, "%s%s", e->sig_ok ? "✓" : "✗sig",
			    e->chain_ok ? "✓" : "✗chain");
		screen_put(y, 69 - cut, dw, e->detail, at);
	}
	if (n == 0)
		screen_put(3, 2, u->cols - 4, A->loading ? "Reading the log…" :
			   "No entry matches.", UI_DIM);
	if (A->banner[0])
		audit_events_draw(u, u->rows - 3, A->banner);
	if (A->editing) {
		const char *shown;
		int col = line_edit_view(&A->ed, u->cols - 10, &shown);

		screen_put(u->rows - 2, 1, 8, "filter: ", UI_NORMAL);
		screen_put(u->rows - 2, 9, u->cols - 10, shown, UI_NORMAL);
		screen_cursor(u->rows - 2, 9 + col);
	} else if (u->msg[0]) {
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
	} else if (A->filter[0]) {
		snprintf(line, sizeof line, "filter: %s   (/ to change)",
			 A->filter);
		screen_put(u->rows - 2, 1, u->cols - 2, line, UI_DIM);
	}
}

/* A key while typing the filter (applied on Enter: it reads the log). */
static enum ui_next filter_key(struct audit_st *A, struct ui *u, int key)
{
	struct od_err err;

	if (key == '\r' || key == '\n' || key == UI_FN(KEY_ENTER)) {
		A->editing = 0;
		if (load(A, u, &err) != OD_OK)
			ui_message(u, 1, "%s", err.msg);
	} else if (key == UI_ESC) {
		A->editing = 0;
	} else {
		(void)line_edit_key(&A->ed, key);
	}
	return UI_DRAW;
}

/* Replays the whole log and says what it found. */
static enum ui_next verify(struct ui *u)
{
	struct od_err err;
	long long n;

	ui_message(u, 0, "Verifying every entry…");
	ui_draw(u);
	if (desk_verify_all(u->desk, &n, &err) == OD_OK)
		ui_message(u, 0, "All %lld entries verified: signatures, "
			   "roles, transitions and the chain hold.", n);
	else
		ui_message(u, 1, "Verification failed: %s", err.msg);
	return UI_DRAW;
}

/*
 * Writes the entries shown (the filter's, newest first) to a CSV file the
 * person names, in the current directory unless a path is given.
 */
static enum ui_next export_csv(struct audit_st *A, struct ui *u)
{
	char path[1024];
	struct ui_field f[1];
	struct od_err err;
	time_t now = time(NULL);
	struct tm tm;

	if (A->a == NULL)
		return UI_STAY;
	localtime_r(&now, &tm);
	strftime(path, sizeof path, "orderdesk-audit-%Y%m%d.csv", &tm);
	f[0] = UI_TEXT("File", path, sizeof path);
	if (!dialog_form(u, "Export the shown entries to CSV", f, 1))
		return UI_DRAW;
	if (!ui_may_replace(u, path)) {
		ui_message(u, 0, "Not exported: %.200s is kept as it was.",
			   path);
		return UI_DRAW;
	}
	if (desk_audit_csv(A->a, path, &err) != OD_OK)
		ui_message(u, 1, "Not exported: %s", err.msg);
	else
		ui_message(u, 0, "Exported %zu entr%s to %.200s (only you "
			   "may read it).", A->a->n, A->a->n == 1 ? "y" : "ies",
			   path);
	return UI_DRAW;
}

/* The entry seq as the list shows it, then its whole statement. */
static enum od_code fill_entry(struct ui *u, long long seq, struct buf *b,
			       struct od_err *err)
{
	/* The audit view under the text: its list has the entry's header. */
	const struct audit_st *A = ui_state(u, &view_audit);
	const struct desk_entry *e = NULL;
	char *text = NULL;
	enum od_code rc;
	size_t i;

	for (i = 0; A->a != NULL && i < A->a->n && e == NULL; i++)
		if (A->a->entries[i].seq == seq)
			e = &A->a->entries[i];
	rc = desk_entry_statement(u->desk, seq, &text, err);
	if (rc == OD_OK && e != NULL)
		rc = buf_addf(b, err, "Entry %lld · %s · signed by %s%s%s%s\n"
			      "signature %s · chain link %s\n\n", seq,
			      e->time, e->actor, e->role[0] ? " (" : "",
			      e->role, e->role[0] ? ")" : "",
			      e->sig_ok ? "✓ checks" : "✗ DOES NOT CHECK",
			      e->chain_ok ? "✓ follows" : "✗ BROKEN");
	if (rc == OD_OK)
		rc = buf_adds(b, text, err);
	free(text);
	return rc;
}

/* Opens the selected entry's whole statement. */
static enum ui_next open_entry(struct audit_st *A, struct ui *u)
{
	char title[64];
	long long seq;

	if (A->a == NULL || A->sel >= A->a->n)
		return UI_STAY;
	seq = A->a->entries[A->sel].seq;
	snprintf(title, sizeof title, "audit entry %lld", seq);
	(void)view_text_open(u, title, fill_entry, seq);
	return UI_DRAW;
}

static enum ui_next audit_key(struct ui *u, void *st, int key)
{
	struct audit_st *A = st;
	size_t n = A->a ? A->a->n : 0, page = rows(u, A);
	struct od_err err;

	if (A->editing)
		return filter_key(A, u, key);
	u->msg[0] = '\0';
	switch (key) {
	case 'q':
	case UI_ESC:
		desk_audit_free(A->a);
		A->a = NULL;
		return UI_BACK;
	case 'j':
	case UI_FN(KEY_DOWN):
		if (A->sel + 1 < n)
			A->sel++;
		break;
	case 'k':
	case UI_FN(KEY_UP):
		if (A->sel > 0)
			A->sel--;
		break;
	case UI_FN(KEY_NPAGE):
	case ' ':
		A->sel = A->sel + page < n ? A->sel + page : (n ? n - 1 : 0);
		break;
	case UI_FN(KEY_PPAGE):
		A->sel = A->sel > page ? A->sel - page : 0;
		break;
	case 'g':
	case UI_FN(KEY_HOME):
		A->sel = 0;
		break;
	case 'G':
	case UI_FN(KEY_END):
		A->sel = n ? n - 1 : 0;
		break;
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		return open_entry(A, u);
	case '/':
		/* Change the filter as it stands, the cursor at its end. */
		A->editing = 1;
		line_edit_init(&A->ed, A->filter, sizeof A->filter);
		break;
	case 'V':
		return verify(u);
	case 'E':
		return export_csv(A, u);
	case AUDIT_EVENTS_KEY:
		return audit_events_open(u);
	case 'r':
		if (load(A, u, &err) != OD_OK)
			ui_message(u, 1, "%s", err.msg);
		break;
	default:
		return ui_common_key(u, key);
	}
	return UI_DRAW;
}

/*
 * After a background sync: the entries it brought at the top, the filter
 * kept, and the selected entry still selected while the log holds it.
 */
static enum od_code audit_news(struct ui *u, void *st, struct od_err *err)
{
	struct audit_st *A = st;
	char id[STMT_ID_LEN + 1] = "";
	enum od_code rc;
	size_t i;

	if (A->a == NULL)
		return OD_OK;
	if (A->sel < A->a->n)
		memcpy(id, A->a->entries[A->sel].id, sizeof id);
	rc = desk_audit_update(u->desk, A->a, err);
	if (rc != OD_OK)
		return rc;
	for (i = 0; id[0] && i < A->a->n; i++)
		if (strcmp(A->a->entries[i].id, id) == 0)
			A->sel = i;
	if (A->sel >= A->a->n)
		A->sel = A->a->n ? A->a->n - 1 : 0;
	audit_events_banner(u, A->banner, sizeof A->banner);
	return OD_OK;
}

/* The history is the shop's: it goes with the keys. */
static void audit_lock(struct ui *u, void *st)
{
	struct audit_st *A = st;

	desk_audit_free(A->a);
	A->a = NULL;
	A->editing = 0;
}

static enum od_code audit_unlock(struct ui *u, void *st, struct od_err *err)
{
	struct audit_st *A = st;

	return load(A, u, err);
}

static const struct ui_view view_audit = {
	"Audit history", audit_draw, audit_key, audit_lock, audit_unlock,
	audit_keys, audit_news, audit_free,
};
