/*
 * shop-dir.c - where a shop directory is by default, making it private,
 * and its entries synced to disk.
 */
#include "app/shop/shop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/shop/shop-internal.h"
#include "lib/file.h"

enum od_code shop_default_dir(char **dir, struct od_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	*dir = NULL;
	if (xdg != NULL && xdg[0] == '/')
		n = asprintf(dir, "%s/orderdesk", xdg);
	else if (home != NULL && home[0] == '/')
		n = asprintf(dir, "%s/.local/share/orderdesk", home);
	else
		return od_err_set(err, OD_E_USAGE,
				  "cannot tell where to keep the store (no "
				  "HOME); use --store DIR");
	if (n < 0) {
		*dir = NULL;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	return OD_OK;
}

/* Creates dir and its missing parents, the last one mode 0700. */
enum od_code shop_make_dir(const char *dir, struct od_err *err)
{
	char *copy = strdup(dir), *p;

	if (copy == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			free(copy);
			return od_err_set(err, OD_E_IO,
					  "cannot create %s: %s", dir,
					  strerror(errno));
		}
		*p = '/';
	}
	free(copy);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %s: %s", dir,
				  strerror(errno));
	/* One that was there: refused if others can write in it, unless it
	 * is empty (then made 0700). */
	return file_check_private_dir(dir, 1, err);
}

/* Makes sure a directory entry change (rename, unlink) is on disk. */
enum od_code shop_sync_dir(const char *dir, struct od_err *err)
{
	int e = file_sync_dir(dir);

	if (e != 0)
		return od_err_set(err, OD_E_IO, "cannot sync %s: %s", dir,
				  strerror(e));
	return OD_OK;
}
