/* backend-cred.c - backend.key from systemd's credentials (backend-cred.h). */
#include "app/orderdeskd/backend-cred.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "app/orderdeskd/backend.h"

const char *backend_key_dir(const char *dir)
{
	const char *cred = getenv(BACKEND_CRED_ENV);
	char path[4096];
	struct stat st;

	/* Only an absolute directory systemd set, holding a regular file of
	 * that name: anything else leaves the key where `init` put it. */
	if (cred == NULL || cred[0] != '/')
		return dir;
	if (snprintf(path, sizeof path, "%s/%s", cred, BACKEND_KEY_FILE) >=
	    (int)sizeof path)
		return dir;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return dir;
	return cred;
}
