/*
 * clip.h - copying to the terminal's clipboard with OSC 52 (xterm's
 * "manipulate selection data"; tmux with set-clipboard, kitty, iTerm2,
 * foot, WezTerm and Windows Terminal take it), which works over ssh
 * without X or a clipboard tool: the desk only writes an escape sequence.
 */
#ifndef OD_UI_CLIP_H
#define OD_UI_CLIP_H

struct ui;

/*
 * Copies the order number, or with tracking the tracking code of the
 * order's newest parcel (the number when none has shipped), and says on
 * the message line what was copied.
 */
void clip_copy_order(struct ui *u, const char *number, int tracking);

#endif
