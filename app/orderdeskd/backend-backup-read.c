/* backend-backup-read.c - reading, checking and restoring backups
 * (backend-backup.h). */
#include "app/orderdeskd/backend-backup-internal.h"
#include "app/orderdeskd/backend-backup-sig.h"
#include "app/orderdeskd/backend-keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/log/ledger.h"
#include "app/orderdeskd/backend.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-head.h"
#include "storage/vfs-crypt.h"



/* A key of the backup: HKDF-SHA256 of the data key with label. */
enum od_code bkb_derive(const uint8_t data_key[STORE_KEY_LEN],
			   const char *label, uint8_t out[32],
			   struct od_err *err)
{
	uint8_t prk[32];
	gnutls_datum_t key = { (unsigned char *)data_key, STORE_KEY_LEN };
	gnutls_datum_t salt = { NULL, 0 };
	gnutls_datum_t info = { (unsigned char *)label, strlen(label) };
	gnutls_datum_t prk_d = { prk, sizeof prk };
	int rc;

	rc = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &key, &salt, prk);
	if (rc >= 0)
		rc = gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &prk_d, &info, out,
					32);
	secret_wipe(prk, sizeof prk);
	if (rc < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot derive a backup "
				  "key: %s", gnutls_strerror(rc));
	return OD_OK;
}


enum od_code bkb_put_be(struct buf *b, unsigned long long v, int n,
			   struct od_err *err)
{
	uint8_t x[8];
	int i;

	for (i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return buf_add(b, x, (size_t)n, err);
}

static unsigned long long get_be(const uint8_t *p, int n)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Whether name is one of the files the backup leaves out: the store and
 * its companions (copied apart), the key, the lock. */
int bkb_left_out(const char *rel)
{
	return strncmp(rel, BACKEND_DB_FILE, strlen(BACKEND_DB_FILE)) == 0 ||
	       strcmp(rel, BACKEND_KEY_FILE) == 0 || strcmp(rel, "lock") == 0;
}

/* AES-256-GCM of in (encrypt or decrypt) appended to out, under key and
 * nonce. */
enum od_code bkb_seal(int encrypt, const uint8_t key[32],
			 const uint8_t nonce[NONCE_LEN], const struct buf *in,
			 struct buf *out, struct od_err *err)
{
	gnutls_aead_cipher_hd_t h;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	size_t len = in->len + TAG_LEN;
	enum od_code rc;
	uint8_t *tmp;
	int ret;

	if (!encrypt && in->len < TAG_LEN)
		return od_err_set(err, OD_E_TAMPERED, "the backup's files are "
				  "cut short");
	tmp = malloc(len);
	if (tmp == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	ret = gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k);
	if (ret >= 0) {
		ret = encrypt ?
		      gnutls_aead_cipher_encrypt(h, nonce, NONCE_LEN, NULL, 0,
						 TAG_LEN, in->data, in->len,
						 tmp, &len) :
		      gnutls_aead_cipher_decrypt(h, nonce, NONCE_LEN, NULL, 0,
						 TAG_LEN, in->data, in->len,
						 tmp, &len);
		gnutls_aead_cipher_deinit(h);
	}
	if (ret < 0)
		rc = od_err_set(err, encrypt ? OD_E_CRYPTO : OD_E_TAMPERED,
				encrypt ? "cannot seal the backup's files" :
				"the backup's files do not open under this "
				"backend.key: another backend's key, or an "
				"altered backup");
	else
		rc = buf_add(out, tmp, len, err);
	secret_wipe(tmp, in->len + TAG_LEN);
	free(tmp);
	return rc;
}

/* Reads exactly n bytes from fd into p (and the MAC, if given). */
static enum od_code in_mac(int fd, gnutls_hmac_hd_t mac, void *p, size_t n,
			   struct od_err *err)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, (char *)p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return od_err_set(err, OD_E_IO, "cannot read the "
					  "backup: %s", strerror(errno));
		if (r == 0)
			return od_err_set(err, OD_E_TAMPERED, "the backup is "
					  "cut short: copy it again");
		got += (size_t)r;
	}
	if (mac != NULL)
		gnutls_hmac(mac, p, n);
	return OD_OK;
}

