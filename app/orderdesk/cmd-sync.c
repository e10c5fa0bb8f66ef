/*
 * cmd-sync.c - `orderdesk sync`: attach to a backend (once) and sync with it.
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>

#include "app/sync/sync-status.h"
#include "app/sync/sync.h"
#include "app/sync/sync-log-key.h"
#include "lib/buf.h"
#include "lib/progress.h"

/*
 * Adds a storefront to the shop as the signed-in owner: a user.add with
 * role storefront and the key the backend holds for it (printed by
 * `orderdeskd storefront add`), so the fold accepts the orders the backend
 * signs on its behalf, and the log says who approved them.
 */
static enum od_code approve_storefront(struct shop *sh, const char *name,
				       const char *pubkey, struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc;

	rc = shop_statement(sh, STMT_USER_ADD, NULL, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "user", name, err);
	if (rc == OD_OK)
		rc = statement_add(st, "role", "storefront", err);
	if (rc == OD_OK)
		rc = statement_add(st, "pubkey", pubkey, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, NULL, err);
	statement_free(st);
	return rc;
}

/* Prints one conflict this sync found. */
static enum od_code print_conflict(void *ctx, const struct conflict_record *k,
				   struct od_err *err)
{
	struct cli *c = ctx;
	struct buf b;
	enum od_code rc;

	buf_init(&b, 8192);
	rc = sync_conflict_line(k, &b, err);
	if (rc == OD_OK)
		fprintf(c->out, "%.*s\n", (int)b.len, b.data);
	buf_free(&b);
	return rc;
}

/*
 * Says every passphrase change another desk made that this sync pulled,
 * and who can no longer sign in here after a race of changes
 * (app/shop/people-race.h): whoever holds a person's key, from an old copy of a
 * store, can change it, and only the owner can undo that.
 */
static void print_rekeys(struct cli *c, const struct sync_report *rep)
{
	long long i;

	for (i = 0; i < rep->rekeys.n && i < SYNC_REKEYS_SHOWN; i++)
		fprintf(c->out, "Pulled a passphrase change: %s's key was "
			"changed at another desk (log entry %lld); if that was "
			"not %s, the owner must `orderdesk user revoke %s` and "
			"add them again under a new name.\n",
			rep->rekeys.v[i].user, rep->rekeys.v[i].seq,
			rep->rekeys.v[i].user, rep->rekeys.v[i].user);
	if (rep->rekeys.n > SYNC_REKEYS_SHOWN)
		fprintf(c->out, "Pulled %lld more passphrase changes: see "
			"`orderdesk log`.\n",
			rep->rekeys.n - SYNC_REKEYS_SHOWN);
	if (rep->people.lost > 0)
		fprintf(c->out, "%s may not sign in at this desk: %s%s.\n",
			rep->people.lost_user, rep->people.lost_note,
			rep->people.lost > 1 ?
			" (and others; `orderdesk conflicts` lists the "
			"passphrase changes set aside)" : "");
}

/* Reads sync's options: an attach (all five), a storefront to approve
 * (--approve-storefront NAME --key KEY), or none. */
static enum od_code sync_args(int argc, char **argv, struct sync_attach *a,
			      const char **storefront, int *attach,
			      struct od_err *err)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "pin", required_argument, NULL, 'p' },
		{ "ca", required_argument, NULL, 'a' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "approve-storefront", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, given = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		given++;
		if (opt == 's') {
			*storefront = optarg;
			given--;
		} else if (opt == 'b')
			a->url = optarg;
		else if (opt == 'p')
			a->pin = optarg;
		else if (opt == 'a')
			a->ca = optarg;
		else if (opt == 'c')
			a->cert = optarg;
		else if (opt == 'k')
			a->key = optarg;
		else
			return cli_usage(&cmd_sync_entry, err);
	}
	/* --approve-storefront NAME --key KEY: the key is the storefront's
	 * signing key, not an attach; --key alone is an attach's. */
	if (*storefront != NULL) {
		if (given != 1 || a->key == NULL)
			return cli_usage(&cmd_sync_entry, err);
		given = 0;
	}
	if (optind != argc || (given != 0 && (a->url == NULL ||
					      a->pin == NULL ||
					      a->ca == NULL ||
					      a->cert == NULL ||
					      a->key == NULL)))
		return cli_usage(&cmd_sync_entry, err);
	*attach = given != 0;
	return OD_OK;
}

