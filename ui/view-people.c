/*
 * view-people.c - the owner's people: everyone ever added, with their role,
 * whether they are active, and their key's fingerprint; adding a person
 * (who types their own passphrase twice, never shown), changing a role,
 * revoking.  Each is a statement shown in full before it is signed, as an
 * order's actions are.
 */
#include "ui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/shop/passphrase.h"
#include "lib/secret.h"

#define PASS_CAP 1025        /* PASSPHRASE_MAX and the NUL */

struct people_st {
	struct desk_people *p;
	size_t sel, top;
};

static const struct ui_view view_people;

static const struct ui_keyhelp people_keys[] = {
	{ "a", "add a person", STMT_USER_ADD },
	{ "r", "change role", STMT_USER_ROLE },
	{ "x", "revoke", STMT_USER_REVOKE },
	{ "Esc", "back", -1 },
	{ "?", "help", -1 },
	{ "j k ↑ ↓", "move", -1 },
	{ "M", "message history", -1 },
	{ "L", "lock", -1 },
	{ NULL, NULL, -1 },
};

/*
 * Reads the people again.  With follow, the selection stays on the same
 * person while they are listed (others come and go around them, by name);
 * else it keeps its row.
 */
static enum od_code load(struct people_st *P, struct ui *u, int follow,
			 struct od_err *err)
{
	char name[STMT_NAME_MAX + 1] = "";
	struct desk_people *p = NULL;
	enum od_code rc = desk_people(u->desk, &p, err);
	size_t i;

	if (rc != OD_OK)
		return rc;
	if (follow && P->p != NULL && P->sel < P->p->n)
		snprintf(name, sizeof name, "%s", P->p->p[P->sel].name);
	desk_people_free(P->p);
	P->p = p;
	for (i = 0; name[0] && i < p->n; i++)
		if (strcmp(p->p[i].name, name) == 0)
			P->sel = i;
	if (P->sel >= p->n)
		P->sel = p->n ? p->n - 1 : 0;
	return OD_OK;
}

static void people_free(void *st)
{
	struct people_st *P = st;

	desk_people_free(P->p);
	free(P);
}

int view_people_open(struct ui *u)
{
	struct people_st *P;
	struct od_err err;

	if (desk_role(u->desk) != ROLE_OWNER)
		return 0;
	P = calloc(1, sizeof *P);
	if (P == NULL) {
		ui_message(u, 1, "Out of memory: close a view and try again.");
		return 0;
	}
	if (load(P, u, 0, &err) != OD_OK) {
		people_free(P);
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	return ui_push(u, &view_people, P) == 0;
}

static void people_draw(struct ui *u, void *st)
{
	struct people_st *P = st;
	size_t n = P->p ? P->p->n : 0, rows, i;
	const struct desk_person *x;
	enum ui_attr a;
	int y;

	rows = u->rows > 5 ? (size_t)(u->rows - 4) : 1;
	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · people · %zu",
		    n);
	screen_putf(1, 1, u->cols - 2, UI_HEAD, "%-16s %-10s %-8s %s",
		    "NAME", "ROLE", "STATE", "KEY");
	if (P->sel < P->top)
		P->top = P->sel;
	if (P->sel >= P->top + rows)
		P->top = P->sel - rows + 1;
	for (i = 0; i < rows && P->top + i < n; i++) {
		x = &P->p->p[P->top + i];
		y = 2 + (int)i;
		a = P->top + i == P->sel ? UI_SELECT : x->active ? UI_NORMAL :
		    UI_DIM;
		if (a == UI_SELECT)
			screen_bar(u, y, a);
		screen_put(y, 1, 16, x->name, a);
		screen_put(y, 18, 10, x->role, a);
		screen_put(y, 29, 8, x->active ? "active" : "revoked", a);
		screen_put(y, 38, u->cols - 39, x->fingerprint, a);
	}
	if (u->msg[0])
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
}

/* Shows act, signs it on y, reports; returns 1 when signed. */
static int sign(struct ui *u, const char *title, struct desk_act *act,
		const char *done)
{
	struct od_err err;
	long long seq = 0;

	if (!dialog_sign_act(u, title, desk_act_text(act), act, NULL, &seq,
			     &err))
		return 0;
	if (err.code != OD_OK)
		ui_message(u, 1, "Signed (log entry %lld), but: %s", seq,
			   err.msg);
	else
		ui_message(u, 0, "%s, signed by %s (log entry %lld).", done,
			   desk_user(u->desk), seq);
	return 1;
}

