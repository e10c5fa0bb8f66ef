/*
 * cmd-audit.c - `orderdesk audit`: verify (replay everything and check
 * every page), proof (offline proofs that an order's entries are in the
 * shop's log) and check-proof (check them, with the log key alone).
 */
#include "app/orderdesk/cli.h"
#include "app/orderdesk/cmd-audit-quorum.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/log/ledger.h"
#include "app/log/tlog-proof.h"
#include "app/sync/sync-checkpoint.h"
#include "lib/buf.h"
#include "lib/progress.h"
#include "storage/store-merkle.h"
#include "storage/vfs-crypt.h"

#define PROOF_FILE_MAX (64 * 1024 + STMT_MAX_BYTES)

/* `audit verify` */
static enum od_code audit_verify(struct cli *c, struct od_err *err)
{
	struct ledger_report rep;
	struct shop *sh = NULL;
	unsigned long pages = 0;
	enum od_code rc = cli_unlock(c, SHOP_READ, &sh, err);

	if (rc == OD_OK)
		rc = vfs_crypt_verify_file(sh->db_path, sh->data_key, &pages,
					   err);
	if (rc == OD_OK)
		rc = store_integrity_check(sh->store, err);
	if (rc == OD_OK) {
		progress_begin("nothing was changed");
		rc = ledger_verify(sh->store, &rep, err);
		progress_end();
	}
	if (rc == OD_OK)
		fprintf(c->out, "Verified %lld log entries (%lld people, %lld "
			"orders) and %lu pages: every signature, role, "
			"transition and link of the hash chain checks.\n",
			rep.entries, rep.users, rep.orders, pages);
	shop_close(sh);
	return rc;
}

/* An `audit proof` in progress. */
struct proof_job {
	struct store *s;
	const char *dir;
	const char *note;
	struct checkpoint cp;
	long long written, newer;
};

/* Writes SEQ.entry and SEQ.proof for entry r. */
static enum od_code write_proof(struct proof_job *j,
				const struct log_record *r,
				struct od_err *err)
{
	struct merkle_proof p;
	struct buf b;
	char name[64];
	enum od_code rc;

	buf_init(&b, PROOF_FILE_MAX);
	rc = buf_add(&b, r->statement, r->statement_len, err);
	if (rc == OD_OK)
		rc = buf_add(&b, r->signature, sizeof r->signature, err);
	snprintf(name, sizeof name, "%lld.entry", r->seq);
	if (rc == OD_OK)
		rc = cli_write_file(j->dir, name, b.data, b.len, err);
	buf_reset(&b);
	if (rc == OD_OK)
		rc = store_merkle_inclusion(j->s, (uint64_t)r->seq - 1,
					    j->cp.size, &p, err);
	if (rc == OD_OK)
		rc = tlog_proof_write((uint64_t)r->seq - 1, &p, j->note,
				      strlen(j->note), &b, err);
	snprintf(name, sizeof name, "%lld.proof", r->seq);
	if (rc == OD_OK)
		rc = cli_write_file(j->dir, name, b.data, b.len, err);
	buf_free(&b);
	return rc;
}

/* store_log_cb: the files of one entry about the order. */
static enum od_code proof_entry(void *ctx, const struct log_record *r,
				struct od_err *err)
{
	struct proof_job *j = ctx;
	struct statement *st = NULL;
	enum od_code rc;

	if ((uint64_t)r->seq > j->cp.size) {
		j->newer++;
		return OD_OK;
	}
	rc = statement_parse(r->statement, r->statement_len, &st, err);
	if (rc == OD_OK)
		rc = cli_export_entry(j->dir, r, st->actor, err);
	if (rc == OD_OK)
		rc = write_proof(j, r, err);
	j->written += rc == OD_OK;
	statement_free(st);
	return rc;
}

