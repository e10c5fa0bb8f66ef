/*
 * passphrase.h - asking a person for their passphrase.
 *
 * From the terminal with echo off, or from a file descriptor for scripts
 * (--passphrase-fd N), one line per passphrase.  Never from the command line
 * or the environment, where other users and logs can see them.
 */
#ifndef OD_PASSPHRASE_H
#define OD_PASSPHRASE_H

#include <stddef.h>

#include "lib/err.h"

#define PASSPHRASE_MAX 1024
#define PASSPHRASE_MIN 8

/*
 * Reads one passphrase: from fd if fd >= 0 (up to a newline or end of file,
 * reading byte by byte so that a second read on the same fd gets the next
 * line), else from /dev/tty after printing prompt there.  *out is the
 * caller's, to free with secret_free_str; *len is its length.
 */
enum od_code passphrase_read(int fd, const char *prompt, char **out,
			     size_t *len, struct od_err *err);

/*
 * Reads a new passphrase for who: from fd, or from the terminal twice (the
 * two must match).  Refuses one shorter than PASSPHRASE_MIN bytes.
 */
enum od_code passphrase_read_new(int fd, const char *who, char **out,
				 size_t *len, struct od_err *err);

#endif
