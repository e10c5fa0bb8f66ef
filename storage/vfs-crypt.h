/*
 * vfs-crypt.h - an SQLite VFS shim that seals every page with AES-256-GCM.
 *
 * Every page of the main database file and every page image in its WAL is
 * encrypted with the store's 32-byte data key.  The 12-byte nonce (random for
 * every write) and the 16-byte tag live in SQLite's per-page reserved bytes;
 * the page number is the associated data, so a page moved to another place
 * fails its check.  WAL file and frame headers stay plaintext (they hold page
 * numbers, salts and checksums, never content).  Any other file SQLite tries
 * to open through this VFS (rollback journals, temp files, super-journals,
 * attached databases) is refused, so nothing can reach the disk unencrypted.
 *
 * Layout of every 4096-byte page on disk (database file and WAL page image):
 *
 *     [0, 4068)     ciphertext of SQLite's usable bytes
 *     [4068, 4084)  GCM tag
 *     [4084, 4096)  nonce
 *
 * Associated data: the page number (4 bytes, big-endian) and one byte naming
 * the file kind ('D' database file, 'W' WAL), so a WAL page image cannot be
 * spliced into the database file.  SQLite always sees zeros in the reserved
 * bytes.
 *
 * A page whose tag does not check is reported as SQLITE_IOERR_DATA, which the
 * store turns into "the store is damaged or has been tampered with".  The one
 * exception is WAL recovery: a frame that fails there is handed back as zeros,
 * which SQLite takes for a torn write and drops with every frame after it
 * (DESIGN.md section 7); vfs_crypt_verify_file reports it.
 */
#ifndef OD_VFS_CRYPT_H
#define OD_VFS_CRYPT_H

#include <sqlite3.h>
#include <stdint.h>

#include "lib/err.h"

#define VFS_CRYPT_NAME      "odcrypt"
#define VFS_CRYPT_PAGE_SIZE 4096
#define VFS_CRYPT_NONCE_LEN 12
#define VFS_CRYPT_TAG_LEN   16
#define VFS_CRYPT_RESERVE   (VFS_CRYPT_NONCE_LEN + VFS_CRYPT_TAG_LEN)
#define VFS_CRYPT_KEY_LEN   32

/*
 * Opens (and with create, creates) the database at path through the
 * encrypting VFS, keyed with key (copied; the copy is wiped when the
 * connection closes).  Before returning it sets what the encryption needs:
 * page size, reserved bytes, temp_store=MEMORY, mmap off, WAL journal mode
 * from the start, a 5 s busy timeout, and a 16 MiB page cache (each cache
 * miss costs a decryption; the caller may change it).  Opening an existing file with the
 * wrong key fails with OD_E_TAMPERED.  A file that does not exist fails with
 * OD_E_NOTFOUND unless create is set.  New files are created mode 0600.
 * On success *db is the caller's, to close with sqlite3_close.
 */
enum od_code vfs_crypt_open(const char *path, const uint8_t key[VFS_CRYPT_KEY_LEN],
			    int create, sqlite3 **db, struct od_err *err);

/*
 * Reads every page of the database file at path and every frame of its WAL
 * (if any) and checks each tag with key, without going through SQLite.
 * On success *pages is the number of pages checked.  The first page that
 * fails gives OD_E_TAMPERED naming the file and page number.
 *
 * The WAL is checked the way SQLite's recovery reads it: the frames that
 * carry the WAL header's salts, in order.  A frame that fails its tag or
 * its checksum is reported when a commit follows it (or it is a commit), as
 * SQLite would silently drop committed data there; failing frames with no
 * commit after them are the tail of a transaction that never committed (a
 * crash mid-write) and are skipped.  A commit torn by a power cut is
 * indistinguishable from tampering and is reported; opening and closing the
 * store once clears it.  A WAL whose header is invalid is ignored, as SQLite
 * ignores it.
 */
enum od_code vfs_crypt_verify_file(const char *path,
				   const uint8_t key[VFS_CRYPT_KEY_LEN],
				   unsigned long *pages, struct od_err *err);

/*
 * Translates an SQLite result code into an od_code and sets err, for the
 * store module and this one.  what is a short phrase for the operation
 * ("reading the store"); the message reads "<what> failed: <reason>".
 * SQLITE_FULL gives OD_E_NOSPACE, SQLITE_BUSY and SQLITE_LOCKED OD_E_BUSY,
 * SQLITE_IOERR_DATA, SQLITE_NOTADB and SQLITE_CORRUPT OD_E_TAMPERED,
 * SQLITE_NOMEM OD_E_NOMEM, SQLITE_MISUSE OD_E_INTERNAL, every other error
 * OD_E_IO with SQLite's text for the code.  SQLITE_OK, SQLITE_ROW and
 * SQLITE_DONE give OD_OK and leave err alone.
 */
enum od_code vfs_crypt_error(int sqlite_rc, const char *what,
			     struct od_err *err);

/*
 * Test hook: after n more successful writes, every write through the VFS
 * fails with SQLITE_FULL, as on a full disk.  n < 0 turns the hook off.
 * Also set from the environment variable ORDERDESK_FAULT_FULL_AFTER when
 * the VFS is first registered (used by the end-to-end full-disk test).
 */
void vfs_crypt_fail_writes_after(long n);

#endif
