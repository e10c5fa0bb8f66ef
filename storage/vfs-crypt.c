/*
 * vfs-crypt.c - an SQLite VFS shim that seals every page with AES-256-GCM.
 *
 * The shim wraps the default VFS.  Only two kinds of file may be opened
 * through it: the main database file and its WAL.  Their pages are sealed on
 * the way out and opened on the way in; everything else (locks, sync, the
 * shared-memory wal-index, which holds page numbers and checksums but no
 * content) passes straight through.  Because the nonce and tag live in the
 * reserved bytes SQLite leaves at the end of each page, a sealed page is the
 * same size as a plain one and no offset or file size needs translating.
 *
 * How the key reaches xOpen.  SQLite reads the first 100 bytes of the
 * database inside sqlite3_open_v2, before any sqlite3_file_control call could
 * deliver a key, to learn the page size.  So vfs_crypt_open parks a pointer
 * to the key in a thread-local variable for the length of its
 * sqlite3_open_v2 call, which runs xOpen on the same thread; xOpen copies the
 * key into the file object and builds that file's cipher handle there.  The
 * key never appears in a filename or URI, and a main database opened through
 * the VFS any other way (ATTACH, VACUUM INTO, a bare sqlite3_open_v2) finds
 * no key and is refused.  The WAL's xOpen finds its database file with
 * sqlite3_database_file_object and takes the key from it.
 */
#include "storage/vfs-crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "lib/secret.h"

#define PAGE       VFS_CRYPT_PAGE_SIZE
#define BODY       (PAGE - VFS_CRYPT_RESERVE)    /* bytes encrypted per page */
#define SEALED     (BODY + VFS_CRYPT_TAG_LEN)    /* ciphertext and tag */
#define NONCE_AT   SEALED                        /* nonce after the tag */
#define AD_LEN     5                             /* page number, domain */
#define DOMAIN_DB  'D'
#define DOMAIN_WAL 'W'

/* The WAL file format (sqlite.org/fileformat2.html#walformat). */
#define WAL_HDR      32
#define FRAME_HDR    24
#define FRAME        (FRAME_HDR + PAGE)
#define WAL_MAGIC    0x377f0682u
#define WAL_VERSION  3007000u
/* wal-index lock slots: 0 write, 1 checkpoint, 2 recover, 3.. readers. */
#define SHM_RECOVER_SLOT 2

/* SQLite never stores a page in the one holding byte 2^30 (the lock byte). */
#define PENDING_PGNO (0x40000000 / PAGE + 1)

/*
 * Attempts at a partial read of a page.  SQLite reads the database header at
 * open without holding a lock, so it can race a checkpoint rewriting page 1
 * and see half a page; a second look sees a whole one.
 */
#define PARTIAL_READ_TRIES 3

#define BUSY_TIMEOUT_MS 5000

/*
 * Every page that misses SQLite's cache costs a decryption, and every dirty
 * page spilled early an encryption, so the cache is 64 MiB rather than
 * SQLite's 2 MiB default: the orders of a 100k-order shop (about 35 MB)
 * then stay decrypted in memory after the first pass.  Measured: 100k
 * inserts through a random-key index, 1.4x plain SQLite at 2 MiB each, 1.1x
 * at 16 MiB each; searches over 100k orders 1.45x at 16 MiB, 1.0x at 64 MiB.
 * The cache grows only as pages are read, and a process's peak stays under
 * the 64 MiB that Argon2id takes at unlock anyway.  The store may change it.
 */
#define CACHE_PRAGMA "PRAGMA cache_size=-65536;"

enum crypt_kind {
	CRYPT_DB,
	CRYPT_WAL
};

/* One file open through the VFS; the default VFS's file follows it. */
struct crypt_file {
	sqlite3_file base;              /* first: SQLite sees this */
	sqlite3_file *real;             /* the wrapped file, just after us */
	enum crypt_kind kind;
	gnutls_aead_cipher_hd_t cipher; /* made once, at open */
	struct crypt_file *db;          /* WAL: its database file */
	int recovering;                 /* database: holds the recover lock */
	sqlite3_int64 hdr_off;          /* WAL: last frame header written */
	uint32_t hdr_pgno;              /* ... and its page number */
	uint8_t key[VFS_CRYPT_KEY_LEN]; /* database: handed to its WAL */
	unsigned char io[FRAME];        /* sealed bytes to or from the disk */
	unsigned char plain[PAGE];      /* a page opened for a partial read */
};

/* Where the wrapped file starts, kept 8-byte aligned. */
#define CRYPT_FILE_SIZE ((sizeof(struct crypt_file) + 7) & ~(size_t)7)

static sqlite3_vfs *crypt_real;
static pthread_once_t crypt_once = PTHREAD_ONCE_INIT;
static int crypt_register_rc = SQLITE_ERROR;
static atomic_long crypt_fault_left = -1;
static _Thread_local const uint8_t *crypt_pending_key;

