/*
 * main-orderdeskd.c - the reference shop backend's entry point.
 *
 *   orderdeskd --dir DIR init --shop NAME [--host NAME_OR_IP ...]
 *                             [--code-ttl SECONDS]
 *   orderdeskd --dir DIR code [--ttl SECONDS]
 *   orderdeskd --dir DIR serve [--listen 127.0.0.1:8443] [--conf-dir DIR]
 *   orderdeskd --dir DIR desk add|revoke NAME
 *   orderdeskd --dir DIR storefront add|revoke NAME
 *   orderdeskd --dir DIR import [--storefront NAME] FILE
 *   orderdeskd --dir DIR verify
 *   orderdeskd --dir DIR key       the log's verifier key (checkpoints)
 *
 * serve logs one line per request to stderr (peer, route, status, counts:
 * never a statement, a key or customer data); SIGTERM or SIGINT stop it
 * cleanly, SIGHUP rereads orderdeskd.conf and restarts the listener with
 * the new limits.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "app/orderdeskd/backend.h"
#include "app/orderdeskd/backend-backup.h"
#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend-proof.h"
#include "app/orderdeskd/events.h"
#include "app/orderdeskd/events-cmd.h"
#include "app/orderdeskd/notify.h"
#include "app/orderdeskd/serve-conf.h"
#include "app/import/import.h"
#include "app/log/ledger.h"
#include "app/keys/pki.h"
#include "lib/file.h"
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
	pthread_mutex_lock(&sc->lock);
	status = backend_route_request(sc->b, &sc->guard, &sc->cfg, &peer,
				       req->peer_addr, req->method, req->path,
				       &args, req->body, req->len, out, note,
				       sizeof note);
	if (strcmp(req->path, WIRE_JOIN_PATH) == 0)
		event_join(req->peer_addr, status, note);
	else if (status == 401 || status == 403)
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
		hc.open_max_body = JOIN_BODY_MAX;
		hc.max_response = 3 * BACKEND_PAGE_BYTES + 1024 * 1024;
		hc.timeout_s = cfg->timeout_s;
		hc.request_time_s = cfg->request_time_s;
		hc.handler = handle;
		hc.log = server_log;
		hc.peer_refused = refused;
		hc.open_path = WIRE_JOIN_PATH;
		hc.open_refused = join_refused;
		hc.content_type = backend_route_content_type;
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
static enum od_code cmd_serve(const char *dir, int argc, char **argv,
			      struct od_err *err)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "conf-dir", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
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
		else
			break;
	}
	if (opt != -1 || optind != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "serve [--listen ADDRESS:PORT] [--conf-dir "
				  "DIR]");
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
	while (rc == OD_OK) {
		sig = notify_sigwait(&set);
		if (sig != SIGHUP)
			break;
		rc = reload(dir, conf_dir, listen, sc, &srv, err);
	}
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

/* Reads a code's lifetime in seconds (1 s to 30 days); 0 if bad. */
static long long parse_ttl(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *end == '\0' && end != s && v > 0 && v <= JOIN_CODE_TTL_MAX ?
	       v : 0;
}

/* Issues a join code in dir's store and prints it with its expiry. */
static enum od_code print_code(const char *dir, long long ttl,
			       const char *pin, struct od_err *err)
{
	char code[JOIN_CODE_LEN + 1], when[32];
	struct backend *b = NULL;
	long long expires = 0;
	enum od_code rc;
	time_t t;
	struct tm tm;

	rc = backend_open(dir, 0, &b, err);
	if (rc == OD_OK)
		rc = backend_join_code(b, ttl, code, &expires, err);
	backend_close(b);
	if (rc != OD_OK)
		return rc;
	t = (time_t)expires;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	printf("join code:        %s\n"
	       "                  (one desk, once; expires %s)\n\n"
	       "On the first desk, with the backend serving:\n\n"
	       "  orderdesk init --backend https://HOST:PORT --pin %s \\\n"
	       "      --code %s --owner NAME\n",
	       code, when, pin != NULL ? pin : "PIN", code);
	secret_wipe(code, sizeof code);
	return OD_OK;
}

