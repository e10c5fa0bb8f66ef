/*
 * sync-evidence.h - evidence files travel with the log: after the log is
 * synced, each file this desk kept that the backend lacks is posted
 * (EVIDENCE_WIRE_PATH), and each file the log names that this desk lacks
 * is fetched and kept only if its bytes hash to the name the signed
 * statement gives.  A file the backend does not have yet, or will not take
 * yet (its statement still waits here, or was set aside), is tried again
 * at the next sync.
 */
#ifndef OD_SYNC_EVIDENCE_H
#define OD_SYNC_EVIDENCE_H

#include "lib/err.h"

/* What one sync did with evidence files. */
struct sync_evidence_report {
	int sent;        /* files the backend took */
	int fetched;     /* files taken from the backend */
	int missing;     /* named in the log, on neither side yet */
	int refused;     /* files whose bytes did not match their name */
	char note[OD_ERR_MSG_MAX];   /* the first refusal */
};

struct sync_job;

/*
 * Sends and fetches as above over j's connection, holding the store per
 * file.  A refused file is counted in rep, never an error; a transport
 * failure stops with its code (what was done stays done).
 */
enum od_code sync_evidence(struct sync_job *j,
			   struct sync_evidence_report *rep,
			   struct od_err *err);

#endif
