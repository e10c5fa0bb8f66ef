/* backend-backup.c - writing a serving backend's backups (backend-backup.h). */
#include "app/orderdeskd/backend-backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/orderdeskd/backend.h"
#include "app/orderdeskd/backend-backup-internal.h"
#include "app/orderdeskd/backend-backup-sig.h"
#include "app/orderdeskd/backend-cred.h"
#include "app/orderdeskd/backend-keyfile.h"
#include "lib/file.h"
#include "lib/secret.h"

/* Appends one file's entry (name, length, bytes) to b. */
static enum od_code add_file(const char *path, const char *rel, struct buf *b,
			     struct od_err *err)
{
	struct buf data;
	enum od_code rc;
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot read %.200s: %s", path,
				  strerror(errno));
	buf_init(&data, FILE_MAX);
	rc = OD_OK;
	while (rc == OD_OK && (n = read(fd, chunk, sizeof chunk)) > 0)
		rc = buf_add(&data, chunk, (size_t)n, err);
	close(fd);
	if (rc == OD_OK)
		rc = bkb_put_be(b, strlen(rel), 2, err);
	if (rc == OD_OK)
		rc = buf_add(b, rel, strlen(rel), err);
	if (rc == OD_OK)
		rc = bkb_put_be(b, data.len, 4, err);
	if (rc == OD_OK)
		rc = buf_add(b, data.data, data.len, err);
	secret_wipe(data.data, data.len);
	buf_free(&data);
	secret_wipe(chunk, sizeof chunk);
	return rc;
}

/* Appends every regular file under dir/rel (depth at most DEPTH_MAX). */
static enum od_code add_tree(const char *dir, const char *rel, int depth,
			     struct buf *b, long long *count,
			     struct od_err *err)
{
	char path[4096], sub[1024];
	struct dirent *e;
	struct stat st;
	enum od_code rc = OD_OK;
	DIR *d;

	snprintf(path, sizeof path, "%s%s%s", dir, rel[0] ? "/" : "", rel);
	d = opendir(path);
	if (d == NULL)
		return od_err_set(err, OD_E_IO, "cannot read %.200s: %s", path,
				  strerror(errno));
	while (rc == OD_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "",
			 e->d_name);
		snprintf(path, sizeof path, "%s/%s", dir, sub);
		if (bkb_left_out(sub) || lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < DEPTH_MAX)
			rc = add_tree(dir, sub, depth + 1, b, count, err);
		else if (S_ISREG(st.st_mode) && (*count)++ >= 0)
			rc = add_file(path, sub, b, err);
	}
	closedir(d);
	return rc;
}

/* Writes p[0..n) to fd and into the MAC. */
static enum od_code out_mac(int fd, gnutls_hmac_hd_t mac, const void *p,
			    size_t n, struct od_err *err)
{
	gnutls_hmac(mac, p, n);
	if (file_write_all(fd, p, n) != 0)
		return od_err_set(err, OD_E_IO, "cannot write the backup: %s",
				  strerror(errno));
	return OD_OK;
}

/* Copies the file at from to fd (and the MAC), after its u64 length. */
static enum od_code out_db(int fd, gnutls_hmac_hd_t mac, const char *from,
			   struct od_err *err)
{
	struct buf len;
	struct stat st;
	char chunk[65536];
	enum od_code rc;
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC);

	if (in < 0 || fstat(in, &st) != 0) {
		if (in >= 0)
			close(in);
		return od_err_set(err, OD_E_IO, "cannot read the store's copy "
				  "%.200s: %s", from, strerror(errno));
	}
	buf_init(&len, 8);
	rc = bkb_put_be(&len, (unsigned long long)st.st_size, 8, err);
	if (rc == OD_OK)
		rc = out_mac(fd, mac, len.data, 8, err);
	buf_free(&len);
	while (rc == OD_OK && (n = read(in, chunk, sizeof chunk)) > 0)
		rc = out_mac(fd, mac, chunk, (size_t)n, err);
	if (rc == OD_OK && n < 0)
		rc = od_err_set(err, OD_E_IO, "cannot read the store's copy: "
				"%s", strerror(errno));
	close(in);
	return rc;
}

/* The head of a backup: magic, nonce, the sealed files' length and them. */
static enum od_code backup_head(const char *dir,
				const uint8_t data_key[STORE_KEY_LEN],
				struct buf *head, long long *files,
				struct od_err *err)
{
	uint8_t key[32], nonce[NONCE_LEN];
	struct buf plain, sealed;
	enum od_code rc;