/* The roles a person may be given, as the form offers them. */
static const char *const roles[] = { "staff", "shopkeeper", "owner", NULL };

/* The name as it is left: the statement's rule, and never reused. */
static int check_name(const struct ui_field *f, size_t i, char *why,
		      size_t size)
{
	struct ui *u = f[i].ctx;
	const struct people_st *P = ui_state(u, &view_people);
	struct od_err err;
	size_t k;

	if (desk_check_person_name(u->desk, f[i].value, &err) != OD_OK) {
		snprintf(why, size, "%s", err.msg);
		return -1;
	}
	for (k = 0; P->p != NULL && k < P->p->n; k++) {
		if (strcmp(P->p->p[k].name, f[i].value) == 0) {
			snprintf(why, size, "there is already a person %s "
				 "(names are never reused); choose another",
				 f[i].value);
			return -1;
		}
	}
	return 0;
}

/* The passphrase as it is left: long enough. */
static int check_pass(const struct ui_field *f, size_t i, char *why,
		      size_t size)
{
	size_t n = strlen(f[i].value);

	if (n >= PASSPHRASE_MIN && n <= PASSPHRASE_MAX)
		return 0;
	snprintf(why, size, n < PASSPHRASE_MIN ? "the passphrase needs at "
		 "least %d characters" : "the passphrase is longer than %d "
		 "bytes", n < PASSPHRASE_MIN ? PASSPHRASE_MIN : PASSPHRASE_MAX);
	return -1;
}

/* The passphrase again: the same as the one before it. */
static int check_again(const struct ui_field *f, size_t i, char *why,
		       size_t size)
{
	if (strcmp(f[i].value, f[i - 1].value) == 0)
		return 0;
	snprintf(why, size, "the two passphrases differ; type it again");
	return -1;
}

/*
 * a: a new person, who types their own passphrase twice.  Each field is
 * checked as it is left; a refusal after the form opens it again with
 * everything as typed and the reason shown.
 */
static void add(struct ui *u)
{
	char name[STMT_NAME_MAX + 1] = "", role[16] = "staff", done[128];
	char *pass = NULL, *again = NULL, problem[UI_MSG_MAX] = "";
	struct ui_field f[4];
	struct desk_act *act = NULL;
	struct od_err err;

	pass = calloc(1, PASS_CAP);
	again = calloc(1, PASS_CAP);
	if (pass == NULL || again == NULL) {
		ui_message(u, 1, "out of memory; nothing signed");
		goto out;
	}
	f[0] = UI_TEXT("Name", name, sizeof name);
	f[0].check = check_name;
	f[0].ctx = u;
	f[1] = UI_TEXT("Role", role, sizeof role);
	f[1].choices = roles;
	f[2] = UI_TEXT("Passphrase", pass, PASS_CAP);
	f[2].hidden = 1;
	f[2].check = check_pass;
	f[3] = UI_TEXT("Again", again, PASS_CAP);
	f[3].hidden = 1;
	f[3].check = check_again;
	for (;;) {
		if (!dialog_form_again(u, "Add a person (they type the "
				       "passphrase)", f, 4, problem)) {
			ui_message(u, 0, "Nothing signed.");
			goto out;
		}
		if (desk_prepare_user(u->desk, STMT_USER_ADD, name, role, pass,
				      strlen(pass), &act, &err) == OD_OK)
			break;
		if (!desk_is_unlocked(u->desk)) {
			ui_message(u, 1, "%s", err.msg);
			goto out;
		}
		snprintf(problem, sizeof problem, "%s", err.msg);
	}
	/* The passphrase is in act now, until it is sealed or dropped. */
	secret_wipe(pass, PASS_CAP);
	secret_wipe(again, PASS_CAP);
	snprintf(done, sizeof done, "Added %s as %s", name, role);
	sign(u, "Add a person", act, done);
out:
	desk_act_free(act);
	if (pass != NULL)
		secret_wipe(pass, PASS_CAP);
	if (again != NULL)
		secret_wipe(again, PASS_CAP);
	free(pass);
	free(again);
}

