/*
 * backend-internal.h - what the files of the backend share and no one else
 * sees: struct backend and the helpers the routes and commands have in
 * common.
 */
#ifndef OD_BACKEND_INTERNAL_H
#define OD_BACKEND_INTERNAL_H

#include <jansson.h>
#include <sys/types.h>
#include <time.h>

#include "app/log/join-code.h"
#include "app/orderdeskd/backend.h"

#define KEY_MAGIC      "orderdeskd-key/1"
#define SF_KEY_MAGIC   "orderdeskd-storefront-key/1"
#define CONF_MAX_BYTES 8192
#define PEM_MAX_BYTES  (64 * 1024)

struct backend {
	struct store *store;
	struct sigkey *head_key;
	uint8_t head_pub[SIGKEY_PUB_LEN];
	char shop[160];
	char dir[4096];
	int lock_fd;
	unsigned max_batch;
	unsigned max_page;
	/* The revoked serials as last read (sorted), and which file that
	 * was: reread when the inode, size or time changes. */
	char **revoked;
	size_t nrevoked;
	int rv_state;            /* 0 not read, 1 read or absent, -1 bad */
	ino_t rv_ino;
	off_t rv_size;
	struct timespec rv_mtime;
};

/* backend-read.c: reads dir/name whole into *out (NUL-terminated, at most
 * cap bytes; *len its length if len is not NULL).  private: refuse a file
 * others may read (OD_E_AUTH).  A missing file gives OD_E_NOTFOUND. */
enum od_code backend_read_small(const char *dir, const char *name, size_t cap,
				int private, char **out, size_t *len,
				struct od_err *err);

/* backend-config.c: parses a positive decimal no larger than max. */
int backend_parse_count(const char *s, unsigned long long max,
			unsigned long long *out);

/* backend-revoke.c: forgets the revoked list read before. */
void backend_revoked_drop(struct backend *b);

/* backend-reply.c: finishes an answer: root (taken) with the signed head,
 * as JSON text into out; returns the HTTP status. */
unsigned backend_route_done(struct backend *b, json_t *root, struct buf *out,
			    char *note, size_t note_size);

/* backend-init.c: whether name may name a storefront (a user of the shop). */
int backend_storefront_name_ok(const char *name);

/* backend-reply.c: answers 200 with o (taken) as JSON text into out; 500
 * if o is NULL or too large. */
unsigned backend_reply_json(struct buf *out, json_t *o);

/* backend-join.c: parses body as an object with exactly the n string
 * members names, and extra other members (checked by the caller); NULL if
 * it is not that.  The object is the caller's. */
json_t *backend_parse_strings(const char *body, size_t len,
			      const char *const *names, size_t n,
			      size_t extra);

/* backend-join.c: issues a join code valid ttl seconds from now inside the
 * caller's transaction on s; *expires is when it lapses. */
enum od_code backend_join_issue(struct store *s, long long now, long long ttl,
				char code[JOIN_CODE_LEN + 1],
				long long *expires, struct od_err *err);

#endif
