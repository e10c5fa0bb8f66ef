/* store-head-file.c - the head record's file: two sealed slots. */
#include "storage/store-head-file.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/secret.h"

/*
 * The file holds two slots, at offsets 0 and 512 (apart on disk sectors),
 * each: magic (also the associated data), nonce, then sealed a generation,
 * the seq (8 bytes each, big-endian) and the hash (32), then the GCM tag.
 * The newest generation that authenticates is the record.  An update
 * overwrites the other slot in place and syncs it (fdatasync of a block
 * already there: about one bare fsync); were that write torn, its slot
 * fails its tag and the one before it, never ahead of the log, stands.
 * Making a whole new file (temporary file, fsync, rename) costs several
 * fsyncs on ext4, more than a durable confirm may spend; only a new record
 * is made that way.
 */
#define HEAD_MAGIC     "odhead2\n"
#define HEAD_MAGIC_LEN 8
#define HEAD_NONCE_LEN 12
#define HEAD_PLAIN_LEN (8 + 8 + 32)
#define HEAD_TAG_LEN   16
#define HEAD_SLOT_LEN  (HEAD_MAGIC_LEN + HEAD_NONCE_LEN + HEAD_PLAIN_LEN + \
			HEAD_TAG_LEN)
#define HEAD_SLOT_AT   512
#define HEAD_FILE_LEN  (2 * HEAD_SLOT_AT)

static const char head_label[] = "orderdesk-store-head/1";

/* The sealing key: HKDF-SHA256 of the data key with the record's label. */
enum od_code head_file_key(const uint8_t data_key[STORE_KEY_LEN],
			   uint8_t out[32], struct od_err *err)
{
	uint8_t prk[32];
	gnutls_datum_t key = { (unsigned char *)data_key, STORE_KEY_LEN };
	gnutls_datum_t salt = { NULL, 0 };
	gnutls_datum_t info = { (unsigned char *)head_label,
				sizeof head_label - 1 };
	gnutls_datum_t prk_d = { prk, sizeof prk };
	int rc;

	rc = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &key, &salt, prk);
	if (rc >= 0)
		rc = gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &prk_d, &info, out,
					32);
	secret_wipe(prk, sizeof prk);
	if (rc < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot derive the log "
				  "record's key: %s", gnutls_strerror(rc));
	return OD_OK;
}

/* Puts v big-endian into 8 bytes at p; be_get reads it back. */
static void be_put(unsigned char *p, unsigned long long v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * (7 - i)));
}

static unsigned long long be_get(const unsigned char *p)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Seals r into one slot's bytes; 0 on success. */
static int slot_seal(const uint8_t key[32], const struct head_rec *r,
		     unsigned char out[HEAD_SLOT_LEN])
{
	unsigned char plain[HEAD_PLAIN_LEN], *nonce = out + HEAD_MAGIC_LEN;
	size_t ct_len = HEAD_PLAIN_LEN + HEAD_TAG_LEN;
	gnutls_aead_cipher_hd_t h = NULL;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	int ok;

	memcpy(out, HEAD_MAGIC, HEAD_MAGIC_LEN);
	be_put(plain, r->gen);
	be_put(plain + 8, (unsigned long long)r->seq);
	memcpy(plain + 16, r->hash, 32);
	ok = gnutls_rnd(GNUTLS_RND_NONCE, nonce, HEAD_NONCE_LEN) >= 0 &&
	     gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k) >= 0 &&
	     gnutls_aead_cipher_encrypt(h, nonce, HEAD_NONCE_LEN, out,
					HEAD_MAGIC_LEN, HEAD_TAG_LEN, plain,
					sizeof plain, nonce + HEAD_NONCE_LEN,
					&ct_len) >= 0;
	if (h != NULL)
		gnutls_aead_cipher_deinit(h);
	secret_wipe(plain, sizeof plain);
	return ok ? 0 : -1;
}

/* Opens one slot's bytes into r; 0 when it authenticates. */
static int slot_open(const uint8_t key[32], const unsigned char *in,
		     struct head_rec *r)
{
	unsigned char plain[HEAD_PLAIN_LEN];
	size_t plain_len = sizeof plain;
	gnutls_aead_cipher_hd_t h = NULL;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	int ok;

	ok = memcmp(in, HEAD_MAGIC, HEAD_MAGIC_LEN) == 0 &&
	     gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k) >= 0 &&
	     gnutls_aead_cipher_decrypt(h, in + HEAD_MAGIC_LEN, HEAD_NONCE_LEN,
					in, HEAD_MAGIC_LEN, HEAD_TAG_LEN,
					in + HEAD_MAGIC_LEN + HEAD_NONCE_LEN,
					HEAD_PLAIN_LEN + HEAD_TAG_LEN, plain,
					&plain_len) >= 0 &&
	     plain_len == HEAD_PLAIN_LEN;
	if (h != NULL)
		gnutls_aead_cipher_deinit(h);
	if (ok) {
		r->gen = be_get(plain);
		r->seq = (long long)be_get(plain + 8);
		memcpy(r->hash, plain + 16, 32);
	}
	return ok ? 0 : -1;
}