/* `code [--ttl SECONDS]`: another join code (say, the first expired). */
static enum od_code cmd_code(const char *dir, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "ttl", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	long long ttl = JOIN_CODE_TTL;
	char *cert = NULL, pin[PKI_PIN_LEN + 1];
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (opt != 't' || (ttl = parse_ttl(optarg)) == 0)
			return od_err_set(err, OD_E_USAGE, "usage: orderdeskd "
					  "--dir DIR code [--ttl SECONDS] "
					  "(1 to %d)", JOIN_CODE_TTL_MAX);
	if (optind != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "code [--ttl SECONDS]");
	rc = backend_read_pem(dir, "server.pem", &cert, err);
	if (rc == OD_OK)
		rc = pki_pin(cert, pin, err);
	free(cert);
	if (rc == OD_OK)
		rc = print_code(dir, ttl, pin, err);
	return rc;
}

/* `init`: a new backend directory; prints what the first desk needs. */
static enum od_code cmd_init(const char *dir, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "shop", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "code-ttl", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hosts[BACKEND_HOSTS_MAX], *shop = NULL;
	struct backend_init_report rep;
	long long ttl = JOIN_CODE_TTL;
	size_t nhosts = 0;
	enum od_code rc;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 's') {
			shop = optarg;
		} else if (opt == 'H' && nhosts < BACKEND_HOSTS_MAX) {
			hosts[nhosts++] = optarg;
		} else if (opt == 't' && (ttl = parse_ttl(optarg)) != 0) {
			continue;
		} else {
			shop = NULL;
			break;
		}
	}
	if (shop == NULL || optind != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "init --shop NAME [--host NAME_OR_IP ...] "
				  "[--code-ttl SECONDS] (at most %d hosts)",
				  BACKEND_HOSTS_MAX);
	rc = backend_init(dir, shop, hosts, nhosts, &rep, err);
	if (rc != OD_OK)
		return rc;
	printf("Made the backend for \"%s\" in %s.\n\n"
	       "backend pin:      %s\n"
	       "head-signing key: %s\n"
	       "log key:          %s\n",
	       shop, dir, rep.pin, rep.head_key, rep.log_key);
	rc = print_code(dir, ttl, rep.pin, err);
	if (rc == OD_OK)
		printf("\n(A desk made before the backend attaches with the "
		       "bundle in %s/%s/:\n  orderdesk sync --backend URL "
		       "--pin PIN --ca ca.pem --cert desk.pem --key desk.key\n"
		       "  which seals the key in the desk's store: then delete "
		       "desk.key here.)\n", dir, BACKEND_JOIN_DIR);
	return rc;
}

/* Keeps a revocation in the security events (said even if the store
 * cannot be opened: the revocation itself is done). */
static void say_revoked(const char *dir, const char *name, int storefront)
{
	struct backend *b = NULL;
	struct od_err err;

	event_say(EVENT_DESK_REVOKED, "", name, storefront ?
		  "storefront certificate revoked" :
		  "desk certificate revoked");
	if (backend_open(dir, 0, &b, &err) == OD_OK)
		events_flush(backend_store(b));
	else
		fprintf(stderr, "orderdeskd: the revocation is not in the "
			"security events: %s\n", err.msg);
	backend_close(b);
}

