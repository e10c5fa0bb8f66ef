/* webhook-listen.c - the webhooks' own listener (webhook-listen.h). */
#include "app/orderdeskd/webhook-listen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/orderdeskd/webhook.h"
#include "lib/secret.h"

#define PEM_FILE_MAX (256 * 1024)

int webhook_listen_opt(struct webhook_listen *wl, int opt, const char *arg)
{
	if (opt == 'W')
		wl->spec = arg;
	else if (opt == 'C')
		wl->cert_path = arg;
	else if (opt == 'K')
		wl->key_path = arg;
	else
		return 0;
	return 1;
}

enum od_code webhook_listen_check(struct webhook_listen *wl,
				  struct od_err *err)
{
	int n = (wl->spec != NULL) + (wl->cert_path != NULL) +
		(wl->key_path != NULL);

	if (n == 0)
		return OD_OK;
	if (n != 3)
		return od_err_set(err, OD_E_USAGE, "--webhooks needs "
				  "--webhooks-cert FILE and --webhooks-key "
				  "FILE: the certificate the storefronts "
				  "trust, and its key");
	backend_config_default(&wl->where);
	snprintf(wl->started, sizeof wl->started, "%s", wl->spec);
	return backend_config_listen(&wl->where, wl->spec, err);
}

/*
 * Where to listen and with which files: the command line's, else
 * orderdeskd.conf's (cfg, checked when it was read).  0: neither asks.  A
 * new address from the file is parsed again; the same keeps the port a
 * 0 picked.
 */
static int where_to(struct webhook_listen *wl,
		    const struct backend_config *cfg, const char **cert,
		    const char **key)
{
	struct od_err ignored;

	if (wl->spec != NULL) {
		*cert = wl->cert_path;
		*key = wl->key_path;
		return 1;
	}
	*cert = cfg->webhooks_cert;
	*key = cfg->webhooks_key;
	if (cfg->webhooks[0] == '\0')
		return 0;
	if (strcmp(cfg->webhooks, wl->started) != 0) {
		backend_config_default(&wl->where);
		if (backend_config_listen(&wl->where, cfg->webhooks,
					  &ignored) != OD_OK)
			return 0;
		snprintf(wl->started, sizeof wl->started, "%s", cfg->webhooks);
	}
	return 1;
}

/*
 * Reads an operator's PEM file whole (a symbolic link is followed: ACME
 * clients keep the current files as links).  A key others may read is
 * refused.
 */