/* `audit proof --order NUMBER --out DIR` */
static enum od_code audit_proof(struct cli *c, int argc, char **argv,
				struct od_err *err)
{
	static const struct option opts[] = {
		{ "order", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct proof_job j = { 0 };
	const char *order = NULL;
	struct shop *sh = NULL;
	char *note = NULL;
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o')
			order = optarg;
		else if (opt == 'd')
			j.dir = optarg;
		else
			return cli_usage(&cmd_audit_entry, err);
	}
	if (order == NULL || j.dir == NULL || optind != argc)
		return cli_usage(&cmd_audit_entry, err);
	if (mkdir(j.dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %s: %s", j.dir,
				  strerror(errno));
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc != OD_OK)
		return rc;
	j.s = sh->store;
	rc = sync_checkpoint_kept(sh->store, &note, &j.cp, err);
	j.note = note;
	if (rc == OD_OK)
		rc = store_log_each(sh->store, order, proof_entry, &j, err);
	if (rc == OD_OK && j.written + j.newer == 0)
		rc = od_err_set(err, OD_E_NOTFOUND, "no log entry is about "
				"order %s", order);
	if (rc == OD_OK)
		fprintf(c->out, "Wrote proofs of %lld entries about order %s "
			"to %s, against %s's checkpoint of %llu entries.\n",
			j.written, order, j.dir, j.cp.origin,
			(unsigned long long)j.cp.size);
	if (rc == OD_OK && j.newer > 0)
		fprintf(c->out, "%lld newer entries are not in that "
			"checkpoint yet: sync, then ask again.\n", j.newer);
	free(note);
	shop_close(sh);
	return rc;
}

/* Reads path whole into b. */
static enum od_code slurp(const char *path, struct buf *b,
			  struct od_err *err)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;
	enum od_code rc = OD_OK;

	if (f == NULL)
		return od_err_set(err, OD_E_IO, "cannot read %s: %s", path,
				  strerror(errno));
	while (rc == OD_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = buf_add(b, chunk, n, err);
	if (rc == OD_OK && ferror(f))
		rc = od_err_set(err, OD_E_IO, "cannot read %s", path);
	fclose(f);
	if (rc == OD_E_INPUT)
		rc = od_err_set(err, OD_E_INPUT, "%s is too large for a proof",
				path);
	return rc;
}

/* Checks the proof file path (NAME.proof) against NAME.entry beside it. */
static enum od_code check_one(struct cli *c, const char *path,
			      const struct note_verifier *v,
			      const struct witness_policy *wp,
			      struct od_err *err)
{
	struct buf proof, entry;
	struct checkpoint cp;
	char epath[4096];
	size_t n = strlen(path);
	uint64_t index = 0;
	enum od_code rc;

	if (n < 6 || strcmp(path + n - 6, ".proof") != 0 || n > 4000)
		return od_err_set(err, OD_E_USAGE, "%s: a proof's file name "
				  "ends in .proof", path);
	snprintf(epath, sizeof epath, "%.*s.entry", (int)(n - 6), path);
	buf_init(&proof, PROOF_FILE_MAX);
	buf_init(&entry, PROOF_FILE_MAX);
	rc = slurp(path, &proof, err);
	if (rc == OD_OK)
		rc = slurp(epath, &entry, err);
	if (rc == OD_OK)
		rc = tlog_proof_check(proof.data, proof.len, entry.data,
				      entry.len, v, &cp, &index, err);
	if (rc == OD_OK)
		rc = audit_quorum_check(wp, v, proof.data, proof.len, err);
	if (rc == OD_E_TAMPERED || rc == OD_E_INPUT || rc == OD_E_DENIED) {
		char why[OD_ERR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->msg);
		rc = od_err_set(err, rc, "%.100s: %s", path, why);
	}
	if (rc == OD_OK)
		fprintf(c->out, "%s: entry %llu is in %s's log of %llu "
			"entries\n", path, (unsigned long long)index + 1,
			cp.origin, (unsigned long long)cp.size);
	buf_free(&proof);
	buf_free(&entry);
	return rc;
}

/* Orders names by their leading number (SEQ.proof), then as text. */
static int by_seq(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	long long dx = atoll(x), dy = atoll(y);

	return dx != dy ? (dx > dy) - (dx < dy) : strcmp(x, y);
}

/* Checks every NAME.proof in dir; *count gets how many. */
static enum od_code check_dir(struct cli *c, const char *dir,
			      const struct note_verifier *v,
			      const struct witness_policy *wp, long long *count,
			      struct od_err *err)
{
	char *names[4096], path[4096];
	struct dirent *d;
	DIR *dh = opendir(dir);
	size_t n = 0, i, len;
	enum od_code rc = OD_OK;