/* `desk add NAME`: a client certificate bundle in DIR/desks/NAME/. */
static enum od_code cmd_desk(const char *dir, int argc, char **argv,
			     struct od_err *err)
{
	char *ca = NULL, *ca_key = NULL, *cert = NULL, *key = NULL;
	char path[4096];
	enum od_code rc;
	FILE *f;

	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		rc = backend_revoke(dir, argv[2], 0, err);
		if (rc == OD_OK)
			say_revoked(dir, argv[2], 0);
		if (rc == OD_OK)
			printf("Revoked the desk certificate %s: a serving "
			       "backend refuses it from its next request.\n",
			       argv[2]);
		return rc;
	}
	if (argc != 3 || strcmp(argv[1], "add") != 0)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "desk add|revoke NAME");
	rc = backend_read_pem(dir, "ca.pem", &ca, err);
	if (rc == OD_OK)
		rc = backend_read_pem(dir, "ca.key", &ca_key, err);
	if (rc == OD_OK)
		rc = pki_make_leaf(ca, ca_key, PKI_CLIENT, argv[2], NULL, 0,
				   &cert, &key, err);
	snprintf(path, sizeof path, "%s/desks", dir);
	if (rc == OD_OK && mkdir(path, 0700) != 0 && errno != EEXIST)
		rc = od_err_set(err, OD_E_IO, "cannot create %.200s: %s", path,
				strerror(errno));
	snprintf(path, sizeof path, "%s/desks/%s", dir, argv[2]);
	if (rc == OD_OK && mkdir(path, 0700) != 0)
		rc = od_err_set(err, errno == EEXIST ? OD_E_EXISTS : OD_E_IO,
				"cannot create %.200s: %s", path,
				strerror(errno));
	/* umask 077 makes each file 0600. */
	if (rc == OD_OK) {
		const char *names[3] = { "ca.pem", "desk.pem", "desk.key" };
		const char *texts[3] = { ca, cert, key };
		char file[4200];
		int i;

		for (i = 0; i < 3 && rc == OD_OK; i++) {
			snprintf(file, sizeof file, "%s/%s", path, names[i]);
			f = fopen(file, "wx");
			if (f == NULL || fputs(texts[i], f) < 0 ||
			    fclose(f) != 0)
				rc = od_err_set(err, OD_E_IO, "cannot write "
						"%.200s", file);
		}
	}
	if (rc == OD_OK)
		printf("Made a desk certificate for %s in %s/ (ca.pem, "
		       "desk.pem, desk.key).\n", argv[2], path);
	free(ca);
	free(cert);
	secret_free_str(ca_key);
	secret_free_str(key);
	return rc;
}

/* `storefront add NAME`: its bundle and the key to approve. */
static enum od_code cmd_storefront(const char *dir, int argc, char **argv,
				   struct od_err *err)
{
	struct backend_storefront_report rep;
	enum od_code rc;

	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		rc = backend_revoke(dir, argv[2], 1, err);
		if (rc == OD_OK)
			say_revoked(dir, argv[2], 1);
		if (rc == OD_OK)
			printf("Revoked the storefront certificate %s: a "
			       "serving backend refuses it from its next "
			       "request.\n", argv[2]);
		return rc;
	}
	if (argc != 3 || strcmp(argv[1], "add") != 0)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "storefront add|revoke NAME");
	rc = backend_storefront_add(dir, argv[2], &rep, err);
	if (rc != OD_OK)
		return rc;
	printf("Made storefront %s: its bundle is %s/%s/%s/ (ca.pem, "
	       "storefront.pem, storefront.key).\n"
	       "It posts orders to /v1/orders; the backend signs them with the "
	       "storefront's key:\n  %s\n"
	       "The shop's owner approves that key once, on a desk:\n\n"
	       "  orderdesk sync --approve-storefront %s --key %s\n",
	       argv[2], dir, BACKEND_SF_DIR, argv[2], rep.pubkey, argv[2],
	       rep.pubkey);
	return OD_OK;
}

/* Prints the outcome of one imported order: refusals only. */
static void import_said(void *ctx, const char *number, long long seq,
			const char *reason)
{
	if (seq <= 0)
		fprintf(stderr, "orderdeskd: order %s refused: %s\n", number,
			reason);
}

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

/* `import [--storefront NAME] FILE`: orders placed as a storefront. */
static enum od_code cmd_import(const char *dir, int argc, char **argv,
			       struct od_err *err)
{
	static const struct option opts[] = {
		{ "storefront", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_reader *in = NULL;
	struct backend *b = NULL;
	const char *name = NULL;
	size_t accepted = 0;
	char only[64];
	enum od_code rc;
	int opt, n;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 's')
			return od_err_set(err, OD_E_USAGE, "usage: orderdeskd "
					  "--dir DIR import [--storefront "
					  "NAME] FILE");
		name = optarg;
	}
	if (optind + 1 != argc)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "import [--storefront NAME] FILE");
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
	/* The serving backend holds the store: take its lock, as serve does. */
	if (rc == OD_OK)
		rc = backend_open(dir, 1, &b, err);
	if (rc == OD_OK)
		rc = backend_import_from(b, name, in, import_said, NULL,
					 &accepted, err);
	if (rc == OD_OK)
		printf("Placed %zu orders as storefront %s.\n", accepted,
		       name);
	backend_close(b);
	import_close(in);
	return rc;
}

