/* secret.c - wiping keys and passphrases from memory. */
#include "lib/secret.h"

#include <stdlib.h>
#include <string.h>

void secret_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void secret_free_str(char *s)
{
	if (s == NULL)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}
