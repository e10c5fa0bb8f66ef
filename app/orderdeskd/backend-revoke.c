/*
 * backend-revoke.c - the revoked list: writing it (`orderdeskd revoke`) and
 * checking a serial against it.
 */
#include "app/orderdeskd/backend-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/keys/pki.h"
#include "lib/file.h"

/* Forgets the revoked list read before. */
void backend_revoked_drop(struct backend *b)
{
	size_t i;

	for (i = 0; i < b->nrevoked; i++)
		free(b->revoked[i]);
	free(b->revoked);
	b->revoked = NULL;
	b->nrevoked = 0;
}

/* Whether s is 1..PKI_SERIAL_MAX lower-case hex digits. */
static int serial_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > PKI_SERIAL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Parses the revoked list ("SERIAL NAME" lines) into a sorted array of
 * serials; anything else in it gives OD_E_TAMPERED.
 */
static enum od_code revoked_parse(char *text, char ***out, size_t *n,
				  struct od_err *err)
{
	char **list = NULL, **grown, *line, *next, *sp;
	size_t count = 0, cap = 0;
	enum od_code rc = OD_OK;

	for (line = text; rc == OD_OK && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next == NULL) {
			rc = od_err_set(err, OD_E_TAMPERED, "%s: the last line "
					"is cut short", BACKEND_REVOKED);
			break;
		}
		*next++ = '\0';
		sp = strchr(line, ' ');
		if (sp == NULL || !serial_ok(line, (size_t)(sp - line)) ||
		    count >= BACKEND_REVOKED_MAX) {
			rc = od_err_set(err, OD_E_TAMPERED, "%s: line %zu is "
					"not \"SERIAL NAME\"", BACKEND_REVOKED,
					count + 1);
			break;
		}
		*sp = '\0';
		if (count == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(list, cap * sizeof *list);
			if (grown == NULL) {
				rc = od_err_set(err, OD_E_NOMEM,
						"out of memory");
				break;
			}
			list = grown;
		}
		list[count] = strdup(line);
		if (list[count] == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		else
			count++;
	}
	if (rc != OD_OK) {
		while (count > 0)
			free(list[--count]);
		free(list);
		return rc;
	}
	if (count > 0)
		qsort(list, count, sizeof *list, cmp_str);
	*out = list;
	*n = count;
	return OD_OK;
}

int backend_revoked(struct backend *b, const char *serial)
{
	char path[4200], *text = NULL;
	struct stat st;
	struct od_err err;
	char **list = NULL;
	size_t n = 0;

	snprintf(path, sizeof path, "%s/%s", b->dir, BACKEND_REVOKED);
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return 1;
		backend_revoked_drop(b);
		b->rv_state = 1;
		b->rv_ino = 0;
		return 0;
	}
	if (b->rv_state == 0 || b->rv_ino != st.st_ino ||
	    b->rv_size != st.st_size ||
	    b->rv_mtime.tv_sec != st.st_mtim.tv_sec ||
	    b->rv_mtime.tv_nsec != st.st_mtim.tv_nsec) {
		backend_revoked_drop(b);
		b->rv_state = -1;
		if (backend_read_small(b->dir, BACKEND_REVOKED,
				       (size_t)BACKEND_REVOKED_MAX * 160, 0,
				       &text, NULL, &err) == OD_OK &&
		    revoked_parse(text, &list, &n, &err) == OD_OK) {
			b->revoked = list;
			b->nrevoked = n;
			b->rv_state = 1;
		}
		free(text);
		b->rv_ino = st.st_ino;
		b->rv_size = st.st_size;
		b->rv_mtime = st.st_mtim;
	}
	if (b->rv_state != 1)
		return 1;
	return b->nrevoked > 0 &&
	       bsearch(&serial, b->revoked, b->nrevoked, sizeof *b->revoked,
		       cmp_str) != NULL;
}

/* Adds the serial of dir/file's certificate to list (if present). */
static enum od_code revoke_file(const char *dir, const char *file,
				const char *name, struct buf *list,
				const char *old, int *found, int *added,
				struct od_err *err)
{
	char serial[PKI_SERIAL_MAX + 1], needle[PKI_SERIAL_MAX + 3];
	char *pem = NULL;
	enum od_code rc;

	rc = backend_read_pem(dir, file, &pem, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		rc = pki_serial(pem, serial, err);
	free(pem);
	if (rc != OD_OK)
		return rc;
	*found = 1;
	/* Already listed: at the start of the file or of a line. */
	snprintf(needle, sizeof needle, "\n%s ", serial);
	if ((strncmp(old, needle + 1, strlen(needle + 1)) == 0) ||
	    strstr(old, needle) != NULL)
		return OD_OK;
	*added = 1;
	return buf_addf(list, err, "%s %s\n", serial, name);
}

enum od_code backend_revoke(const char *dir, const char *name, int storefront,
			    struct od_err *err)
{
	char path[4200], *old = NULL;
	struct buf list;
	int found = 0, added = 0;
	enum od_code rc;

	if (!pki_name_ok(name))
		return od_err_set(err, OD_E_USAGE, "a certificate name is 1 to "
				  "%d of A-Z a-z 0-9 . _ -", PKI_NAME_MAX);
	rc = backend_read_small(dir, BACKEND_REVOKED,
				(size_t)BACKEND_REVOKED_MAX * 160, 0, &old, NULL,
				err);
	if (rc == OD_E_NOTFOUND) {
		old = strdup("");
		rc = old ? OD_OK : od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	if (rc != OD_OK)
		return rc;
	buf_init(&list, (size_t)BACKEND_REVOKED_MAX * 160);
	rc = buf_adds(&list, old, err);
	if (rc == OD_OK && list.len > 0 && list.data[list.len - 1] != '\n')
		rc = od_err_set(err, OD_E_TAMPERED, "%.200s/%s: the last line "
				"is cut short; fix or remove it", dir,
				BACKEND_REVOKED);
	if (storefront) {
		snprintf(path, sizeof path, "%s/%s/%s", dir, BACKEND_SF_DIR,
			 name);
		if (rc == OD_OK)
			rc = revoke_file(path, "storefront.pem", name, &list,
					 old, &found, &added, err);
	} else {
		snprintf(path, sizeof path, "%s/desks/%s", dir, name);
		if (rc == OD_OK)
			rc = revoke_file(path, "desk.pem", name, &list, old,
					 &found, &added, err);
		/* The first desk's bundle, made by init. */
		snprintf(path, sizeof path, "%s/%s", dir, BACKEND_JOIN_DIR);
		if (rc == OD_OK && strcmp(name, "desk-1") == 0)
			rc = revoke_file(path, "desk.pem", name, &list, old,
					 &found, &added, err);
	}
	if (rc == OD_OK && !found)
		rc = od_err_set(err, OD_E_NOTFOUND, "this backend made no %s "
				"certificate named %s", storefront ?
				"storefront" : "desk", name);
	if (rc == OD_OK && !added)
		rc = od_err_set(err, OD_E_STATE, "the %s %s is already revoked",
				storefront ? "storefront" : "desk", name);
	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_REVOKED);
	/* A new file, renamed over the old: a serving backend sees the
	 * change (another inode) and never reads half a list. */
	if (rc == OD_OK)
		rc = file_write_atomic(path, list.data, list.len, err);
	buf_free(&list);
	free(old);
	return rc;
}
