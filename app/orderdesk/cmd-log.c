/*
 * cmd-log.c - `orderdesk log`: the signed statements, exactly as signed,
 * shown or exported as files.
 */
#include "app/orderdesk/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/log/ledger.h"
#include "lib/encode.h"

enum log_format { LOG_TEXT, LOG_JSON };

struct log_job {
	struct cli *c;
	enum log_format format;
	const char *export_dir;
	long long count;
};

enum od_code cli_write_file(const char *dir, const char *name,
			    const void *p, size_t len, struct od_err *err)
{
	char path[4096];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot write %s: %s", path,
				  strerror(errno));
	n = write(fd, p, len);
	if (n != (ssize_t)len || close(fd) != 0)
		return od_err_set(err, errno == ENOSPC ? OD_E_NOSPACE : OD_E_IO,
				  "cannot write %s: %s", path,
				  strerror(errno));
	return OD_OK;
}

enum od_code cli_export_entry(const char *dir, const struct log_record *r,
			      const char *actor, struct od_err *err)
{
	char name[64];
	enum od_code rc;

	snprintf(name, sizeof name, "%lld.statement", r->seq);
	rc = cli_write_file(dir, name, r->statement, r->statement_len, err);
	if (rc == OD_OK) {
		snprintf(name, sizeof name, "%lld.sig", r->seq);
		rc = cli_write_file(dir, name, r->signature, 64, err);
	}
	if (rc == OD_OK) {
		snprintf(name, sizeof name, "%lld.signer", r->seq);
		rc = cli_write_file(dir, name, actor, strlen(actor), err);
	}
	return rc;
}

static enum od_code log_entry(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	struct log_job *j = ctx;
	struct statement *st = NULL;
	char hash[65], sig[b64_encoded_len(64) + 1];
	enum od_code rc = statement_parse(r->statement, r->statement_len, &st,
					  err);

	if (rc != OD_OK)
		return rc;
	hex_encode(r->hash, 32, hash);
	b64_encode(r->signature, 64, sig);
	if (j->export_dir != NULL) {
		rc = cli_export_entry(j->export_dir, r, st->actor, err);
	} else if (j->format == LOG_JSON) {
		json_t *obj = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s#}",
					"seq", (json_int_t)r->seq,
					"kind", statement_kind_name(st->kind),
					"signer", st->actor, "hash", hash,
					"signature", sig, "statement",
					r->statement, (int)r->statement_len);
		char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

		json_decref(obj);
		if (text == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		else
			fprintf(j->c->out, "%s\n  %s", j->count ? "," : "",
				text);
		free(text);
	} else {
		fprintf(j->c->out, "--- entry %lld: %s by %s\nhash: %s\n"
			"signature: %s\n%.*s\n", r->seq,
			statement_kind_name(st->kind), st->actor, hash, sig,
			(int)r->statement_len, r->statement);
	}
	j->count++;
	statement_free(st);
	return rc;
}

static enum od_code cmd_log(struct cli *c, int argc, char **argv,
			    struct od_err *err)
{
	static const struct option opts[] = {
		{ "order", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "export", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	struct log_job j = { c, LOG_TEXT, NULL, 0 };
	const char *order = NULL;
	struct shop *sh = NULL;
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o')
			order = optarg;
		else if (opt == 'f' && strcmp(optarg, "text") == 0)
			j.format = LOG_TEXT;
		else if (opt == 'f' && strcmp(optarg, "json") == 0)
			j.format = LOG_JSON;
		else if (opt == 'x')
			j.export_dir = optarg;
		else
			return cli_usage(&cmd_log_entry, err);
	}
	if (optind != argc)
		return cli_usage(&cmd_log_entry, err);
	if (j.export_dir != NULL && mkdir(j.export_dir, 0700) != 0 &&
	    errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %s: %s",
				  j.export_dir, strerror(errno));
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc != OD_OK)
		return rc;
	if (j.format == LOG_JSON && j.export_dir == NULL)
		fputc('[', c->out);
	rc = store_log_each(sh->store, order, log_entry, &j, err);
	if (rc == OD_OK && j.format == LOG_JSON && j.export_dir == NULL)
		fprintf(c->out, "%s]\n", j.count ? "\n" : "");
	if (rc == OD_OK && j.export_dir != NULL)
		fprintf(c->out, "Exported %lld entries to %s.\n", j.count,
			j.export_dir);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_log_entry = {
	"log", "[--order NUMBER] [--format text|json] [--export DIR]",
	"the signed statements, exactly as signed", cmd_log,
};
