/* keyslot-token.c - the "tokenkeys" file (app/shop/keyslot-token.h). */
#include "app/shop/keyslot-token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/file.h"

/* The file's path in dir; NULL without memory. */
static char *file_path(const char *dir)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, KEYSLOT_TOKEN_FILE) < 0)
		return NULL;
	return p;
}

/* Reads the whole file into *text (NULL if there is none). */
static enum od_code read_file(const char *dir, char **text,
			      struct od_err *err)
{
	char *path = file_path(dir), *s = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	*text = NULL;
	if (path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	f = fopen(path, "re");
	if (f == NULL) {
		int e = errno;

		free(path);
		if (e == ENOENT)
			return OD_OK;
		return od_err_set(err, OD_E_IO, "cannot read %s/%s: %s", dir,
				  KEYSLOT_TOKEN_FILE, strerror(e));
	}
	free(path);
	n = getdelim(&s, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(s);
		s = strdup("");
		if (s == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	*text = s;
	return OD_OK;
}

/* The line of text for user ("NAME URI\n"), or NULL. */
static const char *find_line(const char *text, const char *user)
{
	size_t n = strlen(user);
	const char *s = text;

	while (s != NULL && *s != '\0') {
		if (strncmp(s, user, n) == 0 && s[n] == ' ')
			return s;
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	return NULL;
}

enum od_code keyslot_token_get(const char *dir, const char *user,
			       char uri[SIGTOKEN_URI_MAX + 1], int *found,
			       struct od_err *err)
{
	const char *line;
	char *text = NULL;
	size_t len;
	enum od_code rc = read_file(dir, &text, err);

	*found = 0;
	if (rc != OD_OK || text == NULL)
		return rc;
	line = find_line(text, user);
	if (line != NULL) {
		line += strlen(user) + 1;
		len = strcspn(line, "\n");
		if (len > SIGTOKEN_URI_MAX)
			rc = od_err_set(err, OD_E_INPUT, "%s/%s: %s's URI is "
					"too long; name the token again with "
					"`user key use`", dir,
					KEYSLOT_TOKEN_FILE, user);
		else {
			memcpy(uri, line, len);
			uri[len] = '\0';
			*found = 1;
		}
	}
	free(text);
	return rc;
}

enum od_code keyslot_token_set(const char *dir, const char *user,
			       const char *uri, struct od_err *err)
{
	char *text = NULL, *path = NULL;
	const char *s, *end;
	struct buf out;
	enum od_code rc;

	if (uri != NULL && (rc = sigtoken_check_uri(uri, err)) != OD_OK)
		return rc;
	rc = read_file(dir, &text, err);
	if (rc != OD_OK)
		return rc;
	buf_init(&out, 1 << 20);
	/* Every other person's line as it was, then this one's. */
	for (s = text; s != NULL && *s != '\0'; s = end) {
		end = strchr(s, '\n');
		end = end != NULL ? end + 1 : s + strlen(s);
		if (find_line(s, user) != s)
			rc = buf_add(&out, s, (size_t)(end - s), err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && uri != NULL)
		rc = buf_addf(&out, err, "%s %s\n", user, uri);
	if (rc == OD_OK && (path = file_path(dir)) == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK)
		rc = file_write_atomic(path, out.data, out.len, err);
	free(path);
	free(text);
	buf_free(&out);
	return rc;
}

enum od_code keyslot_token_swap(const char *dir, const char *user,
				const char *uri,
				struct keyslot_token_undo *undo,
				struct od_err *err)
{
	enum od_code rc;

	memset(undo, 0, sizeof *undo);
	if (strlen(dir) >= sizeof undo->dir ||
	    strlen(user) >= sizeof undo->user)
		return od_err_set(err, OD_E_USAGE, "that path or name is too "
				  "long");
	strcpy(undo->dir, dir);
	strcpy(undo->user, user);
	rc = keyslot_token_get(dir, user, undo->uri, &undo->had, err);
	if (rc == OD_OK)
		rc = keyslot_token_set(dir, user, uri, err);
	return rc;
}

void keyslot_token_undo(const struct keyslot_token_undo *undo)
{
	struct od_err ignored;

	keyslot_token_set(undo->dir, undo->user,
			  undo->had ? undo->uri : NULL, &ignored);
}

enum od_code keyslot_token_open(const char *dir, const char *user,
				const uint8_t seed[KEYSLOT_SEED_LEN],
				struct sigkey **out, struct od_err *err)
{
	char uri[SIGTOKEN_URI_MAX + 1];
	int found = 0;
	enum od_code rc = keyslot_token_get(dir, user, uri, &found, err);

	if (rc != OD_OK)
		return rc;
	if (found)
		return sigkey_from_token(uri, out, err);
	return sigkey_from_seed(seed, out, err);
}
