/*
 * backend-backup-internal.h - what backend-backup.c (writing) and
 * backend-backup-read.c (reading, checking, restoring) share.
 */
#ifndef OD_BACKEND_BACKUP_INTERNAL_H
#define OD_BACKEND_BACKUP_INTERNAL_H

#include <gnutls/crypto.h>
#include <stdint.h>

#include "app/orderdeskd/backend-backup.h"
#include "lib/buf.h"
#include "storage/store.h"

#define NONCE_LEN 12
#define TAG_LEN   16
#define MAC_LEN   32
#define FILE_MAX  (1024 * 1024)     /* one file of the directory */
#define DEPTH_MAX 3                 /* desks/NAME/desk.pem */

#define FILES_LABEL "orderdeskd-backup-files/1"
#define MAC_LABEL   "orderdeskd-backup-mac/1"

/* A key of the backup: HKDF-SHA256 of the data key with label. */
enum od_code bkb_derive(const uint8_t data_key[STORE_KEY_LEN], const char *label,
		    uint8_t out[32], struct od_err *err);

/* Appends v as n big-endian bytes. */
enum od_code bkb_put_be(struct buf *b, unsigned long long v, int n,
		    struct od_err *err);

/* Whether a file of the directory is left out of the backup's files. */
int bkb_left_out(const char *rel);

/* AES-256-GCM of in (encrypt or decrypt) appended to out. */
enum od_code bkb_seal(int encrypt, const uint8_t key[32],
		  const uint8_t nonce[NONCE_LEN], const struct buf *in,
		  struct buf *out, struct od_err *err);

/* Removes a store's copy and whatever SQLite and the store made beside. */
void bkb_remove_db(const char *db);

/* out = path and suffix; -1 (and out "") if it does not fit. */
int bkb_beside(char *out, size_t size, const char *path, const char *suffix);

/* Reads the backup at path back and checks all of it (rep). */
enum od_code bkb_check_backup(const char *path, const uint8_t key[STORE_KEY_LEN],
			  struct backend_backup_report *rep,
			  struct od_err *err);

#endif
