/* view-audit-events.c - the backend's events on the audit screen
 * (view-audit-events.h). */
#include "ui/view-audit-events.h"

#include <stdio.h>
#include <string.h>

#include "lib/buf.h"

void audit_events_banner(struct ui *u, char *out, size_t size)
{
	struct od_err err;

	/* Not the owner, or no summary yet: nothing to show, no message. */
	if (desk_backend_events(u->desk, out, size, NULL, &err) != OD_OK)
		out[0] = '\0';
}

void audit_events_draw(struct ui *u, int y, const char *banner)
{
	char tail[32], line[AUDIT_BANNER_MAX + 32];
	/* The tail's width on screen: the dash is one column, three bytes. */
	int width = u->cols - 2, tail_w;
	size_t n = strlen(banner);

	tail_w = snprintf(tail, sizeof tail, " — %c for details",
			  AUDIT_EVENTS_KEY) - 2;
	/* The banner's words are ASCII (app/sync/sync-events.h): a byte is
	 * a column. */
	if ((int)n + tail_w > width && width > tail_w + 1)
		n = (size_t)(width - tail_w - 1);
	snprintf(line, sizeof line, "%.*s%s%s", (int)n, banner,
		 n < strlen(banner) ? "…" : "", tail);
	screen_put(y, 1, width, line, UI_BAD);
}

static enum od_code fill(struct ui *u, long long arg, struct buf *b,
			 struct od_err *err)
{
	char banner[8];

	return desk_backend_events(u->desk, banner, sizeof banner, b, err);
}

enum ui_next audit_events_open(struct ui *u)
{
	(void)view_text_open(u, "the backend's security events", fill, 0);
	return UI_DRAW;
}
