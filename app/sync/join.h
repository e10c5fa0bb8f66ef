/*
 * join.h - a desk joins a shop with a one-time code, and an owner invites
 * the next desk (the backend's side is app/orderdeskd/backend-join.h).
 *
 * Joining makes the desk's own TLS key (it never leaves the desk) and
 * sends a certificate request with the code over a connection that checks
 * the backend's pin in the handshake, before a byte is sent: there is no
 * trust on first use, and a wrong pin stops the join with nothing written.
 * The backend answers with the desk's certificate and the shop CA, which
 * the desk keeps in its store directory (backend/, mode 0600); its key,
 * the address and the pin go into its encrypted store (sync_attach; the
 * key is never written to a file, app/shop/sync-key.h), and then it syncs:
 *   - with an owner (the shop's first desk): it founds the shop here
 *     (shop_init) and pushes the genesis and the owner's key bundle;
 *   - without one: it makes a store of its own with its own data key,
 *     pulls the log and makes a slot for every active person from their
 *     key bundle (app/sync/people-sync.h), so each signs in with their own
 *     passphrase.
 * Whatever fails after the code was accepted removes what the join wrote.
 */
#ifndef OD_JOIN_H
#define OD_JOIN_H

#include <stddef.h>

#include "app/log/join-code.h"
#include "app/shop/shop.h"
#include "lib/err.h"

struct join_opts {
	const char *dir;        /* the store directory (must hold no shop) */
	const char *url;        /* https://HOST:PORT */
	const char *pin;        /* sha256//... */
	const char *code;       /* as typed */
	const char *desk_name;  /* NULL: desk-RANDOM */
	const char *owner;      /* NULL: the shop already has people */
	const char *pass;       /* the owner's new passphrase (with owner) */
	size_t pass_len;
};

struct join_report {
	char shop[160];
	char desk[72];
	long long entries;      /* the log's length after the first sync */
	size_t people;          /* slots made on this desk */
};

/*
 * Joins as above.  A malformed code or address gives OD_E_USAGE or
 * OD_E_INPUT, a wrong pin OD_E_AUTH, and a code the backend refuses
 * (wrong, used, expired, burned) OD_E_AUTH with its reason, each with
 * nothing written; too many failures from this address OD_E_BUSY.
 */
enum od_code join_run(const struct join_opts *o, struct join_report *rep,
		      struct od_err *err);

/*
 * Asks the store's backend for a new one-time code, as sh's user (who must
 * be an owner: OD_E_DENIED otherwise, and the backend checks again), with a
 * request signed by their key.  *expires is unix time; url and pin (sizes
 * 520 and 64) get what the next desk's join command needs.
 */
enum od_code join_invite(struct shop *sh, char code[JOIN_CODE_LEN + 1],
			 long long *expires, char *url, char *pin,
			 struct od_err *err);

#endif
