/*
 * ask-replace.h - before a screen writes a file the person named: asked
 * whether to replace one already there, no by default (an export of
 * yesterday's is not overwritten by a key).
 */
#ifndef OD_UI_ASK_REPLACE_H
#define OD_UI_ASK_REPLACE_H

#include "ui/view.h"

/* 1 to write path: nothing is there, or the person said to replace it. */
int ui_may_replace(struct ui *u, const char *path);

#endif
