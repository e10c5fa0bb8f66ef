/*
 * test-vfs-crypt.c - the encrypting VFS: no plaintext on disk (database,
 * WAL, wal-index), wrong keys, flipped and swapped pages, tampered WAL
 * frames, crash recovery, file modes, refused plaintext paths, the
 * disk-full hook, error mapping and concurrent opens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "storage/vfs-crypt.h"

#define PAGE      VFS_CRYPT_PAGE_SIZE
#define WAL_HDR   32
#define FRAME     (24 + PAGE)

/* Text that must never be found in any file of the store. */
#define MARK_ASCII "ODMARK-5e1f9a"
#define MARK_CJK   "東京都渋谷区神南一丁目"

#define SCHEMA "CREATE TABLE t(id INTEGER PRIMARY KEY, note TEXT NOT NULL);" \
	       "CREATE INDEX t_note ON t(note);"

struct fx {
	char dir[64];
	char db[96];
	char wal[100];
	char shm[100];
};

/* Fills a test key: 32 bytes derived from seed. */
static void key_fill(uint8_t key[VFS_CRYPT_KEY_LEN], uint8_t seed)
{
	int i;

	for (i = 0; i < VFS_CRYPT_KEY_LEN; i++)
		key[i] = (uint8_t)(seed * 31 + i * 7);
}

/* Makes a fresh directory for one test's store. */
static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test-vfs-crypt-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof f->db, "%s/store.db", f->dir);
	snprintf(f->wal, sizeof f->wal, "%s-wal", f->db);
	snprintf(f->shm, sizeof f->shm, "%s-shm", f->db);
	*state = f;
	return 0;
}

/* Removes the test's directory and everything in it. */
static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char path[512];
	struct dirent *e;
	DIR *d = opendir(f->dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Deletes the store's files, for a test that builds several in turn. */
static void fx_reset(struct fx *f)
{
	unlink(f->db);
	unlink(f->wal);
	unlink(f->shm);
}

/* The note stored in row i. */
static void row_text(int i, char *buf, size_t n)
{
	snprintf(buf, n, "%s 顧客 %06d %s", MARK_ASCII, i, MARK_CJK);
}

/* Opens the store, failing the test if that fails. */
static sqlite3 *open_ok(const char *path, const uint8_t *key, int create)
{
	struct od_err err;
	sqlite3 *db = NULL;
	enum od_code rc = vfs_crypt_open(path, key, create, &db, &err);

	if (rc != OD_OK)
		print_error("vfs_crypt_open: %s\n", err.msg);
	assert_int_equal(rc, OD_OK);
	assert_non_null(db);
	return db;
}

/* Runs sql, failing the test if it fails. */
static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		print_error("%s: %s\n", sql, msg ? msg : "?");
	sqlite3_free(msg);
	assert_int_equal(rc, SQLITE_OK);
}

/* Steps sql to the end; returns SQLITE_DONE or the error. */
static int step_all(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	return rc;
}

