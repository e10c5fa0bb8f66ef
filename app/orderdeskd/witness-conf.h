/*
 * witness-conf.h - the shop's witnesses as orderdeskd.conf names them, a
 * line each (at most WITNESS_CONF_MAX):
 *
 *   witness = VKEY URL [CA-FILE] [timeout=SECONDS]
 *
 * VKEY the witness's cosigner key (`orderdesk witness key --dir DIR`
 * prints it), URL where it serves C2SP tlog-witness (https://HOST:PORT,
 * /add-checkpoint is added), CA-FILE the PEM of the CA its certificate is
 * from (`witness serve` makes DIR/ca.pem), else the system's CAs,
 * SECONDS how long to wait for it (1 to 600; 5 when not said: longer for
 * a witness on a slow link, which then keeps only the desk whose request
 * met it waiting).  The backend hands each new checkpoint to each of them
 * (backend-witness.h).
 */
#ifndef OD_WITNESS_CONF_H
#define OD_WITNESS_CONF_H

#include <stddef.h>

#include "app/log/checkpoint.h"
#include "lib/err.h"

#define WITNESS_CONF_MAX 8

struct witness_target {
	char vkey[CHECKPOINT_NAME_MAX + 80];     /* as the line gives it */
	struct note_verifier key;
	char url[512];                           /* ends in /add-checkpoint */
	char ca_file[1024];                      /* "" for the system's CAs */
	long timeout_s;                          /* 0: WITNESS_TIMEOUT_S */
};

struct witness_conf {
	size_t n;
	struct witness_target w[WITNESS_CONF_MAX];
};

/*
 * Adds the witness of value ("VKEY URL [CA-FILE] [timeout=SECONDS]", the
 * part after "=")
 * to wc; a malformed one, a ninth or a repeated key gives OD_E_INPUT
 * naming the file's line lineno.
 */
enum od_code witness_conf_line(struct witness_conf *wc, const char *value,
			       int lineno, struct od_err *err);

#endif
