/*
 * sync-job.h - the parts of one sync (app/sync/sync.h), one job a file:
 * sync-job.c (the attachment read, the client, the held store, the signed
 * heads), sync-answer.c (the backend's answers read strictly),
 * sync-same-shop.c (a backend of another shop refused), sync-attach.c,
 * sync-push.c (the outbox), sync-pull.c (pages and the rebase), and sync.c
 * (the rounds).  Internal to app/sync/.
 */
#ifndef OD_SYNC_JOB_H
#define OD_SYNC_JOB_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>

#include "app/sync/sync.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "storage/store.h"

#define PEM_MAX (64 * 1024)
#define SHOP_NAME_MAX 128 /* bytes, as statement.c and pki_make_ca allow */
#define PULL_PAGE 1000

#define META_URL      SYNC_META_URL
#define META_PIN      SYNC_META_PIN
#define META_HEADKEY  SYNC_META_HEADKEY
#define META_SEEN_SEQ SYNC_META_SEEN_SEQ
#define META_SEEN     SYNC_META_SEEN


/* One sync in progress. */
struct sync_job {
	struct shop *sh;
	int own_lock;           /* hold the store per step, not throughout */
	struct tls_client *client;
	char head_key[48];      /* base64 of the backend's key; "" if new */
	int head_key_kept;      /* head_key is in the store */
	long long seen_seq;
	uint8_t seen_hash[32];
	struct buf resp;
	struct sync_report *rep;
	int reached;            /* the backend answered at least once */
	const atomic_int *stop; /* set: end the request under way */
	struct sync_refusal *refused;
	size_t nrefused;
	struct sync_conn *keep;  /* a client kept from the last sync, or NULL */
};

/* A head the backend signed, checked. */
struct head {
	long long seq;
	uint8_t hash[32];
};


/* The local log's entry seq: its chain hash. */
struct find_hash {
	long long seq;
	uint8_t hash[32];
	int found;
};


/* What pushing the outbox found. */
struct pushed {
	long long exact_upto;  /* receipts matched local seqs up to here */
	struct head last;      /* the head of the last answer */
	int any;               /* something was sent */
};


/* Where a pull stands. */
struct pull {
	long long after;       /* the last entry applied or staged */
	int staging;           /* entries go to the staging table */
	struct head h;         /* the last head the backend signed */
};

/* Sets meta values in one transaction; n pairs of key, value. */
enum od_code sync_meta_put(struct store *s, const char *const *kv, size_t n,
			   struct od_err *err);

/* Reads a meta value into a fixed buffer; absent leaves it "". */
enum od_code sync_meta_read(struct store *s, const char *key, char *out,
			    size_t size, struct od_err *err);

/* Reads the attachment and the last verified head, and makes the client. */
enum od_code sync_job_open(struct sync_job *j, struct od_err *err);

/* Holds the store for one step, when the caller did not hold it. */
enum od_code sync_job_hold(struct sync_job *j, enum shop_access access,
			   struct od_err *err);

/* Lets the store go after a step (see sync_job_hold). */
void sync_job_let_go(struct sync_job *j);

/* Sends a request and parses a 200 answer as a JSON object, retrying a
 * dropped connection. */
enum od_code sync_job_call(struct sync_job *j, const char *method,
			   const char *path, const char *body, json_t **out,
			   struct od_err *err);

/* Rereads the synced head: another sync may have moved it. */
enum od_code sync_job_read_seen(struct sync_job *j, struct od_err *err);

/* Checks the head's signature with the backend's key. */
enum od_code sync_job_check_head(struct sync_job *j, json_t *o,
				 struct head *h, struct od_err *err);

/* Reads the chain hash of local entry seq (found 0 if there is none). */
enum od_code sync_local_hash(struct store *s, long long seq,
			     struct find_hash *f, struct od_err *err);

/* A string member, or NULL; a non-negative integer member, or -1. */
const char *sync_json_str(json_t *o, const char *name);
long long sync_json_seq(json_t *o, const char *name);

/* Reads the PEM file src (a certificate) into b, refusing anything else. */
enum od_code sync_load_pem(const char *src, struct buf *b,
			   struct od_err *err);

/* Checks that the shop CA ca_pem names this store's shop. */
enum od_code sync_same_shop_ca(struct store *s, const char *ca_pem,
			       struct od_err *err);

/* Refuses a backend whose first entry e0 is not this store's founding. */
enum od_code sync_genesis_refusal(struct store *s, json_t *e0,
				  struct od_err *err);

/* Pushes the outbox in batches (sync-push.c). */
enum od_code sync_push_outbox(struct sync_job *j, struct pushed *out,
			      struct od_err *err);

/* Moves the synced head to local entry seq, which the backend holds. */
enum od_code sync_advance_seen(struct sync_job *j, long long seq,
			       struct od_err *err);

/* Pulls every entry after the synced head, page by page (sync-pull.c). */
enum od_code sync_pull(struct sync_job *j, struct pull *pl,
		       struct od_err *err);

/* Rebases the outbox on the staged entries (sync-rebase.h). */
enum od_code sync_job_rebase(struct sync_job *j, const struct head *h,
			     int staged, long long *waiting,
			     struct od_err *err);

#endif
