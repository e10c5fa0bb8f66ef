/*
 * vfs-crypt-verify.c - checks every page of a store's database and WAL
 * offline, with the data key, without SQLite: what `orderdesk audit
 * verify` and the backup's check use to find a damaged or altered page.
 */
#include "storage/vfs-crypt-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/secret.h"

/* Reads n bytes at off, as many as there are; -1 on an error. */
static ssize_t read_at(int fd, unsigned char *buf, size_t n, off_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, buf + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Opens path for reading; a missing file is OD_E_NOTFOUND. */
static enum od_code verify_open(const char *path, int *fd, off_t *size,
				struct od_err *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ENOENT)
			return od_err_set(err, OD_E_NOTFOUND, "there is no "
					  "store at %s; check the path", path);
		return od_err_set(err, OD_E_IO, "cannot read %s: %s", path,
				  strerror(errno));
	}
	if (fstat(*fd, &st) != 0)
		return od_err_set(err, OD_E_IO, "cannot read %s: %s", path,
				  strerror(errno));
	*size = st.st_size;
	return OD_OK;
}

/* Checks every page of the database file; counts them in *n. */
static enum od_code verify_db(gnutls_aead_cipher_hd_t h, const char *path,
			      unsigned char *io, unsigned char *plain,
			      unsigned long *n, struct od_err *err)
{
	enum od_code rc;
	off_t size;
	unsigned long pgno, npages;
	int fd;

	rc = verify_open(path, &fd, &size, err);
	if (rc != OD_OK)
		goto out;
	if (size % PAGE != 0) {
		rc = od_err_set(err, OD_E_TAMPERED, "%s is not a whole number "
				"of pages long; the store is damaged or has "
				"been tampered with", path);
		goto out;
	}
	npages = (unsigned long)(size / PAGE);
	for (pgno = 1; pgno <= npages; pgno++) {
		if (pgno == PENDING_PGNO)
			continue;
		if (read_at(fd, io, PAGE, (off_t)(pgno - 1) * PAGE) != PAGE) {
			rc = od_err_set(err, OD_E_IO, "cannot read page %lu of "
					"%s", pgno, path);
			goto out;
		}
		if (vc_page_open(h, io, (uint32_t)pgno, DOMAIN_DB, plain) != 0 ||
		    (pgno == 1 && (plain[16] != PAGE >> 8 || plain[17] != 0 ||
				   plain[20] < VFS_CRYPT_RESERVE))) {
			rc = od_err_set(err, OD_E_TAMPERED, "page %lu of %s "
					"fails its check; the store is "
					"damaged or has been tampered with",
					pgno, path);
			goto out;
		}
		(*n)++;
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* SQLite's WAL checksum: pairs of 32-bit words, folded into s[2]. */
static void wal_checksum(int be, const unsigned char *p, size_t len,
			 uint32_t s[2])
{
	size_t i;

	for (i = 0; i < len; i += 8) {
		s[0] += vc_get_u32(p + i, be) + s[1];
		s[1] += vc_get_u32(p + i + 4, be) + s[0];
	}
}

/*
 * Checks the WAL beside the database as recovery would read it (see the
 * header for which failures count).  Counts good frames in *n.
 */
static enum od_code verify_wal(gnutls_aead_cipher_hd_t h, const char *wal,
			       unsigned char *io, unsigned char *plain,
			       unsigned long *n, struct od_err *err)
{
	unsigned char hdr[WAL_HDR];
	uint32_t magic, s[2] = { 0, 0 };
	unsigned long k, nframes, bad = 0, bad_pgno = 0;
	int fd, be, have_bad = 0;
	enum od_code rc;
	off_t size;

	rc = verify_open(wal, &fd, &size, err);
	if (rc == OD_E_NOTFOUND) {
		od_err_clear(err);
		return OD_OK;
	}
	if (rc != OD_OK)
		goto out;
	if (size <= WAL_HDR || read_at(fd, hdr, WAL_HDR, 0) != WAL_HDR)
		goto out;
	magic = vc_get_be32(hdr);
	be = (int)(magic & 1);
	wal_checksum(be, hdr, WAL_HDR - 8, s);
	/* SQLite ignores a WAL whose header does not check: so do we. */
	if ((magic & ~1u) != WAL_MAGIC || s[0] != vc_get_be32(hdr + 24) ||
	    s[1] != vc_get_be32(hdr + 28))
		goto out;
	if (vc_get_be32(hdr + 4) != WAL_VERSION || vc_get_be32(hdr + 8) != PAGE) {
		rc = od_err_set(err, OD_E_TAMPERED, "the header of %s is not "
				"orderdesk's; the store is damaged or has "
				"been tampered with", wal);
		goto out;
	}
	nframes = (unsigned long)((size - WAL_HDR) / FRAME);
	for (k = 0; k < nframes; k++) {
		if (read_at(fd, io, FRAME, WAL_HDR + (off_t)k * FRAME) !=
		    FRAME) {
			rc = od_err_set(err, OD_E_IO, "cannot read %s", wal);
			goto out;
		}
		/* Other salts: a frame left from an earlier round. */
		if (memcmp(io + 8, hdr + 16, 8) != 0)
			break;
		if (!have_bad) {
			uint32_t pgno = vc_get_be32(io);
			int ok = pgno != 0 && vc_page_open(h, io + FRAME_HDR, pgno,
							DOMAIN_WAL, plain) == 0;

			if (ok) {
				wal_checksum(be, io, 8, s);
				wal_checksum(be, plain, PAGE, s);
				ok = s[0] == vc_get_be32(io + 16) &&
				     s[1] == vc_get_be32(io + 20);
			}
			if (ok) {
				(*n)++;
			} else {
				have_bad = 1;
				bad = k + 1;
				bad_pgno = pgno;
			}
		}
		if (have_bad && vc_get_be32(io + 4) != 0) {
			rc = od_err_set(err, OD_E_TAMPERED, "frame %lu (page "
					"%lu) of %s fails its check; the store "
					"is damaged or has been tampered with",
					bad, bad_pgno, wal);
			goto out;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

enum od_code vfs_crypt_verify_file(const char *path,
				   const uint8_t key[VFS_CRYPT_KEY_LEN],
				   unsigned long *pages, struct od_err *err)
{
	gnutls_aead_cipher_hd_t h = NULL;
	unsigned char *io = NULL, *plain = NULL;
	char *wal = NULL;
	unsigned long n = 0;
	size_t len = strlen(path);
	enum od_code rc;

	*pages = 0;
	if (vc_cipher_new(&h, key) < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot set up AES-256-GCM "
				  "to check the store");
	io = malloc(FRAME);
	plain = malloc(PAGE);
	wal = malloc(len + sizeof "-wal");
	if (io == NULL || plain == NULL || wal == NULL) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(wal, path, len);
	memcpy(wal + len, "-wal", sizeof "-wal");
	rc = verify_db(h, path, io, plain, &n, err);
	if (rc == OD_OK)
		rc = verify_wal(h, wal, io, plain, &n, err);
	if (rc == OD_OK)
		*pages = n;
out:
	if (plain != NULL)
		secret_wipe(plain, PAGE);
	free(io);
	free(plain);
	free(wal);
	gnutls_aead_cipher_deinit(h);
	return rc;
}
