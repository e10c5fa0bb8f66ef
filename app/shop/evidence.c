/* evidence.c - evidence files to and from disk (evidence.h). */
#include "app/shop/evidence.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/buf.h"
#include "lib/file.h"

/* Refuses path unless it is a regular file of 1 byte to 10 MiB. */
static enum od_code check_file(const char *path, struct od_err *err)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND :
				  OD_E_IO, "cannot read evidence %.200s: %s",
				  path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return od_err_set(err, OD_E_INPUT, "evidence %.200s is not a "
				  "regular file; nothing was signed", path);
	if (sb.st_size == 0 || sb.st_size > STORE_EVIDENCE_MAX)
		return od_err_set(err, OD_E_INPUT, "evidence %.200s is %lld "
				  "bytes; a file must be 1 byte to 10 MiB "
				  "(make the photo smaller); nothing was "
				  "signed", path, (long long)sb.st_size);
	return OD_OK;
}

/* Reads path and keeps it in the store; hash gets its name. */
static enum od_code keep_one(struct shop *sh, const char *path,
			     char hash[STORE_EVIDENCE_HASH_LEN + 1],
			     struct od_err *err)
{
	struct buf b;
	enum od_code rc;

	buf_init(&b, 0);
	rc = file_read_capped(path, STORE_EVIDENCE_MAX, 0, &b, err);
	if (rc == OD_E_INPUT)
		rc = od_err_set(err, OD_E_INPUT, "evidence %.200s is larger "
				"than 10 MiB; nothing was signed", path);
	if (rc == OD_OK)
		rc = store_evidence_put(sh->store, b.data, b.len,
					evidence_sniff(b.data, b.len), NULL,
					0, hash, err);
	buf_free(&b);
	return rc;
}

enum od_code evidence_attach(struct shop *sh, struct statement *st,
			     char *const *files, size_t n,
			     struct od_err *err)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; rc == OD_OK && i < n; i++)
		rc = check_file(files[i], err);
	for (i = 0; rc == OD_OK && i < n; i++) {
		rc = keep_one(sh, files[i], hash, err);
		if (rc == OD_OK)
			rc = statement_add(st, "evidence", hash, err);
	}
	return rc;
}

enum od_code evidence_name(const char *name,
			   char out[STORE_EVIDENCE_HASH_LEN + 1],
			   struct od_err *err)
{
	int full = strncmp(name, "sha256:", 7) == 0;

	snprintf(out, STORE_EVIDENCE_HASH_LEN + 1, "sha256:%.64s",
		 full ? name + 7 : name);
	if (strlen(name) != (full ? 7u : 0u) + 64 ||
	    !store_evidence_hash_ok(out))
		return od_err_set(err, OD_E_USAGE, "an evidence file is named "
				  "by its SHA-256: sha256: and 64 lower-case "
				  "hex digits (see evidence list NUMBER)");
	return OD_OK;
}

enum od_code evidence_write_out(struct shop *sh, const char *name,
				const char *path,
				struct store_evidence_info *info,
				struct od_err *err)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct buf b;
	enum od_code rc;

	buf_init(&b, STORE_EVIDENCE_MAX);
	rc = evidence_name(name, hash, err);
	if (rc == OD_OK)
		rc = store_evidence_get(sh->store, hash, &b, info, err);
	if (rc == OD_OK)
		rc = file_write_new(path, b.data, b.len, err);
	buf_free(&b);
	return rc;
}
