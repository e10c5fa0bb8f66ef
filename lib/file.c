/* file.c - durable, private file writes. */
#include "lib/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/secret.h"

int file_write_all(int fd, const void *p, size_t n)
{
	const char *at = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, at, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		at += w;
		n -= (size_t)w;
	}
	return 0;
}

int file_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	/* Some file systems cannot sync a directory; nothing to wait for. */
	if (fsync(fd) != 0 && errno != EINVAL)
		e = errno;
	close(fd);
	return e;
}

int file_sync_parent(const char *path)
{
	char *dir = strdup(path), *slash;
	int e;

	if (dir == NULL)
		return ENOMEM;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	e = file_sync_dir(dir);
	free(dir);
	return e;
}

/* Turns an errno from writing path, before it was replaced, into an
 * od_code and a message. */
static enum od_code write_fail(const char *path, int e, struct od_err *err)
{
	if (e == ENOSPC || e == EDQUOT)
		return od_err_set(err, OD_E_NOSPACE,
				  "the disk is full: %s was not changed; free "
				  "some space and try again", path);
	return od_err_set(err, OD_E_IO, "cannot write %s: %s; it was not "
			  "changed", path, strerror(e));
}

/* Makes the file just created on fd 0600 whatever the umask, writes
 * p[0..n), syncs and closes it: 0 or the first errno. */
static int fill_private(int fd, const void *p, size_t n)
{
	int e = fchmod(fd, 0600) != 0 ? errno : 0;

	if (e == 0)
		e = file_write_all(fd, p, n);
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	return e;
}

enum od_code file_replace(const char *path, const void *p, size_t n,
			  int *replaced, struct od_err *err)
{
	char *tmp = NULL;
	enum od_code rc = OD_OK;
	int fd, e, ignored;

	if (replaced == NULL)
		replaced = &ignored;
	*replaced = 0;
	if (asprintf(&tmp, "%s.part", path) < 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	/* A stale one, even a symlink: unlinked, never followed. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		rc = write_fail(path, errno, err);
		goto out;
	}
	e = fill_private(fd, p, n);
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		rc = write_fail(path, e, err);
		goto out;
	}
	*replaced = 1;
	e = file_sync_parent(path);
	if (e != 0)
		rc = od_err_set(err, OD_E_IO, "%s was written but its "
				"directory could not be synced: %s", path,
				strerror(e));
out:
	free(tmp);
	return rc;
}

enum od_code file_write_new(const char *path, const void *p, size_t n,
			    struct od_err *err)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		e = errno;
		return od_err_set(err, e == EEXIST ? OD_E_EXISTS : OD_E_IO,
				  "cannot write %.200s: %s", path, strerror(e));
	}
	e = fill_private(fd, p, n);
	if (e != 0)
		unlink(path);   /* made here, just now: nobody else's */
	if (e == 0)
		e = file_sync_parent(path);
	if (e == ENOSPC || e == EDQUOT)
		return od_err_set(err, OD_E_NOSPACE, "cannot write %.200s: the "
				  "disk is full; free some space and try again",
				  path);
	if (e != 0)
		return od_err_set(err, OD_E_IO, "cannot write %.200s: %s", path,
				  strerror(e));
	return OD_OK;
}

enum od_code file_read_capped(const char *path, size_t max, int nofollow,
			      struct buf *b, struct od_err *err)
{
	enum od_code rc = OD_OK;
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO's open must not wait for a writer (it is refused
	 * below); on a regular file it changes nothing. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
		  (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND : OD_E_IO,
				  "cannot read %.200s: %s", path,
				  strerror(errno));
	/* A FIFO or a device would block or never end. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = od_err_set(err, OD_E_IO, "cannot read %.200s: not a "
				"regular file", path);
	if (rc == OD_OK)
		rc = file_read_fd_capped(fd, path, max, b, err);
	close(fd);
	return rc;
}

enum od_code file_read_fd_capped(int fd, const char *path, size_t max,
				 struct buf *b, struct od_err *err)
{
	char chunk[4096];
	enum od_code rc = OD_OK;
	ssize_t n;

	b->cap = b->len + max;
	while (rc == OD_OK && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = od_err_set(err, OD_E_IO, "cannot read %.200s: %s",
					path, strerror(errno));
		else if ((rc = buf_add(b, chunk, (size_t)n, err)) == OD_E_INPUT)
			rc = od_err_set(err, OD_E_INPUT, "%.200s is larger than "
					"%zu bytes", path, max);
	}
	secret_wipe(chunk, sizeof chunk);
	return rc;
}

void file_remove_db_companions(const char *db_path)
{
	char *p = NULL;

	if (asprintf(&p, "%s-wal", db_path) >= 0) {
		unlink(p);
		free(p);
	}
	if (asprintf(&p, "%s-shm", db_path) >= 0) {
		unlink(p);
		free(p);
	}
}

/* Whether the directory open on fd holds nothing but "." and ".."; -1 on
 * an error. */
static int dir_is_empty(int fd)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int empty = 1;

	if (dup_fd < 0)
		return -1;
	d = fdopendir(dup_fd);
	if (d == NULL) {
		close(dup_fd);
		return -1;
	}
	while (empty && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

enum od_code file_check_private_dir(const char *dir, int tighten_empty,
				    struct od_err *err)
{
	enum od_code rc = OD_OK;
	struct stat st;
	int fd;

	/* The checks and the chmod act on one open directory, not a name
	 * that could be swapped between them. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return OD_OK;
	if (fd < 0)
		return od_err_set(err, errno == ENOTDIR ? OD_E_USAGE : OD_E_IO,
				  "cannot open the directory %.200s: %s", dir,
				  strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = od_err_set(err, OD_E_IO, "cannot read %.200s: %s", dir,
				strerror(errno));
		goto out;
	}
	if (st.st_uid != geteuid()) {
		rc = od_err_set(err, OD_E_DENIED, "%.200s belongs to another "
				"user; use a directory of your own", dir);
		goto out;
	}
	if ((st.st_mode & 077) == 0)
		goto out;
	if (tighten_empty && dir_is_empty(fd) == 1 &&
	    fchmod(fd, 0700) == 0 && dir_is_empty(fd) == 1)
		goto out;
	if ((st.st_mode & 022) == 0)
		goto out;
	rc = od_err_set(err, OD_E_DENIED, "%.90s is writable by other users "
			"(mode %04o); check its files are yours, then chmod "
			"700 %.90s", dir,
			(unsigned)(st.st_mode & 07777), dir);
out:
	close(fd);
	return rc;
}
