/* clip.c - the clipboard through OSC 52 (clip.h). */
#include "ui/clip.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/encode.h"
#include "ui/view.h"

#define CLIP_MAX 128            /* bytes copied: a number or a code */

/*
 * Writes ESC ] 52 ; c ; BASE64 BEL straight to the terminal, after what
 * curses has buffered: the sequence draws nothing, so the screen curses
 * knows stays true.  Returns 0, or -1 when it could not be written.
 */
static int osc52(const char *text)
{
	char seq[16 + ((CLIP_MAX + 2) / 3) * 4 + 1];
	size_t n = strlen(text), len;
	ssize_t w;

	if (n > CLIP_MAX)
		return -1;
	memcpy(seq, "\033]52;c;", 7);
	b64_encode((const uint8_t *)text, n, seq + 7);
	len = strlen(seq);
	seq[len++] = '\a';
	fflush(stdout);
	w = write(STDOUT_FILENO, seq, len);
	return w == (ssize_t)len ? 0 : -1;
}

/* The tracking code of the newest parcel of dd, or NULL. */
static const char *newest_tracking(const struct desk_detail *dd)
{
	size_t i = dd->nshipments;

	while (i-- > 0)
		if (dd->shipments[i].tracking && dd->shipments[i].tracking[0])
			return dd->shipments[i].tracking;
	return NULL;
}

void clip_copy_order(struct ui *u, const char *number, int tracking)
{
	struct desk_detail *dd = NULL;
	const char *code = NULL;
	char text[CLIP_MAX + 1];
	struct od_err err;

	if (tracking && desk_detail(u->desk, number, &dd, &err) == OD_OK)
		code = newest_tracking(dd);
	snprintf(text, sizeof text, "%s", code ? code : number);
	desk_detail_free(dd);
	if (osc52(text) != 0)
		ui_message(u, 1, "Could not write to the terminal; nothing "
			   "copied.");
	else if (code)
		ui_message(u, 0, "Copied tracking code %s (order %s) to the "
			   "clipboard (OSC 52; tmux: set-clipboard on).",
			   text, number);
	else
		ui_message(u, 0, "Copied %s to the clipboard (OSC 52; tmux: "
			   "set-clipboard on).", text);
}
