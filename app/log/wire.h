/*
 * wire.h - what the desk and the backend program both write on the wire.
 *
 * The two programs are built from one tree but talk only through HTTPS, so
 * each name here is a promise to the other side: a desk of one version
 * and a backend of another must agree on it.  The desk (app/sync/) and the
 * backend (app/orderdeskd/) include this, and neither includes the other.
 *
 *   WIRE_JOIN_PATH     the one route a desk may call without a certificate
 *   WIRE_INVITE_MAGIC  first line of the text an owner signs for a code
 *   WIRE_EVENTS_MAGIC  first line of the text an owner signs to read the
 *                      backend's security events summary
 *   WIRE_HEAD_MAGIC    first line of the text a signed head covers
 */
#ifndef OD_WIRE_H
#define OD_WIRE_H

#include <stdint.h>

#include "lib/buf.h"
#include "lib/err.h"

#define WIRE_JOIN_PATH     "/v1/join"
#define WIRE_INVITE_MAGIC  "orderdesk-invite/1"
#define WIRE_EVENTS_MAGIC  "orderdesk-events/1"
#define WIRE_EVENTS_PATH   "/v1/events/summary"
#define WIRE_HEAD_MAGIC    "orderdesk-head/1"

/*
 * Appends the text a head signature covers to out:
 *   orderdesk-head/1\nseq: N\nhash: HEX\ntime: T\n
 * The backend signs it (the "head" of its answers); the desk builds it
 * again from the answer's fields and checks the signature.  Fails only
 * when out's cap is reached.
 */
enum od_code wire_head_text(long long seq, const uint8_t hash[32],
			    const char *time, struct buf *out,
			    struct od_err *err);

#endif
