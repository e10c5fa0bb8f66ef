/*
 * cmd-conflicts.c - `orderdesk conflicts`: the statements signed here that
 * sync set aside because the backend's log had moved on.
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sync/sync-status.h"
#include "lib/encode.h"

struct conflicts_job {
	struct cli *c;
	int json;
	json_t *list;
	long long count;
};

/* Prints or gathers one conflict. */
static enum od_code conflict_cb(void *ctx, const struct conflict_record *k,
				struct od_err *err)
{
	struct conflicts_job *j = ctx;
	char sig[b64_encoded_len(64) + 1];
	struct buf b;
	json_t *o;
	enum od_code rc;

	j->count++;
	if (!j->json) {
		buf_init(&b, 8192);
		rc = sync_conflict_line(k, &b, err);
		if (rc == OD_OK)
			fprintf(j->c->out, "%s %s%.*s\n", k->at,
				k->acked ? "" : "(new) ", (int)b.len, b.data);
		buf_free(&b);
		return rc;
	}
	b64_encode(k->signature, 64, sig);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s%, "
		      "s:s, s:b}", "n", (json_int_t)k->n, "id", k->stmt_id,
		      "order", k->order, "kind", k->kind, "actor", k->actor,
		      "at", k->at, "refused_by", k->source, "reason",
		      k->reason, "truth", k->truth, "statement", k->statement,
		      k->statement_len, "signature", sig, "new", !k->acked);
	if (o == NULL || json_array_append_new(j->list, o) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

static enum od_code cmd_conflicts(struct cli *c, int argc, char **argv,
				  struct od_err *err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "ack", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct conflicts_job j;
	struct shop *sh = NULL;
	char *text;
	enum od_code rc;
	int opt, ack = 0;

	memset(&j, 0, sizeof j);
	j.c = c;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'f' && strcmp(optarg, "json") == 0)
			j.json = 1;
		else if (opt == 'f' && strcmp(optarg, "text") == 0)
			j.json = 0;
		else if (opt == 'a')
			ack = 1;
		else
			return cli_usage(&cmd_conflicts_entry, err);
	}
	if (optind != argc)
		return cli_usage(&cmd_conflicts_entry, err);
	j.list = json_array();
	if (j.list == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = cli_unlock(c, ack ? SHOP_WRITE : SHOP_READ, &sh, err);
	if (rc == OD_OK)
		rc = sync_conflicts_each(sh, 0, conflict_cb, &j, err);
	if (rc == OD_OK && ack)
		rc = sync_conflicts_ack(sh, err);
	if (rc == OD_OK && j.json) {
		text = json_dumps(j.list, JSON_INDENT(2));
		if (text == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		else
			fprintf(c->out, "%s\n", text);
		free(text);
	} else if (rc == OD_OK && j.count == 0) {
		fprintf(c->out, "No conflicts: every statement signed here "
			"reached the backend or still waits.\n");
	}
	if (rc == OD_OK)
		rc = cli_flush(c, err);
	json_decref(j.list);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_conflicts_entry = {
	"conflicts", "[--format text|json] [--ack]",
	"statements sync set aside because another desk changed the order "
	"first (--ack: mark them as seen)",
	cmd_conflicts,
};