/* Returns the integer answer of sql, failing the test on an error. */
static long long query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Copies the text answer of sql into out, failing the test on an error. */
static void query_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Inserts rows from..from+n-1 in one transaction; SQLITE_OK or the error. */
static int insert_rows(sqlite3 *db, int from, int n)
{
	sqlite3_stmt *st;
	char note[128];
	int i, rc;

	rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(db, "INSERT INTO t(id, note) VALUES(?1, ?2)",
				-1, &st, NULL);
	for (i = from; rc == SQLITE_OK && i < from + n; i++) {
		row_text(i, note, sizeof note);
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_text(st, 2, note, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Checks that rows 0..n-1 read back exactly, in order. */
static void check_rows(sqlite3 *db, int n)
{
	sqlite3_stmt *st;
	char want[128];
	int i = 0;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, note FROM t "
					    "ORDER BY id", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		row_text(i, want, sizeof want);
		assert_int_equal(sqlite3_column_int(st, 0), i);
		assert_string_equal((const char *)sqlite3_column_text(st, 1),
				    want);
		i++;
	}
	sqlite3_finalize(st);
	assert_int_equal(i, n);
}

/* Creates a store at path with the schema and n rows, and closes it. */
static void build_store(const char *path, const uint8_t *key, int n)
{
	sqlite3 *db = open_ok(path, key, 1);

	exec_ok(db, SCHEMA);
	assert_int_equal(insert_rows(db, 0, n), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Size of the file at path, or -1 if there is none. */
static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Returns whether the file at path (if any) contains needle. */
static int file_has(const char *path, const char *needle)
{
	long long size = file_size(path);
	unsigned char *buf;
	int fd, found;

	if (size <= 0)
		return 0;
	buf = malloc((size_t)size);
	assert_non_null(buf);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, (size_t)size), size);
	close(fd);
	found = memmem(buf, (size_t)size, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* Returns whether either marker is in the database, WAL or wal-index. */
static int store_leaks(const char *db)
{
	const char *suffix[] = { "", "-wal", "-shm", "-journal" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(path, sizeof path, "%s%s", db, suffix[i]);
		if (file_has(path, MARK_ASCII) || file_has(path, MARK_CJK))
			return 1;
	}
	return 0;
}

/* Reads n bytes at off of path into buf. */
static void read_bytes(const char *path, void *buf, size_t n, off_t off)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

/* Writes n bytes at off of path. */
static void write_bytes(const char *path, const void *buf, size_t n, off_t off)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

/* Flips the low bit of the byte at off of path. */
static void flip_byte(const char *path, off_t off)
{
	unsigned char b;

	read_bytes(path, &b, 1, off);
	b ^= 1;
	write_bytes(path, &b, 1, off);
}

/* Verifies the store and returns the code, with the message in err. */
static enum od_code verify(const char *path, const uint8_t *key,
			   unsigned long *pages, struct od_err *err)
{
	od_err_clear(err);
	return vfs_crypt_verify_file(path, key, pages, err);
}

/* Nothing readable leaks into any file, before and after checkpoint. */
static void test_no_plaintext_on_disk(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	char plain[128];
	sqlite3 *a, *b;

	/* Control: the scan does find the rows in a plain SQLite store. */
	snprintf(plain, sizeof plain, "%s/plain.db", f->dir);
	assert_int_equal(sqlite3_open(plain, &a), SQLITE_OK);
	exec_ok(a, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
	exec_ok(a, SCHEMA);
	assert_int_equal(insert_rows(a, 0, 50), SQLITE_OK);
	assert_true(store_leaks(plain));
	sqlite3_close(a);

	key_fill(key, 1);
	a = open_ok(f->db, key, 1);
	exec_ok(a, "PRAGMA wal_autocheckpoint=0");
	exec_ok(a, SCHEMA);
	assert_int_equal(insert_rows(a, 0, 500), SQLITE_OK);
	/* Everything is still in the WAL, which really holds the rows. */
	assert_true(file_size(f->wal) > 10 * FRAME);
	assert_true(file_size(f->shm) > 0);
	assert_false(store_leaks(f->db));

	/* A second connection reads the rows out of the WAL. */
	b = open_ok(f->db, key, 0);
	assert_int_equal(query_int(b, "SELECT count(*) FROM t"), 500);
	check_rows(b, 500);
	assert_int_equal(sqlite3_close(b), SQLITE_OK);
	assert_false(store_leaks(f->db));

	/* Checkpointed into the database file. */
	assert_int_equal(sqlite3_wal_checkpoint_v2(a, "main",
						   SQLITE_CHECKPOINT_TRUNCATE,
						   NULL, NULL), SQLITE_OK);
	assert_false(store_leaks(f->db));
	assert_int_equal(sqlite3_close(a), SQLITE_OK);
	assert_int_equal(file_size(f->wal), -1);
	assert_true(file_size(f->db) > 10 * PAGE);
	assert_false(store_leaks(f->db));
}

/* Rows come back exactly after a reopen with the right key. */
static void test_reopen_reads_rows(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages;
	struct od_err err;
	char ok[16];
	sqlite3 *db;

	key_fill(key, 2);
	build_store(f->db, key, 300);
	db = open_ok(f->db, key, 0);
	check_rows(db, 300);
	query_text(db, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	query_text(db, "PRAGMA journal_mode", ok, sizeof ok);
	assert_string_equal(ok, "wal");
	assert_int_equal(query_int(db, "PRAGMA page_size"), PAGE);
	assert_int_equal(query_int(db, "PRAGMA temp_store"), 2);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);
	assert_int_equal(pages, file_size(f->db) / PAGE);
}

/* A wrong key, or a plain SQLite file, is refused at open. */
static void test_wrong_key(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN], other[VFS_CRYPT_KEY_LEN];
	unsigned long pages = 99;
	char plain[128];
	struct od_err err;
	sqlite3 *db = (sqlite3 *)&err;

	key_fill(key, 3);
	key_fill(other, 4);
	build_store(f->db, key, 20);
	assert_int_equal(vfs_crypt_open(f->db, other, 0, &db, &err),
			 OD_E_TAMPERED);
	assert_null(db);
	assert_non_null(strstr(err.msg, "wrong key"));
	assert_int_equal(verify(f->db, other, &pages, &err), OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "page 1 of"));
	assert_int_equal(pages, 0);

	/* The failed attempt changed nothing. */
	db = open_ok(f->db, key, 0);
	check_rows(db, 20);
	sqlite3_close(db);

	snprintf(plain, sizeof plain, "%s/plain.db", f->dir);
	assert_int_equal(sqlite3_open(plain, &db), SQLITE_OK);
	exec_ok(db, SCHEMA);
	sqlite3_close(db);
	assert_int_equal(vfs_crypt_open(plain, key, 0, &db, &err),
			 OD_E_TAMPERED);
	assert_null(db);
}

/* A missing store is OD_E_NOTFOUND unless create is set. */
static void test_missing_file(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages;
	struct od_err err;
	sqlite3 *db;

	key_fill(key, 5);
	assert_int_equal(vfs_crypt_open(f->db, key, 0, &db, &err),
			 OD_E_NOTFOUND);
	assert_null(db);
	assert_int_equal(file_size(f->db), -1);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_E_NOTFOUND);
}

/* One flipped byte anywhere in a page is caught, by reads and by verify. */
static void test_flipped_byte(void **state)
{
	static const struct {
		unsigned long page;
		int at;             /* byte within the page */
	} cases[] = {
		{ 3, 10 },          /* ciphertext */
		{ 3, 4070 },        /* tag */
		{ 3, 4090 },        /* nonce */
		{ 5, 2000 },
		{ 1, 200 },         /* page 1: refused at open */
	};
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages;
	struct od_err err;
	char want[32];
	sqlite3 *db;
	size_t i;
	int rc;

	key_fill(key, 6);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_reset(f);
		build_store(f->db, key, 2000);
		assert_true(file_size(f->db) >= 6 * PAGE);
		assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);
		flip_byte(f->db, (off_t)(cases[i].page - 1) * PAGE +
			  cases[i].at);

		assert_int_equal(verify(f->db, key, &pages, &err),
				 OD_E_TAMPERED);
		snprintf(want, sizeof want, "page %lu of", cases[i].page);
		assert_non_null(strstr(err.msg, want));

		if (cases[i].page == 1) {
			assert_int_equal(vfs_crypt_open(f->db, key, 0, &db,
							&err), OD_E_TAMPERED);
			continue;
		}
		db = open_ok(f->db, key, 0);
		rc = step_all(db, "PRAGMA integrity_check");
		assert_int_equal(rc, SQLITE_IOERR_DATA);
		assert_int_equal(vfs_crypt_error(rc, "checking the store",
						 &err), OD_E_TAMPERED);
		assert_non_null(strstr(err.msg, "checking the store failed"));
		sqlite3_close(db);
	}
}