/* The file's newest authentic slot into r, and its index into *slot. */
static int file_newest(const uint8_t key[32],
		       const unsigned char in[HEAD_FILE_LEN],
		       struct head_rec *r, int *slot)
{
	struct head_rec c;
	int i, found = 0;

	for (i = 0; i < 2; i++) {
		if (slot_open(key, in + i * HEAD_SLOT_AT, &c) != 0 ||
		    (found && c.gen <= r->gen))
			continue;
		*r = c;
		*slot = i;
		found = 1;
	}
	return found ? 0 : -1;
}

/* Turns an errno from writing file into an od_code and a message. */
static enum od_code head_io_fail(const char *file, int e, struct od_err *err)
{
	return od_err_set(err, e == ENOSPC || e == EDQUOT ? OD_E_NOSPACE
							  : OD_E_IO,
			  "cannot write %s: %s", file, strerror(e));
}

/*
 * Makes a new record file holding (seq, hash) and puts it in place
 * atomically: a temporary file of its own (two openers catching a record
 * up may race), fsync, rename over file.  The directory is not synced: a
 * rename lost to a power cut leaves the older record, never ahead.
 */
enum od_code head_file_create(const char *file, const uint8_t key[32],
			      long long seq, const uint8_t hash[32],
			      struct od_err *err)
{
	unsigned char out[HEAD_FILE_LEN];
	struct head_rec r = { .gen = 1, .seq = seq };
	char *tmp = NULL;
	int fd, e = 0;

	memset(out, 0, sizeof out);
	memcpy(r.hash, hash, 32);
	if (slot_seal(key, &r, out) != 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot seal the log "
				  "record");
	if (asprintf(&tmp, "%s.XXXXXX", file) < 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	/* mkostemp makes it 0600. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	e = file_write_all(fd, out, sizeof out);
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, file) != 0)
		e = errno;
	if (e != 0)
		unlink(tmp);
out:
	free(tmp);
	return e == 0 ? OD_OK : head_io_fail(file, e, err);
}

/* The file's name without its directory, for a message that must fit. */
const char *head_file_base(const char *file)
{
	const char *p = strrchr(file, '/');

	return p != NULL ? p + 1 : file;
}

/*
 * A record no slot of which authenticates (or of the wrong size): the
 * database may be intact, but that it did not go back cannot be shown.
 * No way to take the database as it is (re-adopt the record) is offered:
 * garbling the record is what one who put an older copy in place would do
 * next, and a full verify passes on an older copy as well.
 */
static enum od_code head_damaged(const char *file, struct od_err *err)
{
	return od_err_set(err, OD_E_TAMPERED, "the store's head record (%s) "
			  "is damaged: whether the store went back cannot be "
			  "told; " HEAD_WHAT_TO_DO, head_file_base(file));
}

/*
 * Reads the record in file into r: OD_E_NOTFOUND when there is none,
 * OD_E_TAMPERED when no slot authenticates.
 */
enum od_code head_file_read(const char *file, const uint8_t key[32],
			    struct head_rec *r, struct od_err *err)
{
	unsigned char in[HEAD_FILE_LEN + 1];
	ssize_t n;
	int fd, slot;

	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return od_err_set(err, OD_E_NOTFOUND, "no %s", file);
	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot read %s: %s", file,
				  strerror(errno));
	do
		n = pread(fd, in, sizeof in, 0);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n != HEAD_FILE_LEN || file_newest(key, in, r, &slot) != 0)
		return head_damaged(file, err);
	return OD_OK;
}

/*
 * Writes (seq, hash) over the older slot of the record in file, in place,
 * and syncs it.  The file's newest generation is read first, so writers
 * that take turns (the shop's lock) always write a newer one.
 */
enum od_code head_file_update(const char *file, const uint8_t key[32],
			      long long seq, const uint8_t hash[32],
			      struct od_err *err)
{
	unsigned char buf[HEAD_FILE_LEN];
	struct head_rec r;
	ssize_t n;
	int fd, slot = 0, e = 0;

	fd = open(file, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return head_io_fail(file, errno, err);
	do
		n = pread(fd, buf, sizeof buf, 0);
	while (n < 0 && errno == EINTR);
	if (n != HEAD_FILE_LEN || file_newest(key, buf, &r, &slot) != 0) {
		close(fd);
		return head_damaged(file, err);
	}
	r.gen++;
	r.seq = seq;
	memcpy(r.hash, hash, 32);
	slot = 1 - slot;
	if (slot_seal(key, &r, buf) != 0) {
		close(fd);
		return od_err_set(err, OD_E_CRYPTO, "cannot seal the log "
				  "record");
	}
	do
		n = pwrite(fd, buf, HEAD_SLOT_LEN, slot * HEAD_SLOT_AT);
	while (n < 0 && errno == EINTR);
	if (n != HEAD_SLOT_LEN)
		e = n < 0 ? errno : EIO;
	if (e == 0 && fdatasync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	return e == 0 ? OD_OK : head_io_fail(file, e, err);
}
