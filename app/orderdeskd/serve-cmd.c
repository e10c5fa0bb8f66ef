/*
 * serve-cmd.c - `orderdeskd --dir DIR serve`: the HTTPS listener over the
 * backend's routes, one log line per request, SIGHUP to reload.
 */
#include "app/orderdeskd/commands.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/evidence-wire.h"
#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend-witness.h"
#include "app/orderdeskd/events.h"
#include "app/orderdeskd/notify.h"
#include "app/orderdeskd/serve-conf.h"
#include "app/orderdeskd/webhook.h"
#include "app/orderdeskd/webhook-listen.h"
#include "lib/secret.h"
#include "net/https-server.h"

/* Prints one log line with the time. */
static void log_line(void *ctx, const char *line)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "orderdeskd: %s %s\n", now, line);
}

/* Whether s is short, printable ASCII: safe to put in the log as is. */
static int loggable(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 64 || s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

/*
 * What the server's callbacks share.  The server calls them from its pool
 * of threads (net/https-server.h): lock makes each call into the backend
 * (its one store handle, the join guard's tries, the revocation list) the
 * only one under way, while handshakes and bodies go on in parallel.
 * cfg changes only on SIGHUP, with the server stopped.
 */
struct serve_ctx {
	struct backend *b;
	struct backend_config cfg;
	struct join_guard guard;
	pthread_mutex_t lock;
};

/* Hands a request to the backend's routes and logs the outcome. */
static unsigned handle(void *ctx, const struct https_request *req,
		       struct buf *out)
{
	struct serve_ctx *sc = ctx;
	struct backend_peer peer;
	struct backend_args args;
	char note[160], line[400];
	unsigned status;

	/* No certificate: no name, and only joining is answered. */
	peer.name = req->anonymous ? NULL : req->peer;
	peer.storefront = strcmp(req->peer_unit, PKI_STOREFRONT_UNIT) == 0;
	backend_args_from(req, &args);
	events_request(req->peer_addr, peer.name);
	/* A desk asking for the checkpoint gets it cosigned by the witnesses
	 * due, who are asked without the lock (backend-witness.h). */
	if (peer.name != NULL && !peer.storefront &&
	    strcmp(req->method, "GET") == 0 &&
	    strcmp(req->path, "/v1/checkpoint") == 0)
		backend_witness_round(sc->b, &sc->cfg.witnesses, &sc->lock);
	pthread_mutex_lock(&sc->lock);
	status = backend_route_request(sc->b, &sc->guard, &sc->cfg, &peer,
				       req->peer_addr, req->method, req->path,
				       &args, req->body, req->len, out, note,
				       sizeof note);
	if (strcmp(req->path, WIRE_JOIN_PATH) == 0)
		event_join(req->peer_addr, status, note);
	else if ((status == 401 || status == 403) && !webhook_path(req->path))
		event_say(EVENT_REQUEST_REFUSED, NULL, NULL, note);
	events_flush(backend_store(sc->b));
	pthread_mutex_unlock(&sc->lock);
	events_request(NULL, NULL);
	snprintf(line, sizeof line, "%s %s %s: %u, %s",
		 req->anonymous ? "(no certificate)" :
		 loggable(req->peer) ? req->peer : "(peer)",
		 loggable(req->method) ? req->method : "(method)",
		 loggable(req->path) ? req->path : "(path)", status, note);
	log_line(NULL, line);
	return status;
}

/* Refuses a revoked certificate (the backend rereads its list). */
static int refused(void *ctx, const char *serial, const char *cn)
{
	struct serve_ctx *sc = ctx;
	char line[200];
	int revoked;

	pthread_mutex_lock(&sc->lock);
	revoked = backend_revoked(sc->b, serial);
	pthread_mutex_unlock(&sc->lock);
	if (!revoked)
		return 0;
	snprintf(line, sizeof line, "refused revoked certificate %s (%s)",
		 serial, loggable(cn) ? cn : "(name)");
	log_line(NULL, line);
	event_revoked(serial, cn);
	return 1;
}

/* The server's log: a line, and the event it may be (events.h), kept at
 * once. */
static void server_log(void *ctx, const char *line)
{
	struct serve_ctx *sc = ctx;

	log_line(NULL, line);
	event_from_log(line);
	pthread_mutex_lock(&sc->lock);
	events_flush(backend_store(sc->b));
	pthread_mutex_unlock(&sc->lock);
}

/* A join the server refused for its size is a failed try. */
static void join_refused(void *ctx, const char *addr)
{
	struct serve_ctx *sc = ctx;

	pthread_mutex_lock(&sc->lock);
	backend_join_refused(&sc->guard, addr);
	pthread_mutex_unlock(&sc->lock);
}

/* The server's files, read once per (re)start. */
struct tls_files {
	char *cert, *key, *ca;
};

static void tls_files_free(struct tls_files *f)
{
	free(f->cert);
	secret_free_str(f->key);
	free(f->ca);
	memset(f, 0, sizeof *f);
}

/* Starts listening with the configuration's limits. */
static enum od_code start(const char *dir, struct serve_ctx *sc,
			  const struct backend_config *cfg,
			  struct https_server **srv, struct od_err *err)
{
	struct backend *b = sc->b;
	struct tls_files f = { NULL, NULL, NULL };
	struct https_config hc;
	enum od_code rc;
	char line[160];

	rc = backend_read_pem(dir, "server.pem", &f.cert, err);
	if (rc == OD_OK)
		rc = backend_read_pem(dir, "server.key", &f.key, err);
	if (rc == OD_OK)
		rc = backend_read_pem(dir, "ca.pem", &f.ca, err);
	if (rc == OD_OK) {
		memset(&hc, 0, sizeof hc);
		hc.cert_pem = f.cert;
		hc.key_pem = f.key;
		hc.ca_pem = f.ca;
		hc.address = cfg->address;
		hc.port = cfg->port;
		hc.max_connections = cfg->max_connections;
		hc.max_per_ip = cfg->max_per_ip;
		hc.max_body = cfg->max_body;
		/* One evidence file may pass it, on its own path. */
		hc.big_path = EVIDENCE_WIRE_PATH;
		hc.big_max_body = EVIDENCE_WIRE_MAX;
		hc.open_max_body = JOIN_BODY_MAX;
		hc.max_response = 3 * BACKEND_PAGE_BYTES + 1024 * 1024 +
				  EVIDENCE_WIRE_MAX;
		hc.timeout_s = cfg->timeout_s;
		hc.request_time_s = cfg->request_time_s;
		hc.handler = handle;
		hc.log = server_log;
		hc.peer_refused = refused;
		hc.open_path = WIRE_JOIN_PATH;
		hc.open_refused = join_refused;
		hc.content_type = backend_route_content_type;
		hc.open_prefix = WEBHOOK_PREFIX;
		hc.open_prefix_max_body = WEBHOOK_BODY_MAX;
		hc.ctx = sc;
		sc->cfg = *cfg;
		backend_set_config(b, cfg);
		rc = https_server_start(&hc, srv, err);
	}
	tls_files_free(&f);
	if (rc == OD_OK) {
		snprintf(line, sizeof line, "listening on %s:%u (TLS 1.3, "
			 "client certificates required but for /v1/join)", cfg->address,
			 https_server_port(*srv));
		log_line(NULL, line);
		notify_ready(cfg->address, https_server_port(*srv));
	}
	return rc;
}

/* Reads the configuration (conf_dir's, if given, else dir's), with
 * --listen (if given) winning. */
static enum od_code load_config(const char *dir, const char *conf_dir,
				const char *listen, struct backend_config *cfg,
				struct od_err *err)
{
	enum od_code rc = OD_OK;

	backend_config_default(cfg);
	if (conf_dir != NULL)
		rc = serve_conf_check(conf_dir, err);
	if (rc == OD_OK)
		rc = backend_config_load(conf_dir ? conf_dir : dir, cfg, err);
	if (rc == OD_OK && listen != NULL)
		rc = backend_config_listen(cfg, listen, err);
	return rc;
}

/* SIGHUP: rereads the configuration and restarts the listener with it; a
 * bad file is logged and the running listener kept. */
static enum od_code reload(const char *dir, const char *conf_dir,
			   const char *listen, struct serve_ctx *sc,
			   struct https_server **srv, struct od_err *err)
{
	struct backend_config cfg;
	unsigned port = https_server_port(*srv);
	enum od_code rc;

	notify_reloading();
	rc = load_config(dir, conf_dir, listen, &cfg, err);
	/* --listen ADDRESS:0 picked a port once: keep it. */
	if (listen != NULL)
		cfg.port = port;
	if (rc != OD_OK) {
		log_line(NULL, err->msg);
		notify_ready(sc->cfg.address, port);
		return OD_OK;
	}
	log_line(NULL, "SIGHUP: reloading the configuration");
	https_server_stop(*srv);
	*srv = NULL;
	return start(dir, sc, &cfg, srv, err);
}

/* `serve`: answers until SIGTERM; SIGHUP reloads the configuration. */
enum od_code serve_cmd(const char *dir, int argc, char **argv,
		       struct od_err *err)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "conf-dir", required_argument, NULL, 'c' },
		WEBHOOK_LISTEN_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct webhook_listen wl = { 0 };
	struct backend_config cfg;
	struct https_server *srv = NULL;
	struct serve_ctx *sc = NULL;
	struct backend *b = NULL;
	const char *listen = NULL, *conf_dir = NULL;
	sigset_t set;
	enum od_code rc;
	int opt, sig = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'l')
			listen = optarg;
		else if (opt == 'c')
			conf_dir = optarg;
		else if (!webhook_listen_opt(&wl, opt, optarg))
			break;
	}
	if (opt != -1 || optind != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "serve [--listen ADDRESS:PORT] [--conf-dir "
				  "DIR] " WEBHOOK_LISTEN_USAGE);
	if (webhook_listen_check(&wl, err) != OD_OK)
		return err->code;
	/* Signals go to this thread only: the server's thread inherits the
	 * mask, and sigwait below takes them one at a time. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	rc = load_config(dir, conf_dir, listen, &cfg, err);
	if (rc == OD_OK && conf_dir != NULL)
		log_line(NULL, "reading orderdeskd.conf from --conf-dir (the "
			 "backend directory's is not read)");
	if (rc == OD_OK)
		rc = backend_open(dir, 1, &b, err);
	if (rc == OD_OK && (sc = calloc(1, sizeof *sc)) == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK) {
		sc->b = b;
		pthread_mutex_init(&sc->lock, NULL);
		rc = start(dir, sc, &cfg, &srv, err);
	}
	if (rc == OD_OK)
		rc = webhook_listen_start(&wl, dir, &cfg, handle, server_log,
					  join_refused, sc, err);
	while (rc == OD_OK) {
		sig = notify_sigwait(&set);
		if (sig != SIGHUP)
			break;
		webhook_listen_stop(&wl);
		rc = reload(dir, conf_dir, listen, sc, &srv, err);
		/* Files that cannot be read (a renewal gone wrong) leave the
		 * storefronts' listener down, not the desks'. */
		if (rc == OD_OK &&
		    webhook_listen_again(&wl, dir, &sc->cfg, err) != OD_OK) {
			log_line(NULL, err->msg);
			od_err_clear(err);
		}
	}
	webhook_listen_stop(&wl);
	if (srv != NULL)
		notify_stopping();
	https_server_stop(srv);
	if (sc != NULL)
		pthread_mutex_destroy(&sc->lock);
	free(sc);
	backend_close(b);
	if (rc == OD_OK)
		log_line(NULL, sig == SIGINT ? "stopped (SIGINT)" :
			 "stopped (SIGTERM)");
	return rc;
}