/* Two pages swapped in place both still carry valid tags, for elsewhere. */
static void test_swapped_pages(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned char a[PAGE], b[PAGE];
	unsigned long pages;
	struct od_err err;
	sqlite3 *db;

	key_fill(key, 7);
	build_store(f->db, key, 2000);
	read_bytes(f->db, a, PAGE, 1 * PAGE);
	read_bytes(f->db, b, PAGE, 2 * PAGE);
	write_bytes(f->db, b, PAGE, 1 * PAGE);
	write_bytes(f->db, a, PAGE, 2 * PAGE);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "page 2 of"));
	db = open_ok(f->db, key, 0);
	assert_int_equal(step_all(db, "PRAGMA integrity_check"),
			 SQLITE_IOERR_DATA);
	sqlite3_close(db);
}

/*
 * In a child: creates the store, commits the schema, rows 0-49 and rows
 * 50-99 as three transactions, and exits without closing, leaving the WAL
 * behind as a crash would.
 */
static void crash_after_commits(const char *path, const uint8_t *key)
{
	struct od_err err;
	sqlite3 *db;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (vfs_crypt_open(path, key, 1, &db, &err) != OD_OK)
			_exit(2);
		if (sqlite3_exec(db, "PRAGMA wal_autocheckpoint=0;" SCHEMA,
				 NULL, NULL, NULL) != SQLITE_OK)
			_exit(3);
		if (insert_rows(db, 0, 50) != SQLITE_OK ||
		    insert_rows(db, 50, 50) != SQLITE_OK)
			_exit(4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Committed rows survive a process that never closed the store. */
static void test_crash_recovery(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages, frames;
	struct od_err err;
	sqlite3 *db;

	key_fill(key, 8);
	crash_after_commits(f->db, key);
	assert_true(file_size(f->wal) > WAL_HDR + 3 * FRAME);
	assert_false(store_leaks(f->db));
	frames = (unsigned long)((file_size(f->wal) - WAL_HDR) / FRAME);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);
	assert_int_equal(pages, file_size(f->db) / PAGE + frames);

	db = open_ok(f->db, key, 0);
	check_rows(db, 100);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(file_size(f->wal), -1);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);
}

/*
 * A transaction larger than the page cache spills pages into the WAL and
 * then rewrites them in place, so SQLite reads whole frames back to redo
 * the checksums.  Recovery after a crash must then accept every frame.
 */
