/* backup-cmd.c - `orderdeskd backup` with options (backup-cmd.h). */
#include "app/orderdeskd/backup-cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/checkpoint.h"
#include "app/orderdeskd/backend-backup-keep.h"
#include "app/orderdeskd/backend-backup-sig.h"

#define USAGE "usage: orderdeskd --dir DIR backup FILE | backup --into " \
	"FOLDER --keep N; orderdeskd backup --check FILE --key VERIFIER_KEY"

/* A whole number 1..BACKUP_KEEP_MAX, or -1. */
static int parse_keep(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (s[0] < '0' || s[0] > '9' || *end != '\0' || v < 1 ||
	    v > BACKUP_KEEP_MAX)
		return -1;
	return (int)v;
}

/* `backup --into FOLDER --keep N`. */
static enum od_code into(const char *dir, const char *folder, int keep,
			 struct od_err *err)
{
	struct backup_keep_report rep;
	enum od_code rc;

	rc = backend_backup_keep(dir, folder, keep, &rep, err);
	if (rc == OD_OK)
		printf("Wrote %s (%lld bytes): %lld log entries, every one "
		       "verified, and %lld files; removed %d older, %d kept.\n",
		       rep.path, rep.backup.bytes, rep.backup.entries,
		       rep.backup.files, rep.pruned, rep.kept);
	return rc;
}

/* `backup --check FILE --key VERIFIER_KEY`: the signature alone. */
static enum od_code check(const char *file, const char *key_text,
			  struct od_err *err)
{
	struct note_verifier v;
	enum od_code rc;
	int version = 0;

	rc = note_verifier_parse(key_text, &v, err);
	if (rc != OD_OK)
		return od_err_set(err, OD_E_USAGE, "--key wants the backend's "
				  "verifier key, as `orderdeskd key` prints it "
				  "(NAME+KEYID+BASE64)");
	rc = bkb_verify_file(file, v.pub, NULL, &version, err);
	if (rc == OD_OK && version < 2)
		rc = od_err_set(err, OD_E_INPUT, "%.200s was made before "
				"backups were signed: only restore can check "
				"it", file);
	if (rc == OD_OK)
		printf("%s is whole and signed by %s's head key.\n", file,
		       v.name);
	return rc;
}

enum od_code backup_cmd(const char *dir, int argc, char **argv,
			struct od_err *err)
{
	static const struct option opts[] = {
		{ "into", required_argument, NULL, 'i' },
		{ "keep", required_argument, NULL, 'k' },
		{ "check", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	const char *folder = NULL, *keep_s = NULL, *file = NULL, *key = NULL;
	int opt, keep;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'i')
			folder = optarg;
		else if (opt == 'k')
			keep_s = optarg;
		else if (opt == 'c')
			file = optarg;
		else if (opt == 'K')
			key = optarg;
		else
			return od_err_set(err, OD_E_USAGE, USAGE);
	}
	if (optind == argc && file != NULL && key != NULL && folder == NULL &&
	    keep_s == NULL)
		return check(file, key, err);
	if (optind != argc || folder == NULL || keep_s == NULL ||
	    file != NULL || key != NULL || dir == NULL)
		return od_err_set(err, OD_E_USAGE, USAGE);
	keep = parse_keep(keep_s);
	if (keep < 0)
		return od_err_set(err, OD_E_USAGE, "--keep wants a number of "
				  "backups from 1 to %d, not %.32s",
				  BACKUP_KEEP_MAX, keep_s);
	return into(dir, folder, keep, err);
}

int backup_cmd_main(int argc, char **argv)
{
	struct od_err err;
	enum od_code rc;

	od_err_clear(&err);
	optind = 0;
	rc = backup_cmd(NULL, argc, argv, &err);
	if (rc == OD_OK)
		return 0;
	fprintf(stderr, "orderdeskd: %s\n", err.msg);
	return od_code_exit_status(rc);
}
