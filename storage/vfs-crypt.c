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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "storage/vfs-crypt-internal.h"

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

static sqlite3_vfs *crypt_real;
static pthread_once_t crypt_once = PTHREAD_ONCE_INIT;
static int crypt_register_rc = SQLITE_ERROR;
static _Thread_local const uint8_t *crypt_pending_key;

/* The VFS's xOpen: a main database takes the key vfs_crypt_open parked. */
static int crypt_open(sqlite3_vfs *vfs, sqlite3_filename name,
		      sqlite3_file *pf, int flags, int *out_flags)
{
	return vc_file_open(crypt_real, crypt_pending_key, name, pf, flags,
			    out_flags);
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