static const struct sqlite3_io_methods crypt_db_methods;
static const struct sqlite3_io_methods crypt_wal_methods;

/* Reads a big-endian 32-bit number. */
static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Reads a 32-bit number, big-endian if be, else little-endian. */
static uint32_t get_u32(const unsigned char *p, int be)
{
	if (be)
		return get_be32(p);
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Returns whether n bytes at p are all zero. */
static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Makes an AES-256-GCM handle for key; a GnuTLS error code on failure. */
static int crypt_cipher_new(gnutls_aead_cipher_hd_t *h, const uint8_t *key)
{
	gnutls_datum_t k;

	k.data = (unsigned char *)key;
	k.size = VFS_CRYPT_KEY_LEN;
	return gnutls_aead_cipher_init(h, GNUTLS_CIPHER_AES_256_GCM, &k);
}

/* Fills the associated data for page pgno of a file of kind domain. */
static void page_ad(unsigned char ad[AD_LEN], uint32_t pgno,
		    unsigned char domain)
{
	ad[0] = (unsigned char)(pgno >> 24);
	ad[1] = (unsigned char)(pgno >> 16);
	ad[2] = (unsigned char)(pgno >> 8);
	ad[3] = (unsigned char)pgno;
	ad[4] = domain;
}

/*
 * Seals the plaintext page plain as page pgno into out (PAGE bytes):
 * ciphertext and tag as GnuTLS writes them, then a fresh random nonce.
 * Returns 0, or -1 if GnuTLS fails.
 */
static int page_seal(gnutls_aead_cipher_hd_t h, const unsigned char *plain,
		     uint32_t pgno, unsigned char domain, unsigned char *out)
{
	unsigned char ad[AD_LEN];
	size_t len = SEALED;

	page_ad(ad, pgno, domain);
	if (gnutls_rnd(GNUTLS_RND_NONCE, out + NONCE_AT,
		       VFS_CRYPT_NONCE_LEN) < 0)
		return -1;
	if (gnutls_aead_cipher_encrypt(h, out + NONCE_AT, VFS_CRYPT_NONCE_LEN,
				       ad, AD_LEN, VFS_CRYPT_TAG_LEN,
				       plain, BODY, out, &len) < 0 ||
	    len != SEALED)
		return -1;
	return 0;
}

/*
 * Opens the sealed page in as page pgno into out (PAGE bytes).  The reserved
 * bytes come back as zeros: SQLite checksums WAL frames over the whole page
 * as it holds it in memory, and zeros are what it wrote there.  Returns 0,
 * or -1 with out wiped if the tag does not check.
 */
static int page_open(gnutls_aead_cipher_hd_t h, const unsigned char *in,
		     uint32_t pgno, unsigned char domain, unsigned char *out)
{
	unsigned char ad[AD_LEN];
	size_t len = BODY;

	page_ad(ad, pgno, domain);
	if (gnutls_aead_cipher_decrypt(h, in + NONCE_AT, VFS_CRYPT_NONCE_LEN,
				       ad, AD_LEN, VFS_CRYPT_TAG_LEN,
				       in, SEALED, out, &len) < 0 ||
	    len != BODY) {
		/* Never hand on plaintext that did not authenticate. */
		secret_wipe(out, PAGE);
		return -1;
	}
	memset(out + BODY, 0, VFS_CRYPT_RESERVE);
	return 0;
}

/*
 * Checks that plaintext page pgno can be sealed without loss.  Page 1 must
 * say 4096-byte pages with room for nonce and tag: a reserve set too late
 * (DESIGN.md section 7) would otherwise have SQLite's own bytes overwritten.
 * The reserved bytes must be zero, as page_open gives them back, or WAL
 * recovery would find the frame checksums wrong.  Refused with SQLITE_MISUSE:
 * it is orderdesk's bug, not the disk's, and the write simply fails and is
 * rolled back.
 */
static int page_check(const unsigned char *p, uint32_t pgno)
{
	unsigned size = (unsigned)p[16] << 8 | p[17];

	if (pgno == 1 && (size != PAGE || p[20] < VFS_CRYPT_RESERVE)) {
		sqlite3_log(SQLITE_MISUSE, "odcrypt: refusing page 1 with page "
			    "size %u and %u reserved bytes", size, p[20]);
		return SQLITE_MISUSE;
	}
	if (!all_zero(p + BODY, VFS_CRYPT_RESERVE)) {
		sqlite3_log(SQLITE_MISUSE, "odcrypt: refusing page %u: data "
			    "in the reserved bytes", pgno);
		return SQLITE_MISUSE;
	}
	return SQLITE_OK;
}

/* Counts one write against the fault hook; SQLITE_FULL once it runs out. */
static int crypt_fault(void)
{
	long n = atomic_load(&crypt_fault_left);

	while (n > 0) {
		if (atomic_compare_exchange_weak(&crypt_fault_left, &n, n - 1))
			return SQLITE_OK;
	}
	return n == 0 ? SQLITE_FULL : SQLITE_OK;
}

/* Reports a page whose tag failed. */
static int crypt_bad_page(const char *what, sqlite3_int64 off, uint32_t pgno)
{
	sqlite3_log(SQLITE_IOERR_DATA, "odcrypt: %s page %u at offset %lld "
		    "fails its check", what, pgno, (long long)off);
	return SQLITE_IOERR_DATA;
}

/* Refuses an I/O whose shape SQLite never uses on this kind of file. */
static int crypt_odd_io(int rc, const char *what, int amt, sqlite3_int64 off)
{
	sqlite3_log(rc, "odcrypt: refusing to %s %d bytes at offset %lld",
		    what, amt, (long long)off);
	return rc;
}

/* Closes the wrapped file and wipes the key and page buffers. */
static int crypt_close(sqlite3_file *pf)
{
	struct crypt_file *f = (struct crypt_file *)pf;
	int rc = f->real->pMethods->xClose(f->real);

	gnutls_aead_cipher_deinit(f->cipher);
	secret_wipe(f->key, sizeof f->key);
	secret_wipe(f->io, sizeof f->io);
	secret_wipe(f->plain, sizeof f->plain);
	return rc;
}

/*
 * Reads the sealed page at off (a page boundary) of the database into f->io.
 * Returns SQLITE_OK, SQLITE_IOERR_SHORT_READ if the file ends before it,
 * SQLITE_IOERR_DATA if the file ends inside it, or the read's error.
 */
static int crypt_db_fetch(struct crypt_file *f, sqlite3_int64 off)
{
	int rc = f->real->pMethods->xRead(f->real, f->io, PAGE, off);

	if (rc == SQLITE_IOERR_SHORT_READ && !all_zero(f->io, PAGE))
		return SQLITE_IOERR_DATA;
	return rc;
}

/*
 * Serves a read of part of one page (SQLite reads 100 bytes at 0 and 16 at
 * 24 of page 1) by opening the whole page into f->plain and copying.  An
 * empty file gives the short read SQLite expects of a new database.
 */
static int crypt_db_read_part(struct crypt_file *f, unsigned char *buf,
			      int amt, sqlite3_int64 off)
{
	sqlite3_int64 start = off - off % PAGE;
	uint32_t pgno = (uint32_t)(start / PAGE + 1);
	struct timespec pause = { 0, 1000000 };
	int rc, i;

	if (off % PAGE + amt > PAGE)
		return crypt_odd_io(SQLITE_IOERR_READ, "read", amt, off);
	for (i = 0; i < PARTIAL_READ_TRIES; i++) {
		if (i > 0)
			nanosleep(&pause, NULL);
		rc = crypt_db_fetch(f, start);
		if (rc == SQLITE_IOERR_SHORT_READ) {
			memset(buf, 0, (size_t)amt);
			return rc;
		}
		if (rc != SQLITE_OK && rc != SQLITE_IOERR_DATA)
			return rc;
		if (rc == SQLITE_OK && page_open(f->cipher, f->io, pgno,
						 DOMAIN_DB, f->plain) == 0) {
			memcpy(buf, f->plain + (off - start), (size_t)amt);
			return SQLITE_OK;
		}
	}
	return crypt_bad_page("database", start, pgno);
}

/* Reads from the database file: a whole page, or part of one (page 1). */
static int crypt_db_read(sqlite3_file *pf, void *buf, int amt,
			 sqlite3_int64 off)
{
	struct crypt_file *f = (struct crypt_file *)pf;
	uint32_t pgno = (uint32_t)(off / PAGE + 1);
	int rc;

	if (amt != PAGE || off % PAGE != 0)
		return crypt_db_read_part(f, buf, amt, off);
	rc = crypt_db_fetch(f, off);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		/* Past the end: zeros and a short read, as the default VFS. */
		memset(buf, 0, PAGE);
		return rc;
	}
	if (rc != SQLITE_OK)
		return rc == SQLITE_IOERR_DATA ?
			crypt_bad_page("database", off, pgno) : rc;
	if (page_open(f->cipher, f->io, pgno, DOMAIN_DB, buf) != 0)
		return crypt_bad_page("database", off, pgno);
	return SQLITE_OK;
}