/* r and x: a new role for, or the revocation of, the selected person. */
static void change(struct people_st *P, struct ui *u, enum stmt_kind kind)
{
	const struct desk_person *x;
	char name[STMT_NAME_MAX + 1], role[16], title[96], done[128];
	struct ui_field f[1];
	struct desk_act *act = NULL;
	struct od_err err;

	if (P->p == NULL || P->sel >= P->p->n)
		return;
	x = &P->p->p[P->sel];
	snprintf(name, sizeof name, "%s", x->name);
	snprintf(role, sizeof role, "%s", x->role);
	/* The only owner cannot be demoted or revoked, nor anyone revoked
	 * twice: said before the form, as the log would say at y. */
	if (desk_check_user(u->desk, kind, name, strcmp(role, "owner") == 0 ?
			    "staff" : "owner", &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return;
	}
	if (kind == STMT_USER_ROLE) {
		snprintf(title, sizeof title, "New role for %s", name);
		f[0] = UI_TEXT("Role", role, sizeof role);
		f[0].choices = roles;
		if (!dialog_form(u, title, f, 1)) {
			ui_message(u, 0, "Nothing signed.");
			return;
		}
		snprintf(done, sizeof done, "%s is now %s", name, role);
		snprintf(title, sizeof title, "Change the role of %s", name);
	} else {
		snprintf(done, sizeof done, "Revoked %s and changed the "
			 "store's key", name);
		snprintf(title, sizeof title, "Revoke %s", name);
	}
	if (desk_prepare_user(u->desk, kind, name, role, NULL, 0, &act,
			      &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return;
	}
	sign(u, title, act, done);
	desk_act_free(act);
}

static enum ui_next people_key(struct ui *u, void *st, int key)
{
	struct people_st *P = st;
	size_t n = P->p ? P->p->n : 0;
	struct od_err err;
	enum stmt_kind kind;

	u->msg[0] = '\0';
	switch (key) {
	case UI_ESC:
	case 'q':
		return UI_BACK;
	case 'j':
	case UI_FN(KEY_DOWN):
		if (P->sel + 1 < n)
			P->sel++;
		return UI_DRAW;
	case 'k':
	case UI_FN(KEY_UP):
		if (P->sel > 0)
			P->sel--;
		return UI_DRAW;
	case 'a':
	case 'r':
	case 'x':
		kind = key == 'a' ? STMT_USER_ADD : key == 'r' ?
		       STMT_USER_ROLE : STMT_USER_REVOKE;
		if (!ui_allowed(u, kind))
			return UI_DRAW;
		if (key == 'a')
			add(u);
		else
			change(P, u, kind);
		/* The list shows what the store holds now. */
		if (desk_is_unlocked(u->desk) && load(P, u, 0, &err) != OD_OK)
			ui_message(u, 1, "%s", err.msg);
		return UI_DRAW;
	default:
		return ui_common_key(u, key);
	}
}

/* Drops the list on lock: names and keys of people stay out of memory. */
static void people_lock(struct ui *u, void *st)
{
	struct people_st *P = st;

	desk_people_free(P->p);
	P->p = NULL;
}

/* Reloads after an unlock (follow 0) or a sync's news (1), owners only. */
static enum od_code reload(struct people_st *P, struct ui *u, int follow,
			   struct od_err *err)
{
	if (desk_role(u->desk) != ROLE_OWNER)
		return od_err_set(err, OD_E_DENIED, "only an owner sees the "
				  "people");
	return load(P, u, follow, err);
}

static enum od_code people_unlock(struct ui *u, void *st, struct od_err *err)
{
	struct people_st *P = st;

	return reload(P, u, 0, err);
}

/* After a background sync: people added or revoked elsewhere show, the
 * selected person still selected. */
static enum od_code people_news(struct ui *u, void *st, struct od_err *err)
{
	struct people_st *P = st;

	return reload(P, u, 1, err);
}

static const struct ui_view view_people = {
	"People", people_draw, people_key, people_lock, people_unlock,
	people_keys, people_news, people_free,
};
