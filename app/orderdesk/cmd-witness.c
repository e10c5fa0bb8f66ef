/*
 * cmd-witness.c - `orderdesk witness`: a C2SP tlog-witness for the shop's
 * log (app/witness/witness.h), on the owner's second machine or anywhere.
 *
 *   witness key --dir DIR [--name NAME]     its cosigner key, for desks
 *   witness key                             this desk's own cosigner key
 *                                           (app/sync/sync-cosign.h)
 *   witness add-log --dir DIR VKEY          witness the log of VKEY
 *   witness serve --dir DIR --listen A:P    answer POST /add-checkpoint
 *   witness policy --add VKEY... --quorum N the owner names the witnesses
 *                                           desks demand (cmd-witness-
 *                                           policy.c)
 *   witness name-log-key VKEY               the owner names the log's key
 *
 * It serves HTTPS (net/https-server.c) with a certificate of its own made
 * on first serve (DIR/ca.pem is what clients trust); no client
 * certificate is asked for: what it cosigns is checked by signature and
 * proof, not by who sends it.
 */
#include "app/orderdesk/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/keys/pki.h"
#include "app/log/cosignature.h"
#include "app/orderdesk/cmd-witness-policy.h"
#include "app/sync/sync-cosign.h"
#include "app/witness/witness.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "net/https-server.h"

extern const struct cli_command cmd_witness_entry;

/* Splits "ADDR:PORT" into addr (size 64) and *port. */
static int parse_listen(const char *s, char addr[64], unsigned *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long p;

	if (colon == NULL || colon == s || colon - s >= 64 || colon[1] == '\0')
		return 0;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	*port = (unsigned)p;
	return *end == '\0' && errno == 0 && p <= 65535;
}

/* Reads a small PEM file into *out (the caller frees it). */
static enum od_code read_pem(const char *dir, const char *name, char **out,
			     struct od_err *err)
{
	char path[4096];
	struct buf b;
	enum od_code rc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	buf_init(&b, 65536);
	rc = file_read_capped(path, 65536, 0, &b, err);
	if (rc == OD_OK && b.len == 0)
		rc = od_err_set(err, OD_E_IO, "cannot read %s", path);
	*out = rc == OD_OK ? buf_take(&b) : NULL;
	buf_free(&b);
	return rc;
}

/* Writes dir/name from text (0600, atomically). */
static enum od_code write_pem(const char *dir, const char *name,
			      const char *text, struct od_err *err)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return file_write_atomic(path, text, strlen(text), err);
}

/* Makes the witness's TLS certificate for addr, unless it has one. */
static enum od_code make_tls(const char *dir, const char *addr,
			     struct od_err *err)
{
	char host[256] = "localhost";
	const char *hosts[3] = { addr, "localhost", host };
	char *ca = NULL, *cakey = NULL, *cert = NULL, *key = NULL, path[4096];
	enum od_code rc;

	snprintf(path, sizeof path, "%s/server.pem", dir);
	if (access(path, F_OK) == 0)
		return OD_OK;
	/* Reached by this machine's name too, not only the address. */
	if (gethostname(host, sizeof host - 1) != 0 || !pki_name_ok(host))
		snprintf(host, sizeof host, "localhost");
	rc = pki_make_ca("orderdesk witness", &ca, &cakey, err);
	if (rc == OD_OK)
		rc = pki_make_leaf(ca, cakey, PKI_SERVER, "orderdesk-witness",
				   hosts, 3, &cert, &key, err);
	if (rc == OD_OK)
		rc = write_pem(dir, "ca.pem", ca, err);
	if (rc == OD_OK)
		rc = write_pem(dir, "server.key", key, err);
	if (rc == OD_OK)
		rc = write_pem(dir, "server.pem", cert, err);
	free(ca);
	free(cert);
	secret_free_str(cakey);   /* nothing else is ever signed with it */
	secret_free_str(key);
	return rc;
}

static unsigned handle(void *ctx, const struct https_request *req,
		       struct buf *out)
{
	struct od_err err;

	if (strcmp(req->path, WITNESS_PATH) != 0) {
		buf_addf(out, &err, "not found\n");
		return 404;
	}
	if (strcmp(req->method, "POST") != 0) {
		buf_addf(out, &err, "add-checkpoint takes POST\n");
		return 405;
	}
	return witness_add_checkpoint(ctx, req->body, req->len,
				      (uint64_t)time(NULL), out);
}

static const char *content_type(void *ctx, unsigned status)
{
	return witness_content_type(status);
}

