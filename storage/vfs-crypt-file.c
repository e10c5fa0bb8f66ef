/*
 * vfs-crypt-file.c - one file open through the encrypting VFS: the main
 * database or its WAL, sealed page by page on the way out and opened on the
 * way in; locks, sync and the wal-index pass straight through.
 */
#include "storage/vfs-crypt-internal.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/secret.h"

/* The fault hook: writes left before SQLITE_FULL, -1 for never. */
static atomic_long crypt_fault_left = -1;

static const struct sqlite3_io_methods crypt_methods;

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

	if (rc == SQLITE_IOERR_SHORT_READ && !vc_all_zero(f->io, PAGE))
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
		if (rc == SQLITE_OK && vc_page_open(f->cipher, f->io, pgno,
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
	if (vc_page_open(f->cipher, f->io, pgno, DOMAIN_DB, buf) != 0)
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
	rc = vc_page_check(buf, pgno);
	if (rc != SQLITE_OK)
		return rc;
	if (vc_page_seal(f->cipher, buf, pgno, DOMAIN_DB, f->io) != 0)
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
	pgno = vc_get_be32(f->io);
	if (amt == PAGE) {
		if (vc_page_open(f->cipher, f->io + FRAME_HDR, pgno, DOMAIN_WAL,
			      out) != 0)
			return crypt_bad_page("WAL", frame, pgno);
		return SQLITE_OK;
	}
	if (vc_page_open(f->cipher, f->io + FRAME_HDR, pgno, DOMAIN_WAL,
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
					      vc_get_be32(hdr) == 0))
		return crypt_odd_io(SQLITE_IOERR_WRITE, "write a page without "
				    "a frame header:", PAGE, hdr_off);
	if (rc == SQLITE_OK)
		*pgno = vc_get_be32(hdr);
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
			f->hdr_pgno = vc_get_be32(buf);
		}
		return rc;
	}
	if (rel != FRAME_HDR || amt != PAGE)
		return crypt_odd_io(SQLITE_IOERR_WRITE, "write", amt, off);
	rc = crypt_wal_pgno(f, off - FRAME_HDR, &pgno);
	if (rc != SQLITE_OK)
		return rc;
	rc = vc_page_check(buf, pgno);
	if (rc != SQLITE_OK)
		return rc;
	if (vc_page_seal(f->cipher, buf, pgno, DOMAIN_WAL, f->io) != 0)
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
/* A read or a write, by the kind of file: pages of the database, frames
 * of the WAL. */
static int crypt_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off)
{
	return ((struct crypt_file *)pf)->kind == CRYPT_DB ?
		crypt_db_read(pf, buf, amt, off) :
		crypt_wal_read(pf, buf, amt, off);
}

static int crypt_write(sqlite3_file *pf, const void *buf, int amt,
		       sqlite3_int64 off)
{
	return ((struct crypt_file *)pf)->kind == CRYPT_DB ?
		crypt_db_write(pf, buf, amt, off) :
		crypt_wal_write(pf, buf, amt, off);
}

/* One table for both kinds of file (SQLite asks nothing else of it). */
static const struct sqlite3_io_methods crypt_methods = {
	.iVersion = 2,
	.xClose = crypt_close,
	.xRead = crypt_read,
	.xWrite = crypt_write,
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
	struct od_err ignore;

	file_write_new(path, "", 0, &ignore);
}

/*
 * Opens a file: the main database (keyed with db_key) or its
 * WAL (keyed from its database).  Anything else is refused, so that no
 * journal or temp file can carry plaintext to the disk.
 */
int vc_file_open(sqlite3_vfs *real, const uint8_t *db_key,
		 sqlite3_filename name, sqlite3_file *pf, int flags,
		 int *out_flags)
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
		key = db_key;
	} else if (name != NULL && (flags & SQLITE_OPEN_WAL)) {
		db = (struct crypt_file *)sqlite3_database_file_object(name);
		f->kind = CRYPT_WAL;
		f->db = db;
		/* Only a database this VFS opened holds a key. */
		key = db->base.pMethods == &crypt_methods &&
		      db->kind == CRYPT_DB ? db->key : NULL;
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
	if (vc_cipher_new(&f->cipher, key) < 0)
		return SQLITE_CANTOPEN;
	if (f->kind == CRYPT_DB && (flags & SQLITE_OPEN_CREATE))
		crypt_precreate(name);
	rc = real->xOpen(real, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		if (f->real->pMethods != NULL)
			f->real->pMethods->xClose(f->real);
		gnutls_aead_cipher_deinit(f->cipher);
		return rc;
	}
	if (f->kind == CRYPT_DB)
		memcpy(f->key, key, VFS_CRYPT_KEY_LEN);
	f->base.pMethods = &crypt_methods;
	return SQLITE_OK;
}

void vfs_crypt_fail_writes_after(long n)
{
	atomic_store(&crypt_fault_left, n < 0 ? -1 : n);
}