/* Writes one whole page to the database file, sealed. */
static int crypt_db_write(sqlite3_file *pf, const void *buf, int amt,
			  sqlite3_int64 off)
{
	struct crypt_file *f = (struct crypt_file *)pf;
	uint32_t pgno = (uint32_t)(off / PAGE + 1);
	int rc = crypt_fault();

	if (rc != SQLITE_OK)
		return rc;
	if (amt != PAGE || off % PAGE != 0)
		return crypt_odd_io(SQLITE_IOERR_WRITE, "write", amt, off);
	rc = page_check(buf, pgno);
	if (rc != SQLITE_OK)
		return rc;
	if (page_seal(f->cipher, buf, pgno, DOMAIN_DB, f->io) != 0)
		return SQLITE_IOERR_WRITE;
	return f->real->pMethods->xWrite(f->real, f->io, PAGE, off);
}

/*
 * Reads from the WAL.  The file header and frame headers are plaintext and
 * pass through.  A page alone (checkpoints, ordinary reads) is read with its
 * frame header, which names the page, in one call.  A whole frame is what
 * recovery reads: if its page fails there, the frame comes back as zeros,
 * whose page number 0 makes SQLite treat it as the torn end of the log and
 * drop it and every frame after it (DESIGN.md section 7).  Anywhere else a
 * failing page is SQLITE_IOERR_DATA.
 */