	buf_init(&plain, BACKEND_BACKUP_FILES_MAX);
	buf_init(&sealed, BACKEND_BACKUP_FILES_MAX + TAG_LEN);
	rc = add_tree(dir, "", 1, &plain, files, err);
	if (rc == OD_OK && gnutls_rnd(GNUTLS_RND_NONCE, nonce, sizeof nonce) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot draw a nonce");
	if (rc == OD_OK)
		rc = bkb_derive(data_key, FILES_LABEL, key, err);
	if (rc == OD_OK)
		rc = bkb_seal(1, key, nonce, &plain, &sealed, err);
	if (rc == OD_OK)
		rc = buf_adds(head, BACKEND_BACKUP_MAGIC, err);
	if (rc == OD_OK)
		rc = buf_add(head, nonce, sizeof nonce, err);
	if (rc == OD_OK)
		rc = bkb_put_be(head, sealed.len, 4, err);
	if (rc == OD_OK)
		rc = buf_add(head, sealed.data, sealed.len, err);
	secret_wipe(key, sizeof key);
	buf_free(&plain);
	buf_free(&sealed);
	return rc;
}

/* Writes the backup to tmp (new, 0600): head, the store's copy, the MAC. */
static enum od_code write_file(const char *tmp, const struct buf *head,
			       const char *db_copy,
			       const uint8_t data_key[STORE_KEY_LEN],
			       struct od_err *err)
{
	gnutls_hmac_hd_t mac = NULL;
	uint8_t key[32], tag[MAC_LEN];
	enum od_code rc;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return od_err_set(err, errno == EEXIST ? OD_E_EXISTS : OD_E_IO,
				  "cannot create %.200s: %s", tmp,
				  strerror(errno));
	rc = bkb_derive(data_key, MAC_LABEL, key, err);
	if (rc == OD_OK && gnutls_hmac_init(&mac, GNUTLS_MAC_SHA256, key,
					    sizeof key) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot start a MAC");
	if (rc == OD_OK)
		rc = out_mac(fd, mac, head->data, head->len, err);
	if (rc == OD_OK)
		rc = out_db(fd, mac, db_copy, err);
	if (mac != NULL)
		gnutls_hmac_deinit(mac, tag);
	if (rc == OD_OK && file_write_all(fd, tag, sizeof tag) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot write the backup: %s",
				strerror(errno));
	if (rc == OD_OK && fsync(fd) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot sync the backup: %s",
				strerror(errno));
	close(fd);
	secret_wipe(key, sizeof key);
	return rc;
}

enum od_code backend_backup(const char *dir, const char *path,
			    struct backend_backup_report *rep,
			    struct od_err *err)
{
	uint8_t key[STORE_KEY_LEN], pub[SIGKEY_PUB_LEN];
	char kf[4200], copy[4200], tmp[4200];
	int version;
	struct backend *b = NULL;
	struct buf head;
	enum od_code rc;

	memset(rep, 0, sizeof *rep);
	snprintf(kf, sizeof kf, "%s/%s", backend_key_dir(dir),
		 BACKEND_KEY_FILE);
	if (bkb_beside(copy, sizeof copy, path, ".db-copy") != 0 ||
	    bkb_beside(tmp, sizeof tmp, path, ".tmp") != 0)
		return od_err_set(err, OD_E_USAGE, "the backup's path is too "
				  "long");
	bkb_remove_db(copy);
	unlink(tmp);
	buf_init(&head, BACKEND_BACKUP_FILES_MAX + 1024);
	rc = backend_key_read(kf, key, NULL, err);
	/* One read snapshot of the serving store (SQLite's backup API). */
	if (rc == OD_OK)
		rc = backend_open(dir, 0, &b, err);
	if (rc == OD_OK)
		rc = store_copy_to(backend_store(b), copy, key, err);
	if (rc == OD_OK)
		rc = backup_head(dir, key, &head, &rep->files, err);
	if (rc == OD_OK)
		rc = write_file(tmp, &head, copy, key, err);
	if (rc == OD_OK)
		rc = bkb_sign_file(tmp, backend_head_key(b), err);
	if (rc == OD_OK)
		sigkey_public(backend_head_key(b), pub);
	backend_close(b);
	if (rc == OD_OK && rename(tmp, path) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot name the backup %.200s: "
				"%s", path, strerror(errno));
	if (rc == OD_OK)
		file_sync_parent(path);
	bkb_remove_db(copy);
	unlink(tmp);
	buf_free(&head);
	if (rc == OD_OK)
		rc = bkb_check_backup(path, key, rep, err);
	if (rc == OD_OK)
		rc = bkb_verify_file(path, pub, NULL, &version, err);
	secret_wipe(key, sizeof key);
	return rc;
}