static void test_spill_and_rewrite(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages;
	struct od_err err;
	sqlite3 *db;
	char ok[16];
	int status;
	pid_t pid;

	key_fill(key, 18);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (vfs_crypt_open(f->db, key, 1, &db, &err) != OD_OK)
			_exit(2);
		if (sqlite3_exec(db, "PRAGMA wal_autocheckpoint=0;"
				 "PRAGMA cache_size=5;" SCHEMA
				 "CREATE TABLE u(x INTEGER);", NULL, NULL,
				 NULL) != SQLITE_OK)
			_exit(3);
		if (sqlite3_exec(db, "BEGIN;"
				 "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
				 "SELECT i+1 FROM c WHERE i<5000) "
				 "INSERT INTO u SELECT i FROM c;"
				 "UPDATE u SET x = x + 1;"
				 "UPDATE u SET x = x + 1;"
				 "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
			_exit(4);
		if (insert_rows(db, 0, 300) != SQLITE_OK)
			_exit(5);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(store_leaks(f->db));
	assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);

	db = open_ok(f->db, key, 0);
	assert_int_equal(query_int(db, "SELECT sum(x) FROM u"),
			 5000LL * 5001 / 2 + 2 * 5000);
	check_rows(db, 300);
	query_text(db, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/*
 * A flipped byte in a committed WAL frame is reported by verify.  In the
 * last frame, recovery also drops that transaction (DESIGN.md section 7)
 * and keeps the earlier ones.
 */
static void test_wal_frame_tampered(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages, last;
	struct od_err err;
	char want[32];
	sqlite3 *db;

	key_fill(key, 9);

	/* Frame 1 belongs to the first transaction; two commits follow. */
	crash_after_commits(f->db, key);
	flip_byte(f->wal, WAL_HDR + 24 + 100);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "frame 1 (page"));

	/* The last frame is the commit of rows 50-99. */
	fx_reset(f);
	crash_after_commits(f->db, key);
	last = (unsigned long)((file_size(f->wal) - WAL_HDR) / FRAME);
	flip_byte(f->wal, WAL_HDR + (off_t)(last - 1) * FRAME + 24 + 3000);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_E_TAMPERED);
	snprintf(want, sizeof want, "frame %lu (page", last);
	assert_non_null(strstr(err.msg, want));
	db = open_ok(f->db, key, 0);
	check_rows(db, 50);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);

	/* A frame header's page number changed: the page no longer fits. */
	fx_reset(f);
	crash_after_commits(f->db, key);
	flip_byte(f->wal, WAL_HDR + FRAME + 3);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "frame 2 (page"));

	/* A frame's checksum changed: SQLite would stop reading there. */
	fx_reset(f);
	crash_after_commits(f->db, key);
	flip_byte(f->wal, WAL_HDR + 2 * FRAME + 17);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "frame 3 (page"));
}

