/* file-new.c - writing a new file, never over another (file-new.h). */
#include "lib/file-new.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"

/* The failure before path was made: path is as it was. */
static enum od_code new_fail(const char *path, int e, struct od_err *err)
{
	if (e == EEXIST)
		return od_err_set(err, OD_E_EXISTS, "%s exists already; it "
				  "was not changed", path);
	if (e == ENOSPC || e == EDQUOT)
		return od_err_set(err, OD_E_NOSPACE, "the disk is full: %s "
				  "was not written; free some space and try "
				  "again", path);
	return od_err_set(err, OD_E_IO, "cannot write %s: %s", path,
			  strerror(e));
}

/* Moves tmp to path unless path exists; returns 0 or an errno. */
static int move_new(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return errno;
	/* No RENAME_NOREPLACE here: link fails on an existing path too. */
	if (link(tmp, path) != 0)
		return errno;
	unlink(tmp);
	return 0;
}

enum od_code file_write_new(const char *path, const void *p, size_t n,
			    struct od_err *err)
{
	char *tmp = NULL;
	enum od_code rc = OD_OK;
	struct stat st;
	int fd, e;

	if (asprintf(&tmp, "%s.part", path) < 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	/* Say so before writing anything; move_new checks again. */
	if (lstat(path, &st) == 0) {
		rc = new_fail(path, EEXIST, err);
		goto out;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		rc = new_fail(path, errno, err);
		goto out;
	}
	e = fchmod(fd, 0600) != 0 ? errno : 0;
	if (e == 0)
		e = file_write_all(fd, p, n);
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0)
		e = move_new(tmp, path);
	if (e != 0) {
		unlink(tmp);
		rc = new_fail(path, e, err);
		goto out;
	}
	e = file_sync_parent(path);
	if (e != 0)
		rc = od_err_set(err, OD_E_IO, "%s was written but its "
				"directory could not be synced: %s", path,
				strerror(e));
out:
	free(tmp);
	return rc;
}
