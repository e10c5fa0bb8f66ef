/*
 * cli-pin.c - asking a token's PIN the way the desk asks a passphrase,
 * so scripts give it on --passphrase-fd (the line after the passphrase)
 * and people type it unechoed; it is never an argument or a variable.
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>

#include "app/keys/sigtoken.h"
#include "app/shop/passphrase.h"

static enum od_code read_pin(void *ctx, const char *token, char **pin,
			     size_t *len, struct od_err *err)
{
	struct cli *c = ctx;
	char prompt[128];

	snprintf(prompt, sizeof prompt, "PIN for token %.80s: ",
		 token != NULL ? token : "?");
	return passphrase_read(c->pass_fd, prompt, pin, len, err);
}

void cli_pin_setup(struct cli *c)
{
	sigtoken_set_pin_reader(read_pin, c);
}
