/* backend-read.c - reading the backend's small files, capped. */
#include "app/orderdeskd/backend-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"

/* Reads a whole small file of dir into *out (NUL-terminated, capped). */
enum od_code backend_read_small(const char *dir, const char *name, size_t cap,
				int private, char **out, size_t *len,
				struct od_err *err)
{
	char path[4096];
	struct buf b;
	struct stat st;
	int fd;
	enum od_code rc = OD_OK;

	*out = NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND :
				  OD_E_IO, "cannot read %.200s: %s", path,
				  strerror(errno));
	if (private && (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0)) {
		close(fd);
		return od_err_set(err, OD_E_AUTH, "%.200s may be read by "
				  "others; chmod 600 it (and consider the key "
				  "exposed)", path);
	}
	buf_init(&b, cap);
	rc = file_read_fd_capped(fd, path, cap, &b, err);
	close(fd);
	if (rc == OD_OK && b.data == NULL)
		rc = buf_adds(&b, "", err);
	if (rc != OD_OK) {
		buf_free(&b);
		return rc;
	}
	if (len != NULL)
		*len = b.len;
	*out = buf_take(&b);
	return OD_OK;
}

enum od_code backend_read_pem(const char *dir, const char *name, char **pem,
			      struct od_err *err)
{
	return backend_read_small(dir, name, PEM_MAX_BYTES,
				  strstr(name, ".key") != NULL, pem, NULL, err);
}
