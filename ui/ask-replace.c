/* ask-replace.c - asking before a file the person named is replaced. */
#include "ui/ask-replace.h"

#include <stdio.h>
#include <sys/stat.h>

int ui_may_replace(struct ui *u, const char *path)
{
	static const char *const answers[] = { "no, keep it",
		"yes, replace it", NULL };
	char answer[32], title[96];
	struct ui_field f[1];
	struct stat sb;

	if (lstat(path, &sb) != 0)
		return 1;
	snprintf(answer, sizeof answer, "%s", answers[0]);
	f[0] = UI_TEXT("Replace", answer, sizeof answer);
	f[0].choices = answers;
	snprintf(title, sizeof title, "%.60s exists", path);
	return dialog_form(u, title, f, 1) && answer[0] == 'y';
}