/* Serves w from dir on addr:port until SIGINT or SIGTERM. */
static enum od_code serve(struct cli *c, struct witness *w, const char *dir,
			  const char *addr, unsigned port, struct od_err *err)
{
	struct https_config hc = { 0 };
	struct https_server *srv = NULL;
	char *cert = NULL, *key = NULL, *ca = NULL;
	sigset_t set;
	enum od_code rc;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);   /* the threads inherit it */
	rc = make_tls(dir, addr, err);
	if (rc == OD_OK)
		rc = read_pem(dir, "server.pem", &cert, err);
	if (rc == OD_OK)
		rc = read_pem(dir, "server.key", &key, err);
	if (rc == OD_OK)
		rc = read_pem(dir, "ca.pem", &ca, err);
	if (rc == OD_OK) {
		hc.cert_pem = cert;
		hc.key_pem = key;
		hc.ca_pem = ca;
		hc.address = addr;
		hc.port = port;
		hc.max_connections = 64;
		hc.max_per_ip = 16;
		hc.max_body = WITNESS_BODY_MAX;
		hc.max_response = 4096;
		hc.timeout_s = 30;
		hc.request_time_s = 30;
		hc.handler = handle;
		hc.open_path = WITNESS_PATH;
		hc.content_type = content_type;
		hc.ctx = w;
		hc.threads = 2;
		rc = https_server_start(&hc, &srv, err);
	}
	secret_free_str(key);
	free(cert);
	free(ca);
	if (rc != OD_OK)
		return rc;
	fprintf(c->out, "witness listening on %s:%u\n", addr,
		https_server_port(srv));
	fflush(c->out);
	while (sigwait(&set, &sig) != 0)
		;
	https_server_stop(srv);
	return OD_OK;
}

/* Prints the cosigner key v. */
static enum od_code print_key(struct cli *c, const struct note_verifier *v,
			      struct od_err *err)
{
	struct buf b;
	enum od_code rc;

	buf_init(&b, 512);
	rc = cosigner_text(v, &b, err);
	if (rc == OD_OK)
		fprintf(c->out, "%s\n", b.data);
	buf_free(&b);
	return rc == OD_OK ? cli_flush(c, err) : rc;
}

/* Prints this desk's own cosigner key (app/sync/sync-cosign.h). */
static enum od_code desk_key(struct cli *c, struct od_err *err)
{
	char origin[CHECKPOINT_NAME_MAX + 1], *shop = NULL;
	struct note_verifier v;
	struct shop *sh = NULL;
	enum od_code rc = cli_unlock(c, SHOP_WRITE, &sh, err);

	if (rc == OD_OK)
		rc = store_meta_get(sh->store, "shop", &shop, err);
	if (rc == OD_OK) {
		checkpoint_origin(shop, origin, sizeof origin);
		rc = sync_cosigner(sh->store, origin, NULL, &v, err);
	}
	free(shop);
	shop_close(sh);
	return rc == OD_OK ? print_key(c, &v, err) : rc;
}

static enum od_code run(struct cli *c, int argc, char **argv,
			struct od_err *err)
{
	const char *dir = NULL, *name = NULL, *listen = NULL, *sub;
	struct witness *w = NULL;
	char addr[64];
	unsigned port = 0;
	enum od_code rc;
	int i;

	if (argc < 2)
		return cli_usage(&cmd_witness_entry, err);
	sub = argv[1];
	if (strcmp(sub, "policy") == 0)
		return witness_policy_cmd(c, argc, argv, err);
	if (strcmp(sub, "name-log-key") == 0)
		return witness_log_key_cmd(c, argc, argv, err);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(sub, "add-log") == 0 && i == argc - 1)
			break;
		else
			return cli_usage(&cmd_witness_entry, err);
	}
	if (dir == NULL && strcmp(sub, "key") == 0 && name == NULL)
		return desk_key(c, err);
	if (dir == NULL)
		return cli_usage(&cmd_witness_entry, err);
	if (strcmp(sub, "add-log") == 0)
		return i == argc - 1 ? witness_add_log(dir, argv[i], err)
				     : cli_usage(&cmd_witness_entry, err);
	if (strcmp(sub, "serve") == 0 &&
	    (listen == NULL || !parse_listen(listen, addr, &port)))
		return od_err_set(err, OD_E_USAGE, "witness serve needs "
				  "--listen ADDRESS:PORT (127.0.0.1:8443, say)");
	if (strcmp(sub, "key") != 0 && strcmp(sub, "serve") != 0)
		return cli_usage(&cmd_witness_entry, err);
	rc = witness_open(dir, name, &w, err);
	if (rc == OD_OK && strcmp(sub, "key") == 0) {
		struct note_verifier v;

		witness_key(w, &v);
		rc = print_key(c, &v, err);
	} else if (rc == OD_OK) {
		rc = serve(c, w, dir, addr, port, err);
	}
	witness_close(w);
	return rc;
}

const struct cli_command cmd_witness_entry = {
	"witness",
	"key|serve|add-log [--dir DIR] [--name NAME] [--listen ADDR:PORT] [VKEY]"
	" | policy --add VKEY... --quorum N [--max-age SECONDS]"
	" | name-log-key VKEY",
	"a witness that cosigns the shop's log (C2SP tlog-witness)",
	run,
};