/* Copies the store's copy (len bytes) from fd to a new file db_out. */
static enum od_code in_db(int fd, gnutls_hmac_hd_t mac, unsigned long long len,
			  const char *db_out, struct od_err *err)
{
	char chunk[65536];
	size_t n;
	enum od_code rc = OD_OK;
	int out = open(db_out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (out < 0)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s",
				  db_out, strerror(errno));
	while (rc == OD_OK && len > 0) {
		n = len < sizeof chunk ? (size_t)len : sizeof chunk;
		rc = in_mac(fd, mac, chunk, n, err);
		if (rc == OD_OK && file_write_all(out, chunk, n) != 0)
			rc = od_err_set(err, OD_E_IO, "cannot write %.200s: %s",
					db_out, strerror(errno));
		len -= n;
	}
	if (rc == OD_OK && fsync(out) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot sync %.200s: %s", db_out,
				strerror(errno));
	close(out);
	return rc;
}

/* The parts of a backup read before its store's copy. */
static enum od_code in_head(int fd, gnutls_hmac_hd_t mac,
			    uint8_t nonce[NONCE_LEN], struct buf *sealed,
			    unsigned long long *db_len, int *version,
			    struct od_err *err)
{
	char magic[sizeof BACKEND_BACKUP_MAGIC - 1];
	uint8_t n4[4], n8[8];
	unsigned long long len;
	enum od_code rc;
	char *p;

	rc = in_mac(fd, mac, magic, sizeof magic, err);
	*version = rc == OD_OK && memcmp(magic, "orderdeskd-backup/1\n",
					 sizeof magic) == 0 ? 1 : 2;
	if (rc == OD_OK && *version == 2 &&
	    memcmp(magic, BACKEND_BACKUP_MAGIC, sizeof magic) != 0)
		return od_err_set(err, OD_E_INPUT, "this is not an orderdeskd "
				  "backup (a desk's backup is restored with "
				  "orderdesk restore)");
	if (rc == OD_OK)
		rc = in_mac(fd, mac, nonce, NONCE_LEN, err);
	if (rc == OD_OK)
		rc = in_mac(fd, mac, n4, sizeof n4, err);
	len = get_be(n4, 4);
	if (rc == OD_OK && len > BACKEND_BACKUP_FILES_MAX + TAG_LEN)
		rc = od_err_set(err, OD_E_TAMPERED, "the backup's files are "
				"larger than a backend's can be: it is damaged");
	if (rc == OD_OK && (p = malloc(len ? len : 1)) == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK) {
		rc = in_mac(fd, mac, p, (size_t)len, err);
		if (rc == OD_OK)
			rc = buf_add(sealed, p, (size_t)len, err);
		free(p);
	}
	if (rc == OD_OK)
		rc = in_mac(fd, mac, n8, sizeof n8, err);
	*db_len = get_be(n8, 8);
	return rc;
}

/*
 * Reads the backup at path: its store's copy into the new file db_out,
 * its files (opened) into files, once its MAC under data_key is checked.
 */
static enum od_code read_backup(const char *path,
				const uint8_t data_key[STORE_KEY_LEN],
				const char *db_out, struct buf *files,
				struct od_err *err)
{
	uint8_t key[32], nonce[NONCE_LEN], want[MAC_LEN], tag[MAC_LEN], x;
	gnutls_hmac_hd_t mac = NULL;
	unsigned long long db_len = 0;
	struct buf sealed;
	uint8_t trailer[BKB_SIG_TRAILER];
	unsigned diff = 0;
	enum od_code rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC), i, version = 0;

	if (fd < 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND :
				  OD_E_IO, "cannot read %.200s: %s", path,
				  strerror(errno));
	buf_init(&sealed, BACKEND_BACKUP_FILES_MAX + TAG_LEN);
	rc = bkb_derive(data_key, MAC_LABEL, key, err);
	if (rc == OD_OK && gnutls_hmac_init(&mac, GNUTLS_MAC_SHA256, key,
					    sizeof key) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot start a MAC");
	if (rc == OD_OK)
		rc = in_head(fd, mac, nonce, &sealed, &db_len, &version, err);
	if (rc == OD_OK)
		rc = in_db(fd, mac, db_len, db_out, err);
	if (mac != NULL)
		gnutls_hmac_deinit(mac, want);
	if (rc == OD_OK)
		rc = in_mac(fd, NULL, tag, sizeof tag, err);
	/* The signature (checked by bkb_verify_file) ends a "/2" backup. */
	if (rc == OD_OK && version == 2)
		rc = in_mac(fd, NULL, trailer, sizeof trailer, err);
	if (rc == OD_OK && read(fd, &x, 1) != 0)
		rc = od_err_set(err, OD_E_TAMPERED, "the backup has bytes "
				"after its end: it is damaged");
	for (i = 0; i < MAC_LEN; i++)
		diff |= (unsigned)(want[i] ^ tag[i]);
	if (rc == OD_OK && diff != 0)
		rc = od_err_set(err, OD_E_TAMPERED, "the backup does not check "
				"under this backend.key: another backend's key, "
				"or the backup was altered or damaged");
	if (rc == OD_OK)
		rc = bkb_derive(data_key, FILES_LABEL, key, err);
	if (rc == OD_OK)
		rc = bkb_seal(0, key, nonce, &sealed, files, err);
	close(fd);
	buf_free(&sealed);
	secret_wipe(key, sizeof key);
	return rc;
}

