/* backend-backup-keep.c - dated backups, the oldest pruned
 * (backend-backup-keep.h). */
#include "app/orderdeskd/backend-backup-keep.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/file.h"

#define PREFIX "orderdeskd-"
#define SUFFIX ".bak"
#define STAMP_LEN 16              /* YYYYMMDDTHHMMSSZ */

/* Whether name is exactly a dated backup's name. */
static int dated(const char *name)
{
	size_t i, p = strlen(PREFIX);

	if (strlen(name) != p + STAMP_LEN + strlen(SUFFIX) ||
	    strncmp(name, PREFIX, p) != 0 ||
	    strcmp(name + p + STAMP_LEN, SUFFIX) != 0 ||
	    name[p + 8] != 'T' || name[p + 15] != 'Z')
		return 0;
	for (i = 0; i < STAMP_LEN; i++)
		if (i != 8 && i != 15 &&
		    (name[p + i] < '0' || name[p + i] > '9'))
			return 0;
	return 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the dated backups in folder, oldest first (*names, *n). */
static enum od_code list_dated(const char *folder, char ***names, int *n,
			       struct od_err *err)
{
	struct dirent *e;
	char **v = NULL, **nv;
	int cap = 0;
	DIR *d = opendir(folder);

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return od_err_set(err, OD_E_IO, "cannot read %.200s: %s",
				  folder, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (!dated(e->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			nv = realloc(v, (size_t)cap * sizeof *v);
			if (nv == NULL)
				break;
			v = nv;
		}
		if ((v[*n] = strdup(e->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	*names = v;
	if (e != NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (*n > 0)
		qsort(v, (size_t)*n, sizeof *v, by_name);
	return OD_OK;
}

/* Removes the oldest dated backups until keep are left. */
static enum od_code prune(const char *folder, int keep,
			  struct backup_keep_report *rep, struct od_err *err)
{
	char **names, path[4096];
	enum od_code rc;
	int n, i;

	rc = list_dated(folder, &names, &n, err);
	for (i = 0; rc == OD_OK && i < n - keep; i++) {
		snprintf(path, sizeof path, "%s/%s", folder, names[i]);
		if (unlink(path) != 0 && errno != ENOENT)
			rc = od_err_set(err, OD_E_IO, "cannot remove the old "
					"backup %.200s: %s", path,
					strerror(errno));
		else
			rep->pruned++;
	}
	rep->kept = n - rep->pruned;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

enum od_code backend_backup_keep(const char *dir, const char *folder,
				 int keep, struct backup_keep_report *rep,
				 struct od_err *err)
{
	char stamp[STAMP_LEN + 1];
	time_t now = time(NULL);
	struct tm tm;
	struct stat st;
	enum od_code rc;

	memset(rep, 0, sizeof *rep);
	if (keep < 1 || keep > BACKUP_KEEP_MAX)
		return od_err_set(err, OD_E_USAGE, "--keep wants a number of "
				  "backups from 1 to %d", BACKUP_KEEP_MAX);
	rc = file_check_private_dir(folder, 1, err);
	if (rc != OD_OK)
		return rc;
	if (mkdir(folder, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s",
				  folder, strerror(errno));
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	if (snprintf(rep->path, sizeof rep->path, "%s/" PREFIX "%s" SUFFIX,
		     folder, stamp) >= (int)sizeof rep->path)
		return od_err_set(err, OD_E_USAGE, "the folder's path is too "
				  "long");
	/* Two runs in one second: the second would replace a checked
	 * backup with its own; say so instead. */
	if (lstat(rep->path, &st) == 0)
		return od_err_set(err, OD_E_EXISTS, "%.200s already exists: "
				  "run again in a second", rep->path);
	rc = backend_backup(dir, rep->path, &rep->backup, err);
	if (rc == OD_OK)
		rc = prune(folder, keep, rep, err);
	return rc;
}
