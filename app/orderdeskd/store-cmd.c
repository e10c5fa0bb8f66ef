/*
 * store-cmd.c - `orderdeskd import`, `verify`, `key`, `backup` and `restore`:
 * the commands on the backend's log and store.
 */
#include "app/orderdeskd/commands.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app/orderdeskd/backend-backup.h"
#include "app/orderdeskd/backup-cmd.h"
#include "app/orderdeskd/backend-proof.h"
#include "app/import/import.h"
#include "app/orderdeskd/backend-import.h"
#include "app/log/ledger.h"

/* Counts the storefronts (files of storefront-keys/); name gets the first. */
static int only_storefront(const char *dir, char *name, size_t size)
{
	char path[4096];
	struct dirent *e;
	size_t n;
	DIR *d;
	int count = 0;

	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_SF_KEYS);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n <= 4 || n - 4 >= size || e->d_name[0] == '.' ||
		    strcmp(e->d_name + n - 4, ".key") != 0)
			continue;
		if (count++ == 0)
			snprintf(name, size, "%.*s", (int)(n - 4), e->d_name);
	}
	closedir(d);
	return count;
}

#define IMPORT_USAGE "usage: orderdeskd --dir DIR import [--storefront NAME] " \
	"[--from orderdesk|woocommerce|shopify|amazon|etsy] FILE"

/* Reads import's options: --storefront NAME (*name) and --from SOURCE. */
static enum od_code import_opts(int argc, char **argv, const char **name,
				enum import_source *src, struct od_err *err)
{
	static const struct option opts[] = {
		{ "storefront", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*name = NULL;
	*src = IMPORT_AUTO;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 's')
			*name = optarg;
		else if (opt != 'f')
			return od_err_set(err, OD_E_USAGE, IMPORT_USAGE);
		else if (import_source_parse(optarg, src, err) != OD_OK)
			return OD_E_USAGE;
	}
	if (optind + 1 != argc)
		return od_err_set(err, OD_E_USAGE, IMPORT_USAGE);
	return OD_OK;
}

/*
 * `import [--storefront NAME] [--from SOURCE] FILE`: orders brought in as
 * a storefront, with `orderdesk import`'s handling of overlapping exports.
 */
enum od_code import_cmd(const char *dir, int argc, char **argv,
			struct od_err *err)
{
	struct import_reader *in = NULL;
	struct backend *b = NULL;
	struct import_tally t;
	enum import_source src;
	const char *name;
	char only[64], all[32], what[160], why[OD_ERR_MSG_MAX];
	enum od_code rc;
	int n;

	rc = import_opts(argc, argv, &name, &src, err);
	if (rc != OD_OK)
		return rc;
	if (name == NULL) {
		n = only_storefront(dir, only, sizeof only);
		if (n != 1)
			return od_err_set(err, OD_E_USAGE, "%s: say which "
					  "storefront places these orders "
					  "with --storefront NAME",
					  n == 0 ? "this backend has no "
					  "storefront yet (orderdeskd "
					  "storefront add NAME)" :
					  "there are several storefronts");
		name = only;
	}
	/* The file is read as a stream: never whole, however large. */
	rc = import_open_file(argv[optind], &in, err);
	if (rc == OD_OK)
		rc = import_set_source(in, src, err);
	/* The serving backend holds the store: take its lock, as serve does. */
	if (rc == OD_OK)
		rc = backend_open(dir, 1, &b, err);
	if (rc == OD_OK)
		rc = backend_import_file(b, name, in, &t, err);
	if (rc == OD_OK) {
		import_count_text(t.orders, all, sizeof all);
		import_tally_text(&t, what, sizeof what);
		printf("Imported %s orders as storefront %s: %s; %zu "
		       "statements signed.\n", all, name, what, t.statements);
	} else if (b != NULL) {
		snprintf(why, sizeof why, "%s", err->msg);
		rc = od_err_set(err, rc, "%.200s; nothing was imported", why);
	}
	backend_close(b);
	import_close(in);
	return rc;
}

/* `verify`: replays the backend's log as `orderdesk audit verify` does. */
enum od_code verify_cmd(const char *dir, int argc, char **argv,
			struct od_err *err)
{
	struct ledger_report rep;
	struct backend *b = NULL;
	enum od_code rc;

	if (argc != 1)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "verify");
	rc = backend_open(dir, 0, &b, err);
	if (rc == OD_OK)
		rc = ledger_verify(backend_store(b), &rep, err);
	if (rc == OD_OK)
		printf("Verified %lld log entries: every signature, signer, "
		       "role, transition and the hash chain; %lld people, "
		       "%lld orders.\n", rep.entries, rep.users, rep.orders);
	backend_close(b);
	return rc;
}

/* `key`: the log's verifier key, for whoever checks its checkpoints. */
enum od_code key_cmd(const char *dir, int argc, char **argv,
		     struct od_err *err)
{
	struct note_verifier v;
	struct backend *b = NULL;
	struct buf text;
	enum od_code rc;

	if (argc != 1)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "key");
	buf_init(&text, 1024);
	rc = backend_open(dir, 0, &b, err);
	if (rc == OD_OK)
		rc = backend_log_key(b, &v, err);
	if (rc == OD_OK)
		rc = note_verifier_text(&v, &text, err);
	if (rc == OD_OK)
		printf("%s\n", text.data);
	buf_free(&text);
	backend_close(b);
	return rc;
}

/* `backup FILE`: the whole backend, while it serves, checked once
 * written; the forms with options are backup-cmd.c's. */
enum od_code backup_file_cmd(const char *dir, int argc, char **argv,
			     struct od_err *err)
{
	struct backend_backup_report rep;
	enum od_code rc;

	if (argc != 2 || argv[1][0] == '-')
		return backup_cmd(dir, argc, argv, err);
	rc = backend_backup(dir, argv[1], &rep, err);
	if (rc == OD_OK)
		printf("Wrote %s (%lld bytes): %lld log entries, every one "
		       "verified, and %lld files. It opens only with %s/%s: "
		       "keep a copy of that file apart from the backups.\n",
		       argv[1], rep.bytes, rep.entries, rep.files, dir,
		       BACKEND_KEY_FILE);
	return rc;
}

/* `restore --key KEYFILE FILE`: a backup into a new directory. */
enum od_code restore_cmd(const char *dir, int argc, char **argv,
			 struct od_err *err)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct backend_backup_report rep;
	const char *key = NULL;
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'k')
			break;
		key = optarg;
	}
	if (opt != -1 || key == NULL || optind + 1 != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir "
				  "NEWDIR restore --key BACKEND_KEY FILE");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s",
				  dir, strerror(errno));
	rc = backend_restore(dir, argv[optind], key, &rep, err);
	if (rc == OD_OK)
		printf("Restored the backend into %s: %lld log entries, every "
		       "one verified, and %lld files. Serve it; desks "
		       "reconnect as before and push what it lacks.\n", dir,
		       rep.entries, rep.files);
	return rc;
}
