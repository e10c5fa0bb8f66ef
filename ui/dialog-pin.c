/*
 * dialog-pin.c - a token's PIN asked in the screens the way the unlock
 * screen asks a passphrase: a field that shows nothing typed, not even its
 * length, wiped once the token has it.  app/keys/sigtoken.c asks through
 * the reader registered here (app/ never calls up into ui/), at the first
 * signature after a person with a key on a token signs in; Esc gives no
 * PIN, and the token signs nothing.
 */
#include "ui/view.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/keys/sigtoken.h"
#include "lib/secret.h"

#define PIN_MAX 256

/* The thread that draws: a PIN is never asked from another one. */
static pthread_t ui_thread;

static enum od_code ask_pin(void *ctx, const char *token, char **pin,
			    size_t *len, struct od_err *err)
{
	struct ui *u = ctx;
	char buf[PIN_MAX + 1] = "", title[128];
	struct ui_field f = UI_TEXT("PIN", buf, sizeof buf);
	int given;

	*pin = NULL;
	*len = 0;
	/* A background sync signing with a person's token cannot draw. */
	if (!pthread_equal(pthread_self(), ui_thread))
		return od_err_set(err, OD_E_USAGE, "a token's PIN is asked "
				  "only when you sign at the desk");
	f.hidden = 1;
	snprintf(title, sizeof title, "PIN for token %.80s",
		 token != NULL ? token : "?");
	given = dialog_form(u, title, &f, 1);
	if (given) {
		*len = strlen(buf);
		*pin = malloc(*len + 1);
		if (*pin != NULL)
			memcpy(*pin, buf, *len + 1);
	}
	secret_wipe(buf, sizeof buf);
	if (!given)
		return od_err_set(err, OD_E_AUTH, "no PIN given; nothing was "
				  "signed");
	if (*pin == NULL) {
		*len = 0;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	return OD_OK;
}

void dialog_pin_setup(struct ui *u)
{
	ui_thread = pthread_self();
	sigtoken_set_pin_reader(u != NULL ? ask_pin : NULL, u);
}