static int crypt_wal_read(sqlite3_file *pf, void *buf, int amt,
			  sqlite3_int64 off)
{
	struct crypt_file *f = (struct crypt_file *)pf;
	const struct sqlite3_io_methods *m = f->real->pMethods;
	unsigned char *out = buf;
	sqlite3_int64 rel, frame;
	uint32_t pgno;
	int rc;

	if (off + amt <= WAL_HDR)
		return m->xRead(f->real, buf, amt, off);
	if (off < WAL_HDR)
		return crypt_odd_io(SQLITE_IOERR_READ, "read", amt, off);
	rel = (off - WAL_HDR) % FRAME;
	frame = off - rel;
	if (rel + amt <= FRAME_HDR)
		return m->xRead(f->real, buf, amt, off);
	if (!(rel == FRAME_HDR && amt == PAGE) && !(rel == 0 && amt == FRAME))
		return crypt_odd_io(SQLITE_IOERR_READ, "read", amt, off);

	rc = m->xRead(f->real, f->io, FRAME, frame);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		memset(buf, 0, (size_t)amt);
		return rc;
	}
	if (rc != SQLITE_OK)
		return rc;
	pgno = get_be32(f->io);
	if (amt == PAGE) {
		if (page_open(f->cipher, f->io + FRAME_HDR, pgno, DOMAIN_WAL,
			      out) != 0)
			return crypt_bad_page("WAL", frame, pgno);
		return SQLITE_OK;
	}
	if (page_open(f->cipher, f->io + FRAME_HDR, pgno, DOMAIN_WAL,
		      out + FRAME_HDR) == 0) {
		memcpy(out, f->io, FRAME_HDR);
		return SQLITE_OK;
	}
	if (!f->db->recovering)
		return crypt_bad_page("WAL", frame, pgno);
	sqlite3_log(SQLITE_IOERR_DATA, "odcrypt: WAL frame at offset %lld "
		    "fails its check; recovery drops it and all after it",
		    (long long)frame);
	memset(out, 0, FRAME);
	return SQLITE_OK;
}

/*
 * Finds the page number of the frame whose header is at hdr_off: SQLite
 * writes a frame's header and then its page in two calls, so it is usually
 * the header just written; a page rewritten in place within a transaction
 * has its header read back from the file.
 */
static int crypt_wal_pgno(struct crypt_file *f, sqlite3_int64 hdr_off,
			  uint32_t *pgno)
{
	unsigned char hdr[4];
	int rc;

	if (f->hdr_off == hdr_off) {
		*pgno = f->hdr_pgno;
		return SQLITE_OK;
	}
	rc = f->real->pMethods->xRead(f->real, hdr, sizeof hdr, hdr_off);
	if (rc == SQLITE_IOERR_SHORT_READ || (rc == SQLITE_OK &&
					      get_be32(hdr) == 0))
		return crypt_odd_io(SQLITE_IOERR_WRITE, "write a page without "
				    "a frame header:", PAGE, hdr_off);
	if (rc == SQLITE_OK)
		*pgno = get_be32(hdr);
	return rc;
}

/* Writes to the WAL: headers as they are, page images sealed. */
static int crypt_wal_write(sqlite3_file *pf, const void *buf, int amt,
			   sqlite3_int64 off)
{
	struct crypt_file *f = (struct crypt_file *)pf;
	const struct sqlite3_io_methods *m = f->real->pMethods;
	sqlite3_int64 rel;
	uint32_t pgno;
	int rc = crypt_fault();

	if (rc != SQLITE_OK)
		return rc;
	if (off + amt <= WAL_HDR)
		return m->xWrite(f->real, buf, amt, off);
	if (off < WAL_HDR)
		return crypt_odd_io(SQLITE_IOERR_WRITE, "write", amt, off);
	rel = (off - WAL_HDR) % FRAME;
	if (rel + amt <= FRAME_HDR) {
		rc = m->xWrite(f->real, buf, amt, off);
		if (rc == SQLITE_OK && rel == 0 && amt >= 4) {
			f->hdr_off = off;
			f->hdr_pgno = get_be32(buf);
		}
		return rc;
	}
	if (rel != FRAME_HDR || amt != PAGE)
		return crypt_odd_io(SQLITE_IOERR_WRITE, "write", amt, off);
	rc = crypt_wal_pgno(f, off - FRAME_HDR, &pgno);
	if (rc != SQLITE_OK)
		return rc;
	rc = page_check(buf, pgno);
	if (rc != SQLITE_OK)
		return rc;
	if (page_seal(f->cipher, buf, pgno, DOMAIN_WAL, f->io) != 0)
		return SQLITE_IOERR_WRITE;
	return m->xWrite(f->real, f->io, PAGE, off);
}

