/*
 * vfs-crypt-internal.h - what the files of the encrypting VFS share: the
 * page layout, the WAL's format, and one open file.  Not for other modules
 * (they use storage/vfs-crypt.h).
 *
 *   vfs-crypt.c          the VFS: registration, vfs_crypt_open, errors
 *   vfs-crypt-file.c     one open database or WAL: its I/O methods
 *   vfs-crypt-page.c     sealing and opening one page
 *   vfs-crypt-verify.c   checking every page of a store offline
 */
#ifndef OD_VFS_CRYPT_INTERNAL_H
#define OD_VFS_CRYPT_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "storage/vfs-crypt.h"

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

/* vfs-crypt-page.c */
uint32_t vc_get_be32(const unsigned char *p);
uint32_t vc_get_u32(const unsigned char *p, int be);
int vc_all_zero(const unsigned char *p, size_t n);
int vc_cipher_new(gnutls_aead_cipher_hd_t *h, const uint8_t *key);
int vc_page_seal(gnutls_aead_cipher_hd_t h, const unsigned char *plain,
		 uint32_t pgno, unsigned char domain, unsigned char *out);
int vc_page_open(gnutls_aead_cipher_hd_t h, const unsigned char *in,
		 uint32_t pgno, unsigned char domain, unsigned char *out);
int vc_page_check(const unsigned char *p, uint32_t pgno);

/*
 * vfs-crypt-file.c: the VFS's xOpen, on top of the real VFS.  A main
 * database is keyed with db_key (NULL: refused); a WAL takes its
 * database's key.
 */
int vc_file_open(sqlite3_vfs *real, const uint8_t *db_key,
		 sqlite3_filename name, sqlite3_file *pf, int flags,
		 int *out_flags);

#endif
