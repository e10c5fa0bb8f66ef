/* unlock-fails.c - failed unlocks kept beside the store (unlock-fails.h). */
#include "app/shop/unlock-fails.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/file.h"

#define MAGIC "orderdesk-unlock-failures/1"

static void path_of(const char *dir, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", dir, UNLOCK_FAILS_FILE);
}

/* Parses the record's text; 0 if it is one. */
static int parse(const char *text, struct unlock_fails *f)
{
	char magic[40];

	if (sscanf(text, "%39s count %lld first %lld last %lld", magic,
		   &f->count, &f->first, &f->last) != 4 ||
	    strcmp(magic, MAGIC) != 0 || f->count < 1 || f->first < 0 ||
	    f->last < f->first)
		return -1;
	return 0;
}

enum od_code unlock_fails_read(const char *dir, struct unlock_fails *f,
			       struct od_err *err)
{
	char path[4096], text[256];
	ssize_t n;
	int fd;

	memset(f, 0, sizeof *f);
	path_of(dir, path, sizeof path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return OD_OK;
	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot read %.200s: %s", path,
				  strerror(errno));
	n = read(fd, text, sizeof text - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	/* A damaged record still says someone tried: count it once. */
	if (parse(text, f) != 0) {
		f->count = 1;
		f->first = f->last = (long long)time(NULL);
	}
	return OD_OK;
}

void unlock_fails_note(const char *dir)
{
	struct unlock_fails f;
	struct od_err ignored;
	char path[4096], tmp[4200], text[256];
	long long now = (long long)time(NULL);
	int fd, n;

	if (unlock_fails_read(dir, &f, &ignored) != OD_OK)
		return;
	if (f.count == 0)
		f.first = now;
	f.count++;
	f.last = now;
	n = snprintf(text, sizeof text, MAGIC "\ncount %lld\nfirst %lld\n"
		     "last %lld\n", f.count, f.first, f.last);
	path_of(dir, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return;
	if (file_write_all(fd, text, (size_t)n) != 0 || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		return;
	}
	close(fd);
	if (rename(tmp, path) != 0)
		unlink(tmp);
}

void unlock_fails_clear(const char *dir, const struct unlock_fails *f)
{
	struct unlock_fails now;
	struct od_err ignored;
	char path[4096];

	if (unlock_fails_read(dir, &now, &ignored) != OD_OK ||
	    now.count != f->count || now.last != f->last)
		return;
	path_of(dir, path, sizeof path);
	unlink(path);
}