/* Truncates the file; a WAL forgets the frame header it remembered. */
static int crypt_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	f->hdr_off = -1;
	return f->real->pMethods->xTruncate(f->real, size);
}

/* Passes a sync through. */
static int crypt_sync(sqlite3_file *pf, int flags)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xSync(f->real, flags);
}

/* Passes the size through: sealed pages are as long as plain ones. */
static int crypt_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xFileSize(f->real, size);
}

/* Passes a lock through. */
static int crypt_lock(sqlite3_file *pf, int level)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xLock(f->real, level);
}

/* Passes an unlock through. */
static int crypt_unlock(sqlite3_file *pf, int level)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xUnlock(f->real, level);
}

/* Passes the reserved-lock check through. */
static int crypt_check_reserved(sqlite3_file *pf, int *out)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

/* Passes file controls through. */
static int crypt_file_control(sqlite3_file *pf, int op, void *arg)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xFileControl(f->real, op, arg);
}

/* Passes the sector size through. */
static int crypt_sector_size(sqlite3_file *pf)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xSectorSize(f->real);
}

/*
 * Adds power-safe overwrite: without it SQLite pads WAL commits to a sector
 * boundary and may split a page write in two, which a sealed page cannot be.
 */
static int crypt_device_chars(sqlite3_file *pf)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xDeviceCharacteristics(f->real) |
	       SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

/* Passes a wal-index mapping through. */
static int crypt_shm_map(sqlite3_file *pf, int pg, int pgsz, int extend,
			 void volatile **p)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, p);
}

/*
 * Passes a wal-index lock through, noting whether this connection holds the
 * recover lock exclusively: it does exactly while it runs WAL recovery,
 * which is when crypt_wal_read drops failing frames instead of failing.
 */
static int crypt_shm_lock(sqlite3_file *pf, int ofst, int n, int flags)
{
	struct crypt_file *f = (struct crypt_file *)pf;
	int rc = f->real->pMethods->xShmLock(f->real, ofst, n, flags);

	if (rc == SQLITE_OK && (flags & SQLITE_SHM_EXCLUSIVE) &&
	    ofst <= SHM_RECOVER_SLOT && SHM_RECOVER_SLOT < ofst + n)
		f->recovering = (flags & SQLITE_SHM_LOCK) != 0;
	return rc;
}

/* Passes a memory barrier through. */
static void crypt_shm_barrier(sqlite3_file *pf)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	f->real->pMethods->xShmBarrier(f->real);
}

/* Passes a wal-index unmapping through. */
static int crypt_shm_unmap(sqlite3_file *pf, int del)
{
	struct crypt_file *f = (struct crypt_file *)pf;

	return f->real->pMethods->xShmUnmap(f->real, del);
}

/* Version 2: no xFetch/xUnfetch, so SQLite never maps the file. */
static const struct sqlite3_io_methods crypt_db_methods = {
	.iVersion = 2,
	.xClose = crypt_close,
	.xRead = crypt_db_read,
	.xWrite = crypt_db_write,
	.xTruncate = crypt_truncate,
	.xSync = crypt_sync,
	.xFileSize = crypt_file_size,
	.xLock = crypt_lock,
	.xUnlock = crypt_unlock,
	.xCheckReservedLock = crypt_check_reserved,
	.xFileControl = crypt_file_control,
	.xSectorSize = crypt_sector_size,
	.xDeviceCharacteristics = crypt_device_chars,
	.xShmMap = crypt_shm_map,
	.xShmLock = crypt_shm_lock,
	.xShmBarrier = crypt_shm_barrier,
	.xShmUnmap = crypt_shm_unmap,
};

static const struct sqlite3_io_methods crypt_wal_methods = {
	.iVersion = 2,
	.xClose = crypt_close,
	.xRead = crypt_wal_read,
	.xWrite = crypt_wal_write,
	.xTruncate = crypt_truncate,
	.xSync = crypt_sync,
	.xFileSize = crypt_file_size,
	.xLock = crypt_lock,
	.xUnlock = crypt_unlock,
	.xCheckReservedLock = crypt_check_reserved,
	.xFileControl = crypt_file_control,
	.xSectorSize = crypt_sector_size,
	.xDeviceCharacteristics = crypt_device_chars,
	.xShmMap = crypt_shm_map,
	.xShmLock = crypt_shm_lock,
	.xShmBarrier = crypt_shm_barrier,
	.xShmUnmap = crypt_shm_unmap,
};

