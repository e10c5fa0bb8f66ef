/*
 * messages.c - every message the message line showed, with its time, so
 * that one cut at the screen's width or gone with the next key can be read
 * again in full (M).  Kept for the signed-in session: a lock forgets them,
 * as they name orders and people.
 */
#include "ui/view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/secret.h"

#define MESSAGES_MAX 200

static struct {
	char text[MESSAGES_MAX][UI_MSG_MAX];
	char when[MESSAGES_MAX][9];   /* "HH:MM:SS", local time */
	int bad[MESSAGES_MAX];
	size_t first, n;
} M;

void messages_add(const char *text, int bad)
{
	size_t i, last;
	time_t now = time(NULL);
	struct tm tm;

	if (text[0] == '\0')
		return;
	last = (M.first + M.n - 1) % MESSAGES_MAX;
	/* The same message again (a key pressed twice) is one entry. */
	if (M.n > 0 && strcmp(M.text[last], text) == 0)
		return;
	if (M.n == MESSAGES_MAX) {
		M.first = (M.first + 1) % MESSAGES_MAX;
		M.n--;
	}
	i = (M.first + M.n) % MESSAGES_MAX;
	snprintf(M.text[i], sizeof M.text[i], "%s", text);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(M.when[i], sizeof M.when[i], "%H:%M:%S", &tm) == 0)
		snprintf(M.when[i], sizeof M.when[i], "--:--:--");
	M.bad[i] = bad;
	M.n++;
}

void messages_clear(void)
{
	secret_wipe(&M, sizeof M);
	M.first = M.n = 0;
}

enum od_code messages_text(struct buf *b, struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t k, i;

	if (M.n == 0)
		return buf_adds(b, "No messages yet.", err);
	for (k = M.n; k > 0 && rc == OD_OK; k--) {
		i = (M.first + k - 1) % MESSAGES_MAX;
		rc = buf_addf(b, err, "%s %s %s\n", M.when[i],
			      M.bad[i] ? "✗" : " ", M.text[i]);
	}
	return rc;
}
