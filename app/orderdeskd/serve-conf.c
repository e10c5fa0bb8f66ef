/* serve-conf.c - checks the configuration directory `serve --conf-dir`
 * names (serve-conf.h). */
#include "app/orderdeskd/serve-conf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/orderdeskd/backend.h"

/* Whether st may only be changed by root or this process's user. */
static int trusted(const struct stat *st)
{
	return (st->st_uid == 0 || st->st_uid == geteuid()) &&
	       (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

enum od_code serve_conf_check(const char *conf_dir, struct od_err *err)
{
	char path[4096];
	struct stat st;

	if (stat(conf_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return od_err_set(err, OD_E_NOTFOUND, "--conf-dir %.200s is "
				  "not a directory: give the one that holds "
				  "%s (e.g. /etc/orderdesk)", conf_dir,
				  BACKEND_CONF_FILE);
	if (!trusted(&st))
		return od_err_set(err, OD_E_DENIED, "%.200s may be changed by "
				  "another user; chmod go-w it and make it "
				  "root's (or this user's)", conf_dir);
	snprintf(path, sizeof path, "%s/%s", conf_dir, BACKEND_CONF_FILE);
	/* lstat: the file is read with O_NOFOLLOW, so say so here first. */
	if (lstat(path, &st) != 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND :
				  OD_E_IO, "cannot read %.200s: %s (copy the "
				  "sample orderdeskd.conf there, or leave out "
				  "--conf-dir)", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return od_err_set(err, OD_E_INPUT, "%.200s is not a regular "
				  "file (a symbolic link is not followed); put "
				  "the file itself there", path);
	if (!trusted(&st))
		return od_err_set(err, OD_E_DENIED, "%.200s may be changed by "
				  "another user; chmod 644 it and make it "
				  "root's (or this user's)", path);
	return OD_OK;
}