/*
 * Creates a new database file mode 0600 whatever the umask, before SQLite
 * opens it; SQLite then gives the WAL and wal-index files the database
 * file's mode.  If the file exists already, or cannot be made, SQLite's own
 * open goes on and reports any problem.
 */
static void crypt_precreate(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);

	if (fd < 0)
		return;
	if (fchmod(fd, 0600) != 0)
		sqlite3_log(SQLITE_WARNING, "odcrypt: cannot set mode 0600 "
			    "on %s", path);
	close(fd);
}

/*
 * Opens a file: the main database (keyed through crypt_pending_key) or its
 * WAL (keyed from its database).  Anything else is refused, so that no
 * journal or temp file can carry plaintext to the disk.
 */
static int crypt_open(sqlite3_vfs *vfs, sqlite3_filename name,
		      sqlite3_file *pf, int flags, int *out_flags)
{
	struct crypt_file *f = (struct crypt_file *)pf;
	struct crypt_file *db = NULL;
	const uint8_t *key;
	int rc;

	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)((char *)f + CRYPT_FILE_SIZE);
	f->real->pMethods = NULL;
	f->hdr_off = -1;
	if (name != NULL && (flags & SQLITE_OPEN_MAIN_DB)) {
		f->kind = CRYPT_DB;
		key = crypt_pending_key;
	} else if (name != NULL && (flags & SQLITE_OPEN_WAL)) {
		db = (struct crypt_file *)sqlite3_database_file_object(name);
		f->kind = CRYPT_WAL;
		f->db = db;
		key = db->base.pMethods == &crypt_db_methods ? db->key : NULL;
	} else {
		sqlite3_log(SQLITE_CANTOPEN, "odcrypt: refusing to open a "
			    "file of type 0x%x: it would not be encrypted",
			    flags & 0x0FFFFF00);
		return SQLITE_CANTOPEN;
	}
	if (key == NULL) {
		sqlite3_log(SQLITE_CANTOPEN, "odcrypt: refusing to open %s: "
			    "no key (use vfs_crypt_open)", name);
		return SQLITE_CANTOPEN;
	}
	if (crypt_cipher_new(&f->cipher, key) < 0)
		return SQLITE_CANTOPEN;
	if (f->kind == CRYPT_DB && (flags & SQLITE_OPEN_CREATE))
		crypt_precreate(name);
	rc = crypt_real->xOpen(crypt_real, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		if (f->real->pMethods != NULL)
			f->real->pMethods->xClose(f->real);
		gnutls_aead_cipher_deinit(f->cipher);
		return rc;
	}
	if (f->kind == CRYPT_DB)
		memcpy(f->key, key, VFS_CRYPT_KEY_LEN);
	f->base.pMethods = f->kind == CRYPT_DB ? &crypt_db_methods
					       : &crypt_wal_methods;
	return SQLITE_OK;
}

/* Deletes a file (SQLite deletes the WAL this way). */
static int crypt_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	return crypt_real->xDelete(crypt_real, name, sync_dir);
}

/* Passes an existence or permission check through. */
static int crypt_access(sqlite3_vfs *vfs, const char *name, int flags,
			int *out)
{
	return crypt_real->xAccess(crypt_real, name, flags, out);
}

/* Passes pathname resolution through. */
static int crypt_full_pathname(sqlite3_vfs *vfs, const char *name, int n,
			       char *out)
{
	return crypt_real->xFullPathname(crypt_real, name, n, out);
}

/* Passes extension loading through. */
static void *crypt_dl_open(sqlite3_vfs *vfs, const char *name)
{
	return crypt_real->xDlOpen(crypt_real, name);
}

/* Passes the extension loader's error through. */
static void crypt_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	crypt_real->xDlError(crypt_real, n, out);
}

/* Passes a symbol lookup through. */
static void (*crypt_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	return crypt_real->xDlSym(crypt_real, h, sym);
}

/* Passes an extension unload through. */
static void crypt_dl_close(sqlite3_vfs *vfs, void *h)
{
	crypt_real->xDlClose(crypt_real, h);
}

/* Passes the seed for SQLite's own PRNG through. */
static int crypt_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return crypt_real->xRandomness(crypt_real, n, out);
}

/* Passes a sleep through (the busy handler uses it). */
static int crypt_sleep(sqlite3_vfs *vfs, int usec)
{
	return crypt_real->xSleep(crypt_real, usec);
}