	if (dh == NULL)
		return od_err_set(err, OD_E_IO, "cannot read %s: %s", dir,
				  strerror(errno));
	while ((d = readdir(dh)) != NULL && n < sizeof names / sizeof *names) {
		len = strlen(d->d_name);
		if (len > 6 && strcmp(d->d_name + len - 6, ".proof") == 0 &&
		    (names[n] = strdup(d->d_name)) != NULL)
			n++;
	}
	closedir(dh);
	qsort(names, n, sizeof *names, by_seq);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%.3000s/%s", dir, names[i]);
		if (rc == OD_OK)
			rc = check_one(c, path, v, wp, err);
		free(names[i]);
	}
	*count = rc == OD_OK ? (long long)n : 0;
	if (rc == OD_OK && n == 0)
		rc = od_err_set(err, OD_E_NOTFOUND, "no .proof file in %s",
				dir);
	return rc;
}

/* `audit check-proof DIR|FILE --log-key KEY [--witness VKEY ... --quorum
 * N]`: offline, no store. */
static enum od_code audit_check_proof(struct cli *c, int argc, char **argv,
				      struct od_err *err)
{
	static const struct option opts[] = {
		{ "log-key", required_argument, NULL, 'k' },
		{ "witness", required_argument, NULL, 'w' },
		{ "quorum", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct witness_policy wp;
	struct note_verifier v;
	const char *key = NULL, *quorum = NULL;
	struct stat st;
	long long count = 1;
	enum od_code rc;
	int opt;

	memset(&wp, 0, sizeof wp);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'k')
			key = optarg;
		else if (opt == 'q')
			quorum = optarg;
		else if (opt != 'w')
			return cli_usage(&cmd_audit_entry, err);
		else if ((rc = audit_quorum_add(&wp, optarg, err)) != OD_OK)
			return rc;
	}
	if (key == NULL || optind != argc - 1)
		return cli_usage(&cmd_audit_entry, err);
	rc = audit_quorum_set(&wp, quorum, err);
	if (rc == OD_OK)
		rc = note_verifier_parse(key, &v, err);
	if (rc == OD_OK && stat(argv[optind], &st) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot read %s: %s",
				argv[optind], strerror(errno));
	if (rc == OD_OK && S_ISDIR(st.st_mode))
		rc = check_dir(c, argv[optind], &v, &wp, &count, err);
	else if (rc == OD_OK)
		rc = check_one(c, argv[optind], &v, &wp, err);
	if (rc == OD_OK)
		fprintf(c->out, "Checked %lld proofs against the log key of "
			"%s: every entry is in the log.\n", count, v.name);
	if (rc == OD_OK && wp.quorum > 0)
		fprintf(c->out, "Each checkpoint carries valid cosignatures "
			"by %u of the %zu witnesses named.\n", wp.quorum, wp.n);
	return rc;
}

static enum od_code cmd_audit(struct cli *c, int argc, char **argv,
			      struct od_err *err)
{
	if (argc == 2 && strcmp(argv[1], "verify") == 0)
		return audit_verify(c, err);
	if (argc >= 2 && strcmp(argv[1], "proof") == 0)
		return audit_proof(c, argc - 1, argv + 1, err);
	if (argc >= 2 && strcmp(argv[1], "check-proof") == 0)
		return audit_check_proof(c, argc - 1, argv + 1, err);
	if (argc >= 2 && strcmp(argv[1], "events") == 0)
		return cli_audit_events(c, argc - 1, argv + 1, err);
	return cli_usage(&cmd_audit_entry, err);
}

const struct cli_command cmd_audit_entry = {
	"audit", "verify | proof --order NUMBER --out DIR | check-proof "
	"DIR|FILE --log-key KEY [--witness VKEY ... --quorum N] | events "
	"[--fetch]",
	"replay the log and check every signature, role and page; offline "
	"proofs that an order's entries are in the log; the backend's "
	"security events summary (owner)", cmd_audit,
};