/* Database, WAL and wal-index are 0600 even under umask 022. */
static void test_file_modes(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	struct stat st;
	mode_t old = umask(022);
	sqlite3 *db;

	key_fill(key, 10);
	db = open_ok(f->db, key, 1);
	exec_ok(db, SCHEMA);
	assert_int_equal(insert_rows(db, 0, 10), SQLITE_OK);
	umask(old);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(f->wal, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(f->shm, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	sqlite3_close(db);
}

/* Every other file type is refused by the VFS itself. */
static void test_refused_file_types(void **state)
{
	static const struct {
		int flags;
		const char *suffix;  /* NULL: SQLite passes no name */
	} cases[] = {
		{ SQLITE_OPEN_MAIN_JOURNAL, "/store.db-journal" },
		{ SQLITE_OPEN_TEMP_DB, NULL },
		{ SQLITE_OPEN_TEMP_DB, "/temp.db" },
		{ SQLITE_OPEN_TEMP_JOURNAL, NULL },
		{ SQLITE_OPEN_SUBJOURNAL, NULL },
		{ SQLITE_OPEN_SUPER_JOURNAL, "/store.db-mj1234" },
		{ SQLITE_OPEN_TRANSIENT_DB, NULL },
		{ SQLITE_OPEN_MAIN_DB, "/other.db" },   /* no key */
		{ SQLITE_OPEN_MAIN_DB, NULL },
	};
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	char name[160];
	sqlite3_file *file;
	sqlite3_vfs *vfs;
	sqlite3 *db;
	size_t i;
	int out;

	key_fill(key, 11);
	build_store(f->db, key, 1);
	vfs = sqlite3_vfs_find(VFS_CRYPT_NAME);
	assert_non_null(vfs);
	assert_ptr_not_equal(vfs, sqlite3_vfs_find(NULL));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		file = calloc(1, (size_t)vfs->szOsFile);
		assert_non_null(file);
		if (cases[i].suffix != NULL)
			snprintf(name, sizeof name, "%s%s", f->dir,
				 cases[i].suffix);
		assert_int_equal(vfs->xOpen(vfs, cases[i].suffix ? name : NULL,
					    file, cases[i].flags |
					    SQLITE_OPEN_READWRITE |
					    SQLITE_OPEN_CREATE, &out),
				 SQLITE_CANTOPEN);
		assert_null(file->pMethods);
		if (cases[i].suffix != NULL)
			assert_int_equal(file_size(name), -1);
		free(file);
	}

	/* The control: the main database with its key opens fine. */
	db = open_ok(f->db, key, 0);
	sqlite3_close(db);
}

/* SQL that would put plaintext on disk fails instead. */
static void test_refused_plaintext_paths(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	char path[128], mode[16];
	sqlite3 *db;

	key_fill(key, 12);
	build_store(f->db, key, 100);
	db = open_ok(f->db, key, 0);

	/* Leaving WAL needs a rollback journal: refused, still WAL. */
	assert_int_equal(step_all(db, "PRAGMA journal_mode=DELETE"),
			 SQLITE_CANTOPEN);
	query_text(db, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "wal");
	snprintf(path, sizeof path, "%s-journal", f->db);
	assert_int_equal(file_size(path), -1);
	assert_int_equal(insert_rows(db, 100, 50), SQLITE_OK);

	/* A temp database on disk: refused once it would spill. */
	exec_ok(db, "PRAGMA temp_store=FILE; CREATE TEMP TABLE tt(x);"
		    "PRAGMA temp.cache_size=5;");
	assert_int_equal(step_all(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION "
				  "ALL SELECT i+1 FROM c WHERE i<20000) INSERT "
				  "INTO tt SELECT '" MARK_ASCII "' || i "
				  "FROM c"),
			 SQLITE_CANTOPEN);
	exec_ok(db, "DROP TABLE tt; PRAGMA temp_store=MEMORY");

	/* A copy or an attachment would be a file without our key. */
	snprintf(path, sizeof path, "%s/copy.db", f->dir);
	{
		char sql[200];

		snprintf(sql, sizeof sql, "VACUUM INTO '%s'", path);
		assert_int_equal(step_all(db, sql), SQLITE_CANTOPEN);
		assert_int_equal(file_size(path), -1);
		snprintf(sql, sizeof sql, "ATTACH '%s' AS x", path);
		assert_int_equal(step_all(db, sql), SQLITE_CANTOPEN);
		assert_int_equal(file_size(path), -1);
	}
	assert_false(store_leaks(f->db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	db = open_ok(f->db, key, 0);
	check_rows(db, 150);
	sqlite3_close(db);
	assert_false(store_leaks(f->db));
}

/* Pages without room for nonce and tag, or odd writes, never reach disk. */
static void test_bad_pages_refused(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned char page1[PAGE], bad[PAGE], before[2 * PAGE], after[2 * PAGE];
	unsigned char hdr[24] = { 0, 0, 0, 1 };
	sqlite3_file *file = NULL, *wal = NULL;
	unsigned long pages;
	sqlite3_int64 wal_size;
	struct od_err err;
	sqlite3 *db;

	key_fill(key, 13);
	build_store(f->db, key, 100);
	db = open_ok(f->db, key, 0);
	assert_int_equal(sqlite3_file_control(db, "main",
					      SQLITE_FCNTL_FILE_POINTER, &file),
			 SQLITE_OK);
	assert_non_null(file);
	assert_int_equal(file->pMethods->xRead(file, page1, PAGE, 0),
			 SQLITE_OK);
	assert_memory_equal(page1, "SQLite format 3", 16);
	assert_int_equal(page1[20], VFS_CRYPT_RESERVE);
	read_bytes(f->db, before, sizeof before, 0);

	memcpy(bad, page1, PAGE);
	bad[20] = 0;                                 /* no reserve */
	assert_int_equal(file->pMethods->xWrite(file, bad, PAGE, 0),
			 SQLITE_MISUSE);
	memcpy(bad, page1, PAGE);
	bad[16] = 0x20;                              /* 8192-byte pages */
	assert_int_equal(file->pMethods->xWrite(file, bad, PAGE, 0),
			 SQLITE_MISUSE);
	assert_int_equal(file->pMethods->xRead(file, bad, PAGE, PAGE),
			 SQLITE_OK);
	bad[PAGE - 1] = 0x55;                        /* data in the reserve */
	assert_int_equal(file->pMethods->xWrite(file, bad, PAGE, PAGE),
			 SQLITE_MISUSE);
	assert_int_equal(file->pMethods->xWrite(file, page1, 100, 0),
			 SQLITE_IOERR_WRITE);
	assert_int_equal(file->pMethods->xWrite(file, page1, PAGE, 10),
			 SQLITE_IOERR_WRITE);
	read_bytes(f->db, after, sizeof after, 0);
	assert_memory_equal(before, after, sizeof before);

	/* The same refusals on the WAL, past its last frame. */
	assert_int_equal(insert_rows(db, 100, 1), SQLITE_OK);
	assert_int_equal(sqlite3_file_control(db, "main",
					      SQLITE_FCNTL_JOURNAL_POINTER,
					      &wal), SQLITE_OK);
	assert_non_null(wal);
	assert_non_null(wal->pMethods);
	assert_int_equal(wal->pMethods->xFileSize(wal, &wal_size), SQLITE_OK);
	assert_true(wal_size > WAL_HDR);
	memcpy(bad, page1, PAGE);
	bad[20] = 0;
	assert_int_equal(wal->pMethods->xWrite(wal, hdr, 24, wal_size),
			 SQLITE_OK);
	assert_int_equal(wal->pMethods->xWrite(wal, bad, PAGE, wal_size + 24),
			 SQLITE_MISUSE);
	/* A page whose frame header was never written. */
	assert_int_equal(wal->pMethods->xWrite(wal, page1, PAGE,
					       wal_size + FRAME + 24),
			 SQLITE_IOERR_WRITE);
	assert_int_equal(wal->pMethods->xTruncate(wal, wal_size), SQLITE_OK);

	/* The control: a good page 1 is written, sealed afresh. */
	assert_int_equal(file->pMethods->xWrite(file, page1, PAGE, 0),
			 SQLITE_OK);
	read_bytes(f->db, after, PAGE, 0);
	assert_memory_not_equal(before, after, PAGE);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);
	db = open_ok(f->db, key, 0);
	check_rows(db, 101);
	sqlite3_close(db);
}

/*
 * The backup API copies a store into a new file under another key, as a
 * data-key rotation does; the copy opens only with the new key.
 */
static void test_backup_rekey(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN], key2[VFS_CRYPT_KEY_LEN];
	unsigned long pages;
	struct od_err err;
	sqlite3_backup *b;
	sqlite3 *src, *dst;
	char copy[128];

	key_fill(key, 19);
	key_fill(key2, 20);
	build_store(f->db, key, 3000);
	snprintf(copy, sizeof copy, "%s/copy.db", f->dir);
	src = open_ok(f->db, key, 0);
	dst = open_ok(copy, key2, 1);
	b = sqlite3_backup_init(dst, "main", src, "main");
	assert_non_null(b);
	assert_int_equal(sqlite3_backup_step(b, -1), SQLITE_DONE);
	assert_int_equal(sqlite3_backup_finish(b), SQLITE_OK);
	assert_int_equal(sqlite3_close(src), SQLITE_OK);
	assert_int_equal(sqlite3_close(dst), SQLITE_OK);

	assert_false(store_leaks(copy));
	assert_int_equal(verify(copy, key2, &pages, &err), OD_OK);
	assert_int_equal(pages, file_size(copy) / PAGE);
	assert_int_equal(vfs_crypt_open(copy, key, 0, &dst, &err),
			 OD_E_TAMPERED);
	dst = open_ok(copy, key2, 0);
	check_rows(dst, 3000);
	assert_int_equal(insert_rows(dst, 3000, 10), SQLITE_OK);
	sqlite3_close(dst);
}

/* A larger store with an index passes integrity_check, and after VACUUM. */
static void test_large_store(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages;
	struct od_err err;
	char ok[16];
	sqlite3 *db;

	key_fill(key, 14);
	db = open_ok(f->db, key, 1);
	exec_ok(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, "
		    "note TEXT NOT NULL)");
	assert_int_equal(insert_rows(db, 0, 20000), SQLITE_OK);
	/* Built after the rows: the sort runs in memory (temp_store). */
	exec_ok(db, "CREATE INDEX t_note ON t(note)");
	exec_ok(db, "DELETE FROM t WHERE id % 3 = 0");
	query_text(db, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	exec_ok(db, "VACUUM");
	query_text(db, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 13333);
	assert_int_equal(query_int(db, "SELECT count(*) FROM t INDEXED BY "
				   "t_note WHERE note > ''"), 13333);
	assert_false(store_leaks(f->db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_false(store_leaks(f->db));
	assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);
	assert_true(pages > 200);
	assert_int_equal(pages, file_size(f->db) / PAGE);
}

/* The fault hook fails writes as a full disk; the store survives intact. */
static void test_disk_full_hook(void **state)
{
	static const long after[] = { 0, 1, 2, 5, 40 };
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	unsigned long pages;
	struct od_err err;
	char ok[16];
	sqlite3 *db;
	size_t i;
	int rc;

	key_fill(key, 15);
	for (i = 0; i < sizeof after / sizeof after[0]; i++) {
		fx_reset(f);
		build_store(f->db, key, 100);
		db = open_ok(f->db, key, 0);
		vfs_crypt_fail_writes_after(after[i]);
		rc = insert_rows(db, 100, 2000);
		assert_int_equal(rc & 0xff, SQLITE_FULL);
		assert_int_equal(vfs_crypt_error(rc, "saving the orders", &err),
				 OD_E_NOSPACE);
		assert_non_null(strstr(err.msg, "disk is full"));
		/* Closing on a full disk too: its checkpoint fails. */
		sqlite3_close(db);
		vfs_crypt_fail_writes_after(-1);

		db = open_ok(f->db, key, 0);
		check_rows(db, 100);
		query_text(db, "PRAGMA integrity_check", ok, sizeof ok);
		assert_string_equal(ok, "ok");
		/* And it takes writes again. */
		assert_int_equal(insert_rows(db, 100, 10), SQLITE_OK);
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
		assert_int_equal(verify(f->db, key, &pages, &err), OD_OK);
	}

	/* The control: a hook with room to spare lets the insert through. */
	db = open_ok(f->db, key, 0);
	vfs_crypt_fail_writes_after(100000);
	assert_int_equal(insert_rows(db, 110, 2000), SQLITE_OK);
	vfs_crypt_fail_writes_after(-1);
	sqlite3_close(db);
}

/*
 * Run as a child with ORDERDESK_FAULT_FULL_AFTER set: inserts rows one
 * transaction at a time.  Exits 0 if a write failed as a full disk, 2 if
 * every insert went through, 1 on anything else.
 */
static int env_fault_child(const char *path)
{
	uint8_t key[VFS_CRYPT_KEY_LEN];
	struct od_err err;
	sqlite3_stmt *st;
	sqlite3 *db;
	int i, next, rc = SQLITE_OK;

	key_fill(key, 16);
	if (vfs_crypt_open(path, key, 0, &db, &err) != OD_OK)
		return 1;
	/* Earlier children may have added rows: carry on after them. */
	if (sqlite3_prepare_v2(db, "SELECT max(id) + 1 FROM t", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		return 1;
	next = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	for (i = 0; i < 20 && rc == SQLITE_OK; i++)
		rc = insert_rows(db, next + i, 1);
	sqlite3_close(db);
	if (rc == SQLITE_OK)
		return 2;
	return vfs_crypt_error(rc, "saving", &err) == OD_E_NOSPACE ? 0 : 1;
}

/* ORDERDESK_FAULT_FULL_AFTER arms the hook when the VFS registers. */
static void test_env_fault_hook(void **state)
{
	static const struct {
		const char *value;
		int status;
	} cases[] = {
		{ "0", 0 },
		{ "7", 0 },
		{ "abc", 2 },
		{ "-5", 2 },
		{ "", 2 },
	};
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	size_t i;
	int status;
	pid_t pid;

	key_fill(key, 16);
	build_store(f->db, key, 10);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			setenv("ORDERDESK_FAULT_FULL_AFTER", cases[i].value, 1);
			execl("/proc/self/exe", "test-vfs-crypt",
			      "--env-fault-child", f->db, (char *)NULL);
			_exit(127);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), cases[i].status);
	}
}

/* SQLite codes map to the shared error codes with a usable message. */
static void test_error_mapping(void **state)
{
	static const struct {
		int rc;
		enum od_code code;
	} cases[] = {
		{ SQLITE_FULL, OD_E_NOSPACE },
		{ SQLITE_BUSY, OD_E_BUSY },
		{ SQLITE_BUSY_SNAPSHOT, OD_E_BUSY },
		{ SQLITE_LOCKED, OD_E_BUSY },
		{ SQLITE_IOERR_DATA, OD_E_TAMPERED },
		{ SQLITE_NOTADB, OD_E_TAMPERED },
		{ SQLITE_CORRUPT, OD_E_TAMPERED },
		{ SQLITE_CORRUPT_INDEX, OD_E_TAMPERED },
		{ SQLITE_NOMEM, OD_E_NOMEM },
		{ SQLITE_IOERR_NOMEM, OD_E_NOMEM },
		{ SQLITE_MISUSE, OD_E_INTERNAL },
		{ SQLITE_IOERR_WRITE, OD_E_IO },
		{ SQLITE_IOERR, OD_E_IO },
		{ SQLITE_CANTOPEN, OD_E_IO },
		{ SQLITE_READONLY, OD_E_IO },
	};
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		od_err_clear(&err);
		assert_int_equal(vfs_crypt_error(cases[i].rc,
						 "reading the store", &err),
				 cases[i].code);
		assert_int_equal(err.code, cases[i].code);
		assert_non_null(strstr(err.msg, "reading the store failed: "));
	}
	assert_non_null(strstr(err.msg, sqlite3_errstr(SQLITE_READONLY)));
	vfs_crypt_error(SQLITE_FULL, "saving", &err);
	assert_string_equal(err.msg, "saving failed: the disk is full; free "
			    "some space and try again");

	od_err_clear(&err);
	assert_int_equal(vfs_crypt_error(SQLITE_OK, "x", &err), OD_OK);
	assert_int_equal(vfs_crypt_error(SQLITE_DONE, "x", &err), OD_OK);
	assert_int_equal(vfs_crypt_error(SQLITE_ROW, "x", &err), OD_OK);
	assert_int_equal(err.code, OD_OK);
}

/*
 * Forks a process that opens the store at path, runs sql (which takes a
 * lock), holds it 300 ms, commits and exits 0; returns once the lock is
 * held.  reap_ok waits for it and checks it went as planned.
 */
static pid_t hold_in_child(const char *path, const uint8_t *key,
			   const char *sql)
{
	struct od_err err;
	sqlite3 *db;
	int fds[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec hold = { 0, 300000000 };

		close(fds[0]);
		if (vfs_crypt_open(path, key, 0, &db, &err) != OD_OK ||
		    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&hold, NULL);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		sqlite3_close(db);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	return pid;
}

static void reap_ok(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * Opening waits too: a process that holds the database file's exclusive
 * lock (as the last connection does while it checkpoints on close) makes
 * an opener wait its turn, not fail at its first pragma.
 */
static void test_open_waits(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	struct timespec t0, t1;
	sqlite3 *db;
	double waited;
	pid_t pid;

	key_fill(key, 18);
	build_store(f->db, key, 10);
	pid = hold_in_child(f->db, key, "PRAGMA locking_mode=EXCLUSIVE;"
			    "BEGIN EXCLUSIVE");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	db = open_ok(f->db, key, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (double)(t1.tv_sec - t0.tv_sec) +
		 (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(waited > 0.1);
	check_rows(db, 10);
	sqlite3_close(db);
	reap_ok(pid);
}

/*
 * A second process waits for a writer instead of failing (the busy
 * timeout), and with no timeout at all gets OD_E_BUSY.
 */
static void test_busy_waits(void **state)
{
	struct fx *f = *state;
	uint8_t key[VFS_CRYPT_KEY_LEN];
	struct timespec t0, t1;
	struct od_err err;
	sqlite3 *db;
	double waited;
	int round, rc;
	pid_t pid;

	key_fill(key, 17);
	build_store(f->db, key, 10);
	for (round = 0; round < 2; round++) {
		pid = hold_in_child(f->db, key, "BEGIN IMMEDIATE");
		db = open_ok(f->db, key, 0);
		if (round == 1)
			sqlite3_busy_timeout(db, 0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = insert_rows(db, 10 + round, 1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		waited = (double)(t1.tv_sec - t0.tv_sec) +
			 (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (round == 0) {
			assert_int_equal(rc, SQLITE_OK);
			assert_true(waited > 0.1);
		} else {
			assert_int_equal(rc & 0xff, SQLITE_BUSY);
			assert_int_equal(vfs_crypt_error(rc, "saving", &err),
					 OD_E_BUSY);
		}
		sqlite3_close(db);
		reap_ok(pid);
	}
	db = open_ok(f->db, key, 0);
	check_rows(db, 11);
	sqlite3_close(db);
}

struct thread_job {
	char path[128];
	uint8_t key[VFS_CRYPT_KEY_LEN];
	int ok;
};

/* Creates and fills one store from a thread. */
static void *thread_main(void *arg)
{
	struct thread_job *job = arg;
	struct od_err err;
	sqlite3 *db;
	int i;

	for (i = 0; i < 5; i++) {
		if (vfs_crypt_open(job->path, job->key, 1, &db, &err) != OD_OK)
			return NULL;
		if (i == 0 && sqlite3_exec(db, SCHEMA, NULL, NULL, NULL) !=
		    SQLITE_OK)
			return NULL;
		if (insert_rows(db, i * 20, 20) != SQLITE_OK)
			return NULL;
		sqlite3_close(db);
	}
	job->ok = 1;
	return NULL;
}

/* Stores opened at once from several threads each get their own key. */
static void test_threads(void **state)
{
	struct fx *f = *state;
	struct thread_job jobs[4];
	pthread_t th[4];
	unsigned long pages;
	struct od_err err;
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(jobs[i].path, sizeof jobs[i].path, "%s/t%d.db",
			 f->dir, i);
		key_fill(jobs[i].key, (uint8_t)(40 + i));
		jobs[i].ok = 0;
		assert_int_equal(pthread_create(&th[i], NULL, thread_main,
						&jobs[i]), 0);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_true(jobs[i].ok);
		assert_int_equal(verify(jobs[i].path, jobs[i].key, &pages,
					&err), OD_OK);
		assert_int_equal(verify(jobs[i].path, jobs[(i + 1) % 4].key,
					&pages, &err), OD_E_TAMPERED);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_plaintext_on_disk,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reopen_reads_rows,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_file,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_swapped_pages,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_crash_recovery,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_spill_and_rewrite,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_wal_frame_tampered,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_modes,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused_file_types,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused_plaintext_paths,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_pages_refused,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_backup_rekey,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_large_store,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_hook,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_env_fault_hook,
						fx_setup, fx_teardown),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test_setup_teardown(test_busy_waits,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_waits,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_threads,
						fx_setup, fx_teardown),
	};

	if (argc == 3 && strcmp(argv[1], "--env-fault-child") == 0)
		return env_fault_child(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