/* Passes the clock through. */
static int crypt_current_time(sqlite3_vfs *vfs, double *out)
{
	return crypt_real->xCurrentTime(crypt_real, out);
}

/* Passes the last OS error through. */
static int crypt_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return crypt_real->xGetLastError(crypt_real, n, out);
}

/* Passes the clock through, in milliseconds. */
static int crypt_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	return crypt_real->xCurrentTimeInt64(crypt_real, out);
}

static sqlite3_vfs crypt_vfs = {
	.iVersion = 2,
	.zName = VFS_CRYPT_NAME,
	.xOpen = crypt_open,
	.xDelete = crypt_delete,
	.xAccess = crypt_access,
	.xFullPathname = crypt_full_pathname,
	.xDlOpen = crypt_dl_open,
	.xDlError = crypt_dl_error,
	.xDlSym = crypt_dl_sym,
	.xDlClose = crypt_dl_close,
	.xRandomness = crypt_randomness,
	.xSleep = crypt_sleep,
	.xCurrentTime = crypt_current_time,
	.xGetLastError = crypt_last_error,
	.xCurrentTimeInt64 = crypt_current_time64,
};

/* Registers the VFS (not as the default) and reads the fault hook's setting. */
static void crypt_register(void)
{
	const char *env = getenv("ORDERDESK_FAULT_FULL_AFTER");
	char *end;
	long n;

	crypt_real = sqlite3_vfs_find(NULL);
	if (crypt_real == NULL || crypt_real->iVersion < 2)
		return;
	crypt_vfs.szOsFile = (int)CRYPT_FILE_SIZE + crypt_real->szOsFile;
	crypt_vfs.mxPathname = crypt_real->mxPathname;
	if (env != NULL && *env != '\0') {
		errno = 0;
		n = strtol(env, &end, 10);
		if (errno == 0 && *end == '\0' && n >= 0)
			vfs_crypt_fail_writes_after(n);
	}
	crypt_register_rc = sqlite3_vfs_register(&crypt_vfs, 0);
}

void vfs_crypt_fail_writes_after(long n)
{
	atomic_store(&crypt_fault_left, n < 0 ? -1 : n);
}

enum od_code vfs_crypt_error(int sqlite_rc, const char *what,
			     struct od_err *err)
{
	if (what == NULL)
		what = "using the store";
	switch (sqlite_rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return OD_OK;
	case SQLITE_FULL:
		return od_err_set(err, OD_E_NOSPACE, "%s failed: the disk is "
				  "full; free some space and try again", what);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return od_err_set(err, OD_E_BUSY, "%s failed: another "
				  "orderdesk process is using the store; try "
				  "again when it has finished", what);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		break;
	case SQLITE_NOMEM:
		return od_err_set(err, OD_E_NOMEM, "%s failed: out of memory",
				  what);
	case SQLITE_MISUSE:
		return od_err_set(err, OD_E_INTERNAL, "%s failed: %s (a bug "
				  "in orderdesk)", what,
				  sqlite3_errstr(sqlite_rc));
	case SQLITE_IOERR:
		if (sqlite_rc == SQLITE_IOERR_NOMEM)
			return od_err_set(err, OD_E_NOMEM, "%s failed: out of "
					  "memory", what);
		if (sqlite_rc == SQLITE_IOERR_DATA)
			break;
		/* fall through */
	default:
		return od_err_set(err, OD_E_IO, "%s failed: %s", what,
				  sqlite3_errstr(sqlite_rc));
	}
	return od_err_set(err, OD_E_TAMPERED, "%s failed: the store is damaged "
			  "or has been tampered with; restore it from a backup",
			  what);
}

/* Maps an error met while opening, where a failing page means a wrong key. */
static enum od_code crypt_open_error(int rc, struct od_err *err)
{
	if (vfs_crypt_error(rc, "opening the store", err) == OD_E_TAMPERED)
		return od_err_set(err, OD_E_TAMPERED, "cannot decrypt the "
				  "store: wrong key or the file is damaged");
	return err->code;
}

