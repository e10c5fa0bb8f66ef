/* sync-key.c - the desk's TLS key kept only inside the encrypted store. */
#include "app/shop/sync-key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/keys/pki.h"
#include "app/sync/sync-rebase.h"
#include "lib/file.h"
#include "lib/secret.h"

/*
 * Reads the whole file at path (at most SYNC_KEY_MAX bytes, no NUL) into
 * *out, a NUL-terminated string the caller wipes.  A missing file gives
 * OD_E_NOTFOUND.
 */
static enum od_code read_small(const char *path, char **out,
			       struct od_err *err)
{
	struct buf b;
	enum od_code rc;

	*out = NULL;
	buf_init(&b, SYNC_KEY_MAX);
	rc = file_read_capped(path, SYNC_KEY_MAX, 1, &b, err);
	if ((rc == OD_OK && memchr(b.data ? b.data : "", '\0', b.len)) ||
	    rc == OD_E_INPUT)
		rc = od_err_set(err, OD_E_INPUT, "%.200s is not a PEM private "
				"key (too large, or binary)", path);
	if (rc == OD_OK)
		rc = buf_adds(&b, "", err);   /* an empty file: "" */
	if (rc == OD_OK)
		*out = buf_take(&b);
	buf_free(&b);   /* wiped */
	return rc;
}

enum od_code sync_key_read_file(const char *path, const char *cert_pem,
				char **pem, struct od_err *err)
{
	char what[240];
	enum od_code rc = read_small(path, pem, err);

	if (rc == OD_E_NOTFOUND)
		rc = od_err_set(err, OD_E_IO, "cannot read %.200s: no such "
				"file", path);
	if (rc != OD_OK)
		return rc;
	snprintf(what, sizeof what, "%.200s", path);
	rc = pki_check_key(*pem, cert_pem, what, err);
	if (rc != OD_OK) {
		secret_free_str(*pem);
		*pem = NULL;
	}
	return rc;
}

enum od_code sync_key_put(struct store *s, const char *pem,
			  struct od_err *err)
{
	return store_meta_set(s, SYNC_KEY_META, pem, err);
}

enum od_code sync_key_get(struct store *s, char **pem, struct od_err *err)
{
	enum od_code rc = store_meta_get(s, SYNC_KEY_META, pem, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND, "this desk has no TLS "
				  "key for its backend; attach it again: "
				  "orderdesk sync --backend URL --pin PIN --ca "
				  "FILE --cert FILE --key FILE");
	return rc;
}

enum od_code sync_key_detach(struct store *s, struct od_err *err)
{
	static const char *const gone[] = {
		SYNC_KEY_META, SYNC_META_URL, SYNC_META_PIN, SYNC_META_LAST_OK,
		SYNC_META_LAST_TRY, SYNC_META_ONLINE, SYNC_META_ERROR,
		/* The desk's cosigner key (app/sync/sync-cosign.h): a restored
		 * copy is another desk and must not cosign as this one. */
		"sync.cosigner", "sync.cosigned",
	};
	char *v = NULL;
	int attached = 0;
	size_t i;
	enum od_code rc = OD_OK;

	/* Attached: an address or a key (an interrupted attach has one). */
	for (i = 0; rc == OD_OK && i < 2 && !attached; i++) {
		rc = store_meta_get(s, i == 0 ? SYNC_META_URL : SYNC_KEY_META,
				    &v, err);
		if (rc == OD_OK)
			attached = 1;
		if (rc == OD_E_NOTFOUND)
			rc = OD_OK;
		secret_free_str(v);
		v = NULL;
	}
	for (i = 0; rc == OD_OK && i < sizeof gone / sizeof gone[0]; i++)
		rc = store_meta_delete(s, gone[i], err);
	if (rc == OD_OK && attached)
		rc = store_meta_set(s, SYNC_META_RESTORED, "1", err);
	return rc;
}

/* Writes DIR/backend/desk.key's path into path. */
static void old_path(const char *dir, char *path, size_t size)
{
	snprintf(path, size, "%s/%s/%s", dir, SYNC_DIR, SYNC_KEY_OLD_FILE);
}

int sync_key_old_file(const char *dir)
{
	char path[4200];
	struct stat st;

	old_path(dir, path, sizeof path);
	return lstat(path, &st) == 0;
}

/*
 * Overwrites the file at path with zeros (its whole length), fsyncs it,
 * removes it and fsyncs its directory.  The zeros go where the key was on
 * a file system that writes in place (ext4, xfs); a copy-on-write one or
 * an SSD's remapping may still keep the old blocks (README, threats).
 */
static enum od_code shred(const char *path, struct od_err *err)
{
	static const char zeros[4096];
	struct stat st;
	off_t left;
	size_t n;
	int fd, e = 0;

	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0)
		e = errno;
	for (left = e == 0 ? st.st_size : 0; e == 0 && left > 0; left -= n) {
		n = left > (off_t)sizeof zeros ? sizeof zeros : (size_t)left;
		e = file_write_all(fd, zeros, n);
	}
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (fd >= 0 && close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && unlink(path) != 0)
		e = errno;
	if (e == 0)
		e = file_sync_parent(path);
	if (e != 0)
		return od_err_set(err, e == ENOSPC ? OD_E_NOSPACE : OD_E_IO,
				  "the desk's TLS key is sealed in the store, "
				  "but its old plaintext file %.200s could not "
				  "be removed (%s): delete it by hand", path,
				  strerror(e));
	return OD_OK;
}

enum od_code sync_key_migrate(struct store *s, const char *dir,
			      struct od_err *err)
{
	char path[4200], *pem = NULL;
	struct od_err why;
	enum od_code rc;

	old_path(dir, path, sizeof path);
	rc = read_small(path, &pem, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;     /* another process moved it meanwhile */
	if (rc == OD_E_INPUT)
		return OD_OK;     /* not a key: nothing to protect */
	if (rc != OD_OK)
		return rc;
	if (pki_check_key(pem, NULL, "the old key file", &why) != OD_OK)
		goto out;         /* as above: left as it is */
	/* Only an older orderdesk writes the file, and it syncs with the
	 * file: whatever is sealed already is older than it, or the same. */
	rc = store_begin(s, err);
	if (rc == OD_OK) {
		rc = sync_key_put(s, pem, err);
		if (rc == OD_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	if (rc == OD_OK) {
		rc = shred(path, err);
	} else {
		why = *err;
		od_err_set(err, why.code, "cannot seal this desk's plaintext "
			   "TLS key %.200s into the store (%.100s); fix that "
			   "and unlock again", path, why.msg);
	}
out:
	secret_free_str(pem);
	return rc;
}