/* Checks a store's copy: every page, the schema, the whole log. */
static enum od_code check_db(const char *db, const uint8_t key[STORE_KEY_LEN],
			     long long *entries, struct od_err *err)
{
	struct ledger_report rep;
	struct store *s = NULL;
	unsigned long pages;
	long long seq = 0;
	uint8_t hash[32];
	enum od_code rc;

	rc = vfs_crypt_verify_file(db, key, &pages, err);
	/* The copy's log is how far it got: its own record says so. */
	if (rc == OD_OK)
		rc = store_head_adopt(db, key, err);
	if (rc == OD_OK)
		rc = store_open(db, key, &s, err);
	if (rc == OD_OK)
		rc = store_integrity_check(s, err);
	if (rc == OD_OK)
		rc = store_log_head(s, &seq, hash, err);
	/* A backend no desk has founded yet has an empty log. */
	rep.entries = 0;
	if (rc == OD_OK && seq > 0)
		rc = ledger_verify(s, &rep, err);
	if (rc == OD_OK)
		*entries = rep.entries;
	store_close(s);
	return rc;
}

/* Removes a store's copy and whatever SQLite and the store made beside. */
void bkb_remove_db(const char *db)
{
	unlink(db);
	file_remove_db_companions(db);
	store_head_remove(db);
}

/* Whether rel is a name the backup may hold: components of [A-Za-z0-9._-],
 * none starting with '.', at most DEPTH_MAX of them. */
static int safe_name(const char *rel)
{
	int parts = 1, start = 1;

	if (rel[0] == '\0')
		return 0;
	for (; *rel != '\0'; rel++) {
		if (*rel == '/') {
			if (start)
				return 0;
			parts++;
			start = 1;
			continue;
		}
		if ((start && *rel == '.') ||
		    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789._-", *rel) == NULL)
			return 0;
		start = 0;
	}
	return !start && parts <= DEPTH_MAX;
}

/* Writes data as dir/rel (new, 0600), making its folders (0700). */
static enum od_code put_file(const char *dir, const char *rel,
			     const char *data, size_t len, struct od_err *err)
{
	char path[4096], *slash;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return od_err_set(err, OD_E_IO, "cannot create %.200s: "
					  "%s", path, strerror(errno));
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0 || file_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		return od_err_set(err, OD_E_IO, "cannot write %.200s: %s", path,
				  strerror(errno));
	}
	close(fd);
	return OD_OK;
}

/* Walks the files of a backup: checks each name, counts them, and with a
 * dir writes them there. */
static enum od_code each_file(const struct buf *files, const char *dir,
			      long long *count, struct od_err *err)
{
	const uint8_t *p = (const uint8_t *)files->data;
	size_t at = 0, nlen, dlen;
	char name[1024];
	enum od_code rc = OD_OK;

	*count = 0;
	while (rc == OD_OK && at < files->len) {
		if (files->len - at < 2 ||
		    (nlen = get_be(p + at, 2)) >= sizeof name ||
		    files->len - at - 2 < nlen + 4)
			return od_err_set(err, OD_E_TAMPERED, "the backup's "
					  "list of files is damaged");
		memcpy(name, p + at + 2, nlen);
		name[nlen] = '\0';
		dlen = get_be(p + at + 2 + nlen, 4);
		at += 2 + nlen + 4;
		if (files->len - at < dlen || !safe_name(name) ||
		    bkb_left_out(name))
			return od_err_set(err, OD_E_TAMPERED, "the backup's "
					  "list of files is damaged");
		if (dir != NULL)
			rc = put_file(dir, name, (const char *)p + at, dlen,
				      err);
		at += dlen;
		(*count)++;
	}
	return rc;
}

