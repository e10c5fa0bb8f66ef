/*
 * file.h - writing files so that they survive a crash and stay private.
 *
 * Every file orderdesk makes is mode 0600 whatever the umask.  A file that
 * replaces another is written beside it, fsynced, renamed over it, and its
 * directory fsynced, so that after a crash either the old or the new whole
 * file is there, never a mix.
 */
#ifndef OD_FILE_H
#define OD_FILE_H

#include <stddef.h>

#include "lib/err.h"

/* Writes all n bytes to fd, retrying on EINTR; returns 0 or an errno. */
int file_write_all(int fd, const void *p, size_t n);

/* Fsyncs the directory that holds path; returns 0 or an errno. */
int file_sync_parent(const char *path);

/* Fsyncs the directory dir itself; returns 0 or an errno. */
int file_sync_dir(const char *dir);

/*
 * The one atomic replace: path gets p[0..n) as above (through
 * "PATH.part").  A full disk gives OD_E_NOSPACE, other failures OD_E_IO,
 * naming path; on failure path is as it was and no temporary file is
 * left.  *replaced (if not NULL) is 1 once the rename happened, even if
 * the directory's sync then failed (path holds the new bytes, an error is
 * still returned).
 */
enum od_code file_replace(const char *path, const void *p, size_t n,
			  int *replaced, struct od_err *err);

/* file_replace for a caller that need not know (one implementation). */
#define file_write_atomic(path, p, n, err) \
	file_replace((path), (p), (n), NULL, (err))

/*
 * The one writer of a new private file: creates path, which must not
 * exist (not even as a symlink), mode 0600 whatever the umask, writes
 * p[0..n), fsyncs it and its directory.  An existing path gives
 * OD_E_EXISTS, a full disk OD_E_NOSPACE, anything else OD_E_IO, each
 * "cannot write PATH: why"; after a failure past the create, the partial
 * file is removed.
 */
enum od_code file_write_new(const char *path, const void *p, size_t n,
			    struct od_err *err);

struct buf;

/*
 * The one capped reader: appends the whole regular file path to b (whose
 * cap becomes b->len + max), refusing more than max bytes with OD_E_INPUT
 * "PATH is larger than MAX bytes".  With nofollow, a symlink is refused
 * (OD_E_IO).  Missing: OD_E_NOTFOUND; other failures OD_E_IO, naming
 * path.  The bytes read pass through a buffer that is wiped (key files).
 */
enum od_code file_read_capped(const char *path, size_t max, int nofollow,
			      struct buf *b, struct od_err *err);

/* The same for a file already open on fd (left open), named path in the
 * messages: for a caller that checks the file (its mode) first. */
enum od_code file_read_fd_capped(int fd, const char *path, size_t max,
				 struct buf *b, struct od_err *err);

/*
 * Checks that dir, if it exists, is a directory of this user that nobody
 * else can write into: a directory others can write to may hold files they
 * put or swapped there (a key file, a database, a symlink), so it is refused
 * with OD_E_DENIED and a message that says to chmod 700 it, as is a
 * directory of another user.  With tighten_empty, an existing empty
 * directory of this user is made 0700 (the mode orderdesk gives the
 * directories it makes) instead of refused: it holds nothing anyone
 * could have planted, and after the chmod nobody else can add anything (it
 * is checked empty again after it).  A missing dir passes: the caller makes
 * it 0700 or says it is missing.
 */
enum od_code file_check_private_dir(const char *dir, int tighten_empty,
				    struct od_err *err);

/* Removes the "-wal" and "-shm" files SQLite keeps beside db_path. */
void file_remove_db_companions(const char *db_path);

#endif