/* Runs sql and copies the first column of its first row (if any) to out. */
static int crypt_query(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	const unsigned char *text;
	int rc;

	out[0] = '\0';
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		text = sqlite3_column_text(st, 0);
		if (out[0] == '\0' && text != NULL) {
			strncpy(out, (const char *)text, len - 1);
			out[len - 1] = '\0';
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Puts the connection in the state the encryption needs.  Page size and
 * reserve go first, before anything is written.  A new database goes to WAL
 * with journal_mode=OFF on the way: the switch writes page 1, and in any
 * other mode that write would need a rollback journal, which the VFS
 * refuses.  An empty database has nothing to lose if that write is torn.
 */
static enum od_code crypt_prepare(sqlite3 *db, struct od_err *err)
{
	int reserve = VFS_CRYPT_RESERVE;
	char val[32];
	int rc;

	/*
	 * First of all: the pragmas below already read the schema, and
	 * without a busy timeout a reader that meets another process closing
	 * the store (its last connection checkpoints under an exclusive
	 * lock) would fail at once instead of waiting its turn.
	 */
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(db, "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0; "
			  "PRAGMA page_size=4096; " CACHE_PRAGMA, NULL, NULL,
			  NULL);
	if (rc != SQLITE_OK)
		return crypt_open_error(rc, err);
	sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
	/* Read now, so that a wrong key or a damaged file shows at open. */
	rc = crypt_query(db, "SELECT count(*) FROM sqlite_schema", val,
			 sizeof val);
	if (rc == SQLITE_OK)
		rc = crypt_query(db, "PRAGMA page_size", val, sizeof val);
	if (rc != SQLITE_OK)
		return crypt_open_error(rc, err);
	if (strcmp(val, "4096") != 0)
		return od_err_set(err, OD_E_TAMPERED, "the store has %s-byte "
				  "pages, not 4096; it was not made by "
				  "orderdesk or is damaged", val);
	rc = crypt_query(db, "PRAGMA journal_mode", val, sizeof val);
	if (rc == SQLITE_OK && strcmp(val, "wal") != 0) {
		rc = crypt_query(db, "PRAGMA page_count", val, sizeof val);
		if (rc == SQLITE_OK && strcmp(val, "0") == 0)
			rc = sqlite3_exec(db, "PRAGMA journal_mode=OFF", NULL,
					  NULL, NULL);
		if (rc == SQLITE_OK)
			rc = crypt_query(db, "PRAGMA journal_mode=WAL", val,
					 sizeof val);
	}
	if (rc != SQLITE_OK)
		return vfs_crypt_error(rc, "preparing the store", err);
	if (strcmp(val, "wal") != 0)
		return od_err_set(err, OD_E_IO, "preparing the store failed: "
				  "cannot switch it to WAL mode");
	return OD_OK;
}

enum od_code vfs_crypt_open(const char *path,
			    const uint8_t key[VFS_CRYPT_KEY_LEN], int create,
			    sqlite3 **db, struct od_err *err)
{
	sqlite3 *h = NULL;
	struct stat st;
	enum od_code rc;
	int src, flags;

	*db = NULL;
	pthread_once(&crypt_once, crypt_register);
	if (crypt_register_rc != SQLITE_OK)
		return od_err_set(err, OD_E_INTERNAL, "cannot set up the "
				  "store's encryption: %s",
				  sqlite3_errstr(crypt_register_rc));
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return od_err_set(err, OD_E_IO, "cannot open the store "
					  "%s: %s", path, strerror(errno));
		if (!create)
			return od_err_set(err, OD_E_NOTFOUND, "there is no "
					  "store at %s; check the path", path);
	}
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_PRIVATECACHE |
		SQLITE_OPEN_EXRESCODE | (create ? SQLITE_OPEN_CREATE : 0);
	crypt_pending_key = key;
	src = sqlite3_open_v2(path, &h, flags, VFS_CRYPT_NAME);
	crypt_pending_key = NULL;
	if (src != SQLITE_OK) {
		rc = crypt_open_error(src, err);
		goto out;
	}
	sqlite3_extended_result_codes(h, 1);
	rc = crypt_prepare(h, err);
out:
	if (rc != OD_OK) {
		sqlite3_close(h);
		return rc;
	}
	*db = h;
	return OD_OK;
}

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
		if (page_open(h, io, (uint32_t)pgno, DOMAIN_DB, plain) != 0 ||
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
		s[0] += get_u32(p + i, be) + s[1];
		s[1] += get_u32(p + i + 4, be) + s[0];
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
	magic = get_be32(hdr);
	be = (int)(magic & 1);
	wal_checksum(be, hdr, WAL_HDR - 8, s);
	/* SQLite ignores a WAL whose header does not check: so do we. */
	if ((magic & ~1u) != WAL_MAGIC || s[0] != get_be32(hdr + 24) ||
	    s[1] != get_be32(hdr + 28))
		goto out;
	if (get_be32(hdr + 4) != WAL_VERSION || get_be32(hdr + 8) != PAGE) {
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
			uint32_t pgno = get_be32(io);
			int ok = pgno != 0 && page_open(h, io + FRAME_HDR, pgno,
							DOMAIN_WAL, plain) == 0;

			if (ok) {
				wal_checksum(be, io, 8, s);
				wal_checksum(be, plain, PAGE, s);
				ok = s[0] == get_be32(io + 16) &&
				     s[1] == get_be32(io + 20);
			}
			if (ok) {
				(*n)++;
			} else {
				have_bad = 1;
				bad = k + 1;
				bad_pgno = pgno;
			}
		}
		if (have_bad && get_be32(io + 4) != 0) {
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
	if (crypt_cipher_new(&h, key) < 0)
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