int bkb_beside(char *out, size_t size, const char *path, const char *suffix)
{
	size_t a = strlen(path), n = strlen(suffix);

	out[0] = '\0';
	if (a + n >= size)
		return -1;
	memcpy(out, path, a);
	memcpy(out + a, suffix, n + 1);
	return 0;
}

/* Reads the backup at path back and checks all of it (rep). */
enum od_code bkb_check_backup(const char *path,
				 const uint8_t key[STORE_KEY_LEN],
				 struct backend_backup_report *rep,
				 struct od_err *err)
{
	char db[4200];
	struct buf files;
	struct stat st;
	enum od_code rc;

	if (bkb_beside(db, sizeof db, path, ".check") != 0)
		return od_err_set(err, OD_E_USAGE, "the backup's path is too "
				  "long");
	bkb_remove_db(db);
	buf_init(&files, BACKEND_BACKUP_FILES_MAX);
	rc = read_backup(path, key, db, &files, err);
	if (rc == OD_OK)
		rc = each_file(&files, NULL, &rep->files, err);
	if (rc == OD_OK)
		rc = check_db(db, key, &rep->entries, err);
	bkb_remove_db(db);
	buf_free(&files);
	if (rc == OD_OK && stat(path, &st) == 0)
		rep->bytes = (long long)st.st_size;
	return rc;
}

/* Copies the key file into dir as backend.key. */
static enum od_code put_key(const char *dir, const char *key_file,
			    struct od_err *err)
{
	struct buf text;
	enum od_code rc;

	buf_init(&text, BACKEND_KEY_TEXT_LEN + 1);
	rc = file_read_capped(key_file, BACKEND_KEY_TEXT_LEN + 1, 0, &text,
			      err);
	if (rc == OD_OK && backend_key_parse(text.data, text.len, NULL,
					     NULL) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot read the key file "
				"%.200s again", key_file);
	if (rc == OD_OK)
		rc = put_file(dir, BACKEND_KEY_FILE, text.data, text.len, err);
	buf_free(&text);   /* wiped */
	return rc;
}

enum od_code backend_restore(const char *dir, const char *path,
			     const char *key_file,
			     struct backend_backup_report *rep,
			     struct od_err *err)
{
	uint8_t key[STORE_KEY_LEN], pub[SIGKEY_PUB_LEN];
	char tmp[4200], db[4200];
	struct buf files;
	struct stat st;
	enum od_code rc;
	int version;

	memset(rep, 0, sizeof *rep);
	snprintf(db, sizeof db, "%s/%s", dir, BACKEND_DB_FILE);
	if (bkb_beside(tmp, sizeof tmp, db, ".restoring") != 0)
		return od_err_set(err, OD_E_USAGE, "the directory's path is "
				  "too long");
	buf_init(&files, BACKEND_BACKUP_FILES_MAX);
	rc = backend_key_read(key_file, key, NULL, err);
	if (rc == OD_OK && lstat(db, &st) == 0)
		rc = od_err_set(err, OD_E_EXISTS, "%.200s already holds a "
				"backend: restore into a new directory", dir);
	/* Signed by this backend's head key (a "/1" backup is not signed). */
	if (rc == OD_OK)
		rc = bkb_pub_from_file(key_file, pub, err);
	if (rc == OD_OK)
		rc = bkb_verify_file(path, pub, NULL, &version, err);
	if (rc == OD_OK)
		rc = read_backup(path, key, tmp, &files, err);
	if (rc == OD_OK)
		rc = each_file(&files, NULL, &rep->files, err);
	if (rc == OD_OK)
		rc = check_db(tmp, key, &rep->entries, err);
	/* Every check passed: only now is anything kept. */
	if (rc == OD_OK)
		rc = each_file(&files, dir, &rep->files, err);
	if (rc == OD_OK)
		rc = put_key(dir, key_file, err);
	if (rc == OD_OK)
		rc = store_head_rename(tmp, db, err);
	if (rc == OD_OK && rename(tmp, db) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot name the store %.200s: "
				"%s", db, strerror(errno));
	if (rc == OD_OK && file_sync_dir(dir) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot sync %.200s: %s", dir,
				strerror(errno));
	if (rc != OD_OK)
		bkb_remove_db(tmp);
	if (rc == OD_OK && stat(path, &st) == 0)
		rep->bytes = (long long)st.st_size;
	buf_free(&files);
	secret_wipe(key, sizeof key);
	return rc;
}