static enum od_code read_pem(const char *path, int key, char **out,
			     struct od_err *err)
{
	struct stat st;
	ssize_t n;
	size_t len = 0;
	char *p;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return od_err_set(err, OD_E_IO, "cannot read %.200s: %s", path,
				  fd < 0 ? strerror(errno) : "not a file");
	}
	if (key && (st.st_mode & 007) != 0) {
		close(fd);
		return od_err_set(err, OD_E_AUTH, "%.200s may be read by "
				  "anyone; chmod o-rwx it (and consider the "
				  "key exposed)", path);
	}
	p = calloc(1, PEM_FILE_MAX + 1);
	if (p == NULL) {
		close(fd);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	while (len < PEM_FILE_MAX && ((n = read(fd, p + len,
			PEM_FILE_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	close(fd);
	if (len == 0 || len >= PEM_FILE_MAX) {
		secret_wipe(p, PEM_FILE_MAX);
		free(p);
		return od_err_set(err, OD_E_INPUT, "%.200s is empty or larger "
				  "than %d bytes", path, PEM_FILE_MAX);
	}
	*out = p;
	return OD_OK;
}

/* Answers webhook paths through the desks' listener's handler; 404. */
static unsigned only_hooks(void *ctx, const struct https_request *req,
			   struct buf *out)
{
	struct webhook_listen *wl = ctx;
	char note[160];

	if (webhook_path(req->path) && strcmp(req->method, "POST") == 0)
		return wl->handler(wl->ctx, req, out);
	return backend_reply_error(out, 404, "this listener serves only the "
				   "storefronts' webhooks (POST "
				   WEBHOOK_PREFIX "...)", note, sizeof note);
}

static void hooks_log(void *ctx, const char *line)
{
	struct webhook_listen *wl = ctx;

	if (wl->log != NULL)
		wl->log(wl->ctx, line);
}

static void hooks_refused(void *ctx, const char *addr)
{
	struct webhook_listen *wl = ctx;

	if (wl->refused != NULL)
		wl->refused(wl->ctx, addr);
}

/* The listener's configuration: cfg's limits, the operator's files. */
static void configure(struct webhook_listen *wl,
		      const struct backend_config *cfg, const char *cert,
		      const char *key, const char *ca,
		      struct https_config *hc)
{
	memset(hc, 0, sizeof *hc);
	hc->cert_pem = cert;
	hc->key_pem = key;
	hc->ca_pem = ca;
	hc->address = wl->where.address;
	hc->port = wl->where.port;
	hc->max_connections = cfg->max_connections;
	hc->max_per_ip = cfg->max_per_ip;
	hc->max_body = WEBHOOK_BODY_MAX;
	hc->open_max_body = WEBHOOK_BODY_MAX;
	hc->max_response = 64 * 1024;
	hc->timeout_s = cfg->timeout_s;
	hc->request_time_s = cfg->request_time_s;
	hc->handler = only_hooks;
	hc->log = hooks_log;
	/* No certificate asked for but the webhooks' paths. */
	hc->open_path = WEBHOOK_PREFIX;
	hc->open_prefix = WEBHOOK_PREFIX;
	hc->open_prefix_max_body = WEBHOOK_BODY_MAX;
	hc->open_refused = hooks_refused;
	hc->ctx = wl;
}

enum od_code webhook_listen_start(struct webhook_listen *wl, const char *dir,
				  const struct backend_config *cfg,
				  https_handler_fn handler, https_log_fn log,
				  void (*refused)(void *ctx, const char *addr),
				  void *ctx, struct od_err *err)
{
	char *cert = NULL, *key = NULL, *ca = NULL, line[200];
	const char *cert_path, *key_path;
	struct https_config hc;
	enum od_code rc;

	/* Kept even when nothing listens: a SIGHUP may bring settings. */
	wl->handler = handler;
	wl->log = log;
	wl->refused = refused;
	wl->ctx = ctx;
	if (!where_to(wl, cfg, &cert_path, &key_path))
		return OD_OK;
	rc = read_pem(cert_path, 0, &cert, err);
	if (rc == OD_OK)
		rc = read_pem(key_path, 1, &key, err);
	if (rc == OD_OK)
		rc = backend_read_pem(dir, "ca.pem", &ca, err);
	if (rc == OD_OK) {
		configure(wl, cfg, cert, key, ca, &hc);
		rc = https_server_start(&hc, &wl->srv, err);
	}
	if (rc == OD_OK) {
		wl->where.port = https_server_port(wl->srv);
		/* Not "TLS": events.c takes such a line for a handshake. */
		snprintf(line, sizeof line, "serving webhooks on %s:%u (the "
			 "certificate of %s; only " WEBHOOK_PREFIX ")",
			 wl->where.address, wl->where.port,
			 wl->spec != NULL ? "--webhooks-cert" :
			 "webhooks_cert");
		hooks_log(wl, line);
	}
	free(cert);
	secret_free_str(key);
	free(ca);
	return rc;
}

enum od_code webhook_listen_again(struct webhook_listen *wl, const char *dir,
				  const struct backend_config *cfg,
				  struct od_err *err)
{
	return webhook_listen_start(wl, dir, cfg, wl->handler, wl->log,
				    wl->refused, wl->ctx, err);
}

void webhook_listen_stop(struct webhook_listen *wl)
{
	https_server_stop(wl->srv);
	wl->srv = NULL;
}