/* Says what moved of the evidence files, and any the desk refused. */
static void print_evidence(struct cli *c, const struct sync_evidence_report *e)
{
	if (e->sent + e->fetched + e->missing > 0)
		fprintf(c->out, "Evidence files: sent %d, fetched %d; %d "
			"named in the log are on no desk that synced yet.\n",
			e->sent, e->fetched, e->missing);
	if (e->refused > 0)
		fprintf(c->out, "Refused %d evidence file%s: %s\n", e->refused,
			e->refused > 1 ? "s" : "", e->note);
}

/* Says how a sync went, and lists the conflicts it set aside. */
static enum od_code print_report(struct cli *c, struct shop *sh,
				 const struct sync_report *rep,
				 struct od_err *err)
{
	if (rep->repushed > 0)
		fprintf(c->out, "The backend had lost %lld entries (restored "
			"from a backup?); sent them again.\n", rep->repushed);
	if (rep->waiting == 0)
		fprintf(c->out, "Synced: pushed %lld, pulled %lld; the backend's "
			"signed head is entry %lld, the same as this desk's.\n",
			rep->pushed, rep->pulled, rep->head);
	else
		fprintf(c->out, "Synced: pushed %lld, pulled %lld; the backend's "
			"signed head is entry %lld; %lld statements signed "
			"meanwhile still wait.\n", rep->pushed, rep->pulled,
			rep->head, rep->waiting);
	print_rekeys(c, rep);
	print_evidence(c, &rep->evidence);
	if (rep->unlock_fails > 0)
		fprintf(c->out, "Reported %lld failed unlocks of this desk to "
			"the backend's security events.\n", rep->unlock_fails);
	if (rep->checkpoint_warning[0] != '\0')
		fprintf(c->out, "Warning: %s.\n", rep->checkpoint_warning);
	/* A key bundle that can never be sent: said once, never a failure
	 * (app/sync/people-sync.h). */
	if (rep->people.note[0] != '\0')
		fprintf(c->out, "Note: %s%s.\n", rep->people.note,
			rep->people.refused > 1 ? " (and others; sync again "
			"to see them)" : "");
	if (rep->conflicts == 0)
		return OD_OK;
	fprintf(c->out, "%lld of this desk's statements could not happen any "
		"more and were set aside (orderdesk conflicts):\n",
		rep->conflicts);
	return sync_conflicts_each(sh, rep->first_conflict, print_conflict, c,
				   err);
}

/* The owner's desk names the log's key once, and sends it at once
 * (app/sync/sync-log-key.h). */
static enum od_code name_log_key(struct cli *c, struct shop *sh,
				 struct od_err *err)
{
	enum sync_log_key_done done;
	struct sync_report rep;
	enum od_code rc = sync_name_log_key(sh, &done, err);

	if (rc == OD_OK && done == SYNC_LOG_KEY_ON_TOKEN)
		fprintf(c->out, "The log does not name the backend's checkpoint"
			" key yet; name it with `orderdesk witness name-log-key"
			" KEY` (`orderdeskd key` prints it).\n");
	if (rc != OD_OK || done != SYNC_LOG_KEY_NAMED)
		return rc;
	fprintf(c->out, "Named the backend's checkpoint key in the log "
		"(shop.log-key): desks check checkpoints against it.\n");
	return sync_run(sh, &rep, err);
}

static enum od_code cmd_sync(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	const char *storefront = NULL;
	struct sync_attach a = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct sync_report rep;
	struct shop *sh = NULL;
	enum od_code rc;
	int attach = 0;

	rc = sync_args(argc, argv, &a, &storefront, &attach, err);
	if (rc != OD_OK)
		return rc;
	rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK && attach)
		rc = sync_attach(sh, &a, err);
	if (rc == OD_OK && storefront != NULL) {
		rc = approve_storefront(sh, storefront, a.key, err);
		if (rc == OD_OK)
			fprintf(c->out, "Approved storefront %s: the backend may "
				"now place its orders.\n", storefront);
	}
	/* Held only per step from here: other commands on this store (and
	 * the desk's screens) go on while the network is slow. */
	shop_release(sh);
	/* Each pushed batch is the backend's once it answers. */
	if (rc == OD_OK) {
		progress_begin("what was pushed stays pushed; sync again for "
			       "the rest");
		rc = sync_run(sh, &rep, err);
		progress_end();
	}
	if (rc == OD_OK)
		rc = print_report(c, sh, &rep, err);
	if (rc == OD_OK)
		rc = name_log_key(c, sh, err);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_sync_entry = {
	"sync", "[--backend URL --pin PIN --ca FILE --cert FILE --key FILE | "
	"--approve-storefront NAME --key KEY]",
	"push to and pull from the shop backend (verified; first time: "
	"attach; the owner approves a storefront's key once)",
	cmd_sync,
};
