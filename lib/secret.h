/* secret.h - wiping keys and passphrases from memory. */
#ifndef OD_SECRET_H
#define OD_SECRET_H

#include <stddef.h>

/* Overwrites n bytes at p with zeros in a way the compiler cannot drop. */
void secret_wipe(void *p, size_t n);

/* Wipes the NUL-terminated string s (if not NULL) and frees it. */
void secret_free_str(char *s);

#endif