/* `verify`: replays the backend's log as `orderdesk audit verify` does. */
static enum od_code cmd_verify(const char *dir, int argc, char **argv,
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
static enum od_code cmd_key(const char *dir, int argc, char **argv,
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
 * written. */
static enum od_code cmd_backup(const char *dir, int argc, char **argv,
			       struct od_err *err)
{
	struct backend_backup_report rep;
	enum od_code rc;

	if (argc != 2)
		return od_err_set(err, OD_E_USAGE, "usage: orderdeskd --dir DIR "
				  "backup FILE");
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
static enum od_code cmd_restore(const char *dir, int argc, char **argv,
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rlimit none = { 0, 0 };
	struct od_err err;
	const char *dir = NULL, *cmd;
	enum od_code rc;
	int opt;

	setrlimit(RLIMIT_CORE, &none);
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	od_err_clear(&err);
	while ((opt = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		if (opt == 'd') {
			dir = optarg;
		} else if (opt == 'V') {
			printf("orderdeskd %s\n", OD_VERSION);
			return 0;
		} else {
			fprintf(opt == 'h' ? stdout : stderr,
				"usage: orderdeskd --dir DIR init --shop NAME "
				"[--host NAME_OR_IP ...] [--code-ttl "
				"SECONDS]\n"
				"       orderdeskd --dir DIR code [--ttl "
				"SECONDS]\n"
				"       orderdeskd --dir DIR serve [--listen "
				"ADDRESS:PORT] [--conf-dir DIR]\n"
				"       orderdeskd --dir DIR desk add|revoke "
				"NAME\n"
				"       orderdeskd --dir DIR storefront "
				"add|revoke NAME\n"
				"       orderdeskd --dir DIR import "
				"[--storefront NAME] FILE\n"
				"       orderdeskd --dir DIR verify\n"
				"       orderdeskd --dir DIR key\n"
				"       orderdeskd --dir DIR events [--since "
				"AGE] [--kind KIND] [--summary]\n"
				"       orderdeskd --dir DIR backup FILE\n"
				"       orderdeskd --dir NEWDIR restore --key "
				"BACKEND_KEY FILE\n"
				"       orderdeskd --version | --help\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (dir == NULL || optind >= argc) {
		fprintf(stderr, "orderdeskd: say --dir DIR and a command "
			"(orderdeskd --help lists them)\n");
		return 2;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;  /* glibc: restart getopt for the command */
	/* Holds the CA's and the server's keys: nobody else may write in it.
	 * `init` may make an empty one 0700; nothing was put there yet. */
	rc = file_check_private_dir(dir, strcmp(cmd, "init") == 0 ||
				    strcmp(cmd, "restore") == 0, &err);
	if (rc != OD_OK)
		goto out;
	if (strcmp(cmd, "init") == 0)
		rc = cmd_init(dir, argc, argv, &err);
	else if (strcmp(cmd, "code") == 0)
		rc = cmd_code(dir, argc, argv, &err);
	else if (strcmp(cmd, "serve") == 0)
		rc = cmd_serve(dir, argc, argv, &err);
	else if (strcmp(cmd, "desk") == 0)
		rc = cmd_desk(dir, argc, argv, &err);
	else if (strcmp(cmd, "storefront") == 0)
		rc = cmd_storefront(dir, argc, argv, &err);
	else if (strcmp(cmd, "import") == 0)
		rc = cmd_import(dir, argc, argv, &err);
	else if (strcmp(cmd, "verify") == 0)
		rc = cmd_verify(dir, argc, argv, &err);
	else if (strcmp(cmd, "key") == 0)
		rc = cmd_key(dir, argc, argv, &err);
	else if (strcmp(cmd, "events") == 0)
		rc = events_cmd(dir, argc, argv, &err);
	else if (strcmp(cmd, "backup") == 0)
		rc = cmd_backup(dir, argc, argv, &err);
	else if (strcmp(cmd, "restore") == 0)
		rc = cmd_restore(dir, argc, argv, &err);
	else
		rc = od_err_set(&err, OD_E_USAGE, "unknown command %.32s "
				"(orderdeskd --help lists them)", cmd);
out:
	if (rc != OD_OK) {
		fprintf(stderr, "orderdeskd: %s\n", err.msg);
		return od_code_exit_status(rc);
	}
	return 0;
}
