/* backend-backup-sig.c - backups signed with the head key
 * (backend-backup-sig.h). */
#include "app/orderdeskd/backend-backup-sig.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/orderdeskd/backend-backup-internal.h"
#include "app/orderdeskd/backend-keyfile.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"

#define SIG_LABEL "orderdeskd-backup-sig/1\n"
#define LABEL_LEN (sizeof SIG_LABEL - 1)
#define MAGIC_V1 "orderdeskd-backup/1\n"

/* msg = label and the SHA-256 of fd's first len bytes (read from 0). */
static enum od_code digest(int fd, unsigned long long len,
			   uint8_t msg[LABEL_LEN + 32], struct od_err *err)
{
	gnutls_hash_hd_t h;
	char chunk[65536];
	ssize_t n;
	size_t want;

	if (lseek(fd, 0, SEEK_SET) != 0 ||
	    gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return od_err_set(err, OD_E_IO, "cannot read the backup");
	while (len > 0) {
		want = len < sizeof chunk ? (size_t)len : sizeof chunk;
		n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			gnutls_hash_deinit(h, NULL);
			return od_err_set(err, n < 0 ? OD_E_IO : OD_E_TAMPERED,
					  "cannot read the backup: %s",
					  n < 0 ? strerror(errno) :
					  "it is cut short");
		}
		gnutls_hash(h, chunk, (size_t)n);
		len -= (unsigned long long)n;
	}
	memcpy(msg, SIG_LABEL, LABEL_LEN);
	gnutls_hash_deinit(h, msg + LABEL_LEN);
	return OD_OK;
}

enum od_code bkb_sign_file(const char *path, const struct sigkey *k,
			   struct od_err *err)
{
	uint8_t msg[LABEL_LEN + 32], tail[BKB_SIG_TRAILER];
	struct stat st;
	enum od_code rc;
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return od_err_set(err, OD_E_IO, "cannot sign %.200s: %s", path,
				  strerror(errno));
	}
	rc = digest(fd, (unsigned long long)st.st_size, msg, err);
	sigkey_public(k, tail);
	if (rc == OD_OK)
		rc = sigkey_sign(k, msg, sizeof msg, tail + SIGKEY_PUB_LEN,
				 err);
	if (rc == OD_OK && (lseek(fd, 0, SEEK_END) != st.st_size ||
			    file_write_all(fd, tail, sizeof tail) != 0 ||
			    fsync(fd) != 0))
		rc = od_err_set(err, OD_E_IO, "cannot sign %.200s: %s", path,
				strerror(errno));
	close(fd);
	return rc;
}

/* A key's short id for a message: the first 8 bytes of it, hex. */
static void key_id(const uint8_t pub[SIGKEY_PUB_LEN], char out[17])
{
	hex_encode(pub, 8, out);
}

/* Reads exactly n bytes at off. */
static int read_at(int fd, void *p, size_t n, off_t off)
{
	return pread(fd, p, n, off) == (ssize_t)n ? 0 : -1;
}

/* Verifies the trailer of an open "/2" backup of size bytes. */
static enum od_code verify_open(int fd, off_t size,
				const uint8_t want[SIGKEY_PUB_LEN],
				uint8_t pub[SIGKEY_PUB_LEN], struct od_err *err)
{
	uint8_t msg[LABEL_LEN + 32], tail[BKB_SIG_TRAILER];
	char ours[17], theirs[17];
	struct sigkey_pub *p = NULL;
	off_t body = size - (off_t)sizeof tail;
	enum od_code rc;

	if (body < 64 || read_at(fd, tail, sizeof tail, body) != 0)
		return od_err_set(err, OD_E_TAMPERED, "the backup is cut short:"
				  " copy it again");
	if (pub != NULL)
		memcpy(pub, tail, SIGKEY_PUB_LEN);
	if (want != NULL && memcmp(want, tail, SIGKEY_PUB_LEN) != 0) {
		key_id(tail, theirs);
		key_id(want, ours);
		return od_err_set(err, OD_E_TAMPERED, "the backup is signed by "
				  "another backend's key (%s), not this one's "
				  "(%s): another shop's backup, or altered or "
				  "damaged", theirs, ours);
	}
	rc = digest(fd, (unsigned long long)body, msg, err);
	if (rc == OD_OK)
		rc = sigkey_pub_new(tail, &p, err);
	if (rc == OD_OK && sigkey_pub_verify(p, msg, sizeof msg,
					     tail + SIGKEY_PUB_LEN,
					     err) != OD_OK)
		rc = od_err_set(err, OD_E_TAMPERED, "the backup's signature "
				"does not verify: it was altered or damaged");
	sigkey_pub_free(p);
	return rc;
}

enum od_code bkb_verify_file(const char *path,
			     const uint8_t want[SIGKEY_PUB_LEN],
			     uint8_t pub[SIGKEY_PUB_LEN], int *version,
			     struct od_err *err)
{
	char magic[sizeof BACKEND_BACKUP_MAGIC - 1];
	struct stat st;
	enum od_code rc = OD_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*version = 0;
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = od_err_set(err, fd < 0 && errno == ENOENT ?
				OD_E_NOTFOUND : OD_E_IO, "cannot read %.200s: "
				"%s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (read_at(fd, magic, sizeof magic, 0) != 0)
		rc = od_err_set(err, OD_E_INPUT, "this is not an orderdeskd "
				"backup");
	else if (memcmp(magic, MAGIC_V1, sizeof magic) == 0)
		*version = 1;
	else if (memcmp(magic, BACKEND_BACKUP_MAGIC, sizeof magic) == 0)
		*version = 2;
	else
		rc = od_err_set(err, OD_E_INPUT, "this is not an orderdeskd "
				"backup (a desk's backup is restored with "
				"orderdesk restore)");
	if (rc == OD_OK && *version == 2)
		rc = verify_open(fd, st.st_size, want, pub, err);
	close(fd);
	return rc;
}

enum od_code bkb_pub_from_file(const char *path,
			       uint8_t pub[SIGKEY_PUB_LEN],
			       struct od_err *err)
{
	uint8_t seed[SIGKEY_SEED_LEN];
	struct sigkey *k = NULL;
	enum od_code rc;

	rc = backend_key_read(path, NULL, seed, err);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &k, err);
	if (rc == OD_OK)
		sigkey_public(k, pub);
	sigkey_free(k);
	secret_wipe(seed, sizeof seed);
	return rc;
}
