/*
 * od-evil.c - a backend that lies to its desks, for the sync tests: it
 * serves a real orderdeskd directory (its keys, certificates and store,
 * as an attacker who took the backend holds them) on 127.0.0.1 and bends
 * its answers to pushes.
 *
 *   od-evil DIR MODE [PORT]
 *
 * MODE is one of
 *   drop     a pushed statement is not appended, yet its receipt says
 *            "accepted" with the sequence number it would have had; the
 *            head is the backend's real, signed one;
 *   escape   a pushed statement is refused with a reason full of
 *            terminal escape sequences, and an owner's invite gets a
 *            "code" that clears the screen;
 *   sfbundle GET /v1/people also lists a key bundle for storefront web,
 *            made and signed with the storefront's key the backend holds,
 *            sealed under the passphrase EVIL_PASS;
 *   stale    every page of the log (a GET with a limit above 1: not a
 *            probe) carries the head that the first page carried, while
 *            its entries go on to the real end.
 *   evidence every evidence file served (GET /v1/evidence/HASH) carries
 *            other bytes under the name asked for;
 *   refuse   a POST /v1/people that holds a bundle for the person named
 *            in $EVIL_REFUSE is refused whole (403), as a backend that
 *            heard of their revoke before the desk did refuses it.
 * Every other request is answered as orderdeskd answers it.  It prints
 * "evil listening on 127.0.0.1:PORT" and stops on SIGTERM or after
 * EVIL_LIFETIME_S, so a test that forgets it cannot leave it running.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend.h"
#include "app/log/evidence-wire.h"
#include "app/log/people.h"
#include "app/keys/pki.h"
#include "app/keys/sigkey.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "storage/keyslot.h"
#include "net/https-server.h"

#define EVIL_LIFETIME_S 300
#define EVIL_PASS "evil passphrase"
#define EVIL_REASON "\x1b[2J\x1b]0;owned\x07\x1b[31mrefused\r\n"

struct evil {
	struct backend *b;
	struct backend_config cfg;
	struct join_guard guard;
	int escape, stale, sfbundle, evidence;
	const char *refuse;          /* refuse: the person's name */
	const char *dir;
	json_t *first_head;          /* stale: the first page's head */
};

/* The backend's real signed head, as the object orderdeskd sends. */
static json_t *real_head(struct evil *e)
{
	struct backend_peer peer = { "evil", 0 };
	struct buf out;
	char note[160];
	json_error_t jerr;
	json_t *ans, *head = NULL;

	const struct backend_args args = { "0", "1", NULL, NULL, NULL, NULL,
					   NULL, NULL, NULL };

	buf_init(&out, 64 * 1024 * 1024);
	if (backend_route_request(e->b, &e->guard, &e->cfg, &peer, "", "GET",
				  "/v1/log", &args, "", 0, &out, note,
				  sizeof note) == 200) {
		ans = json_loadb(out.data, out.len, 0, &jerr);
		head = json_incref(json_object_get(ans, "head"));
		json_decref(ans);
	}
	buf_free(&out);
	return head;
}

/* The receipts a lying backend gives for the pushed body. */
static unsigned lie(struct evil *e, const char *body, size_t len,
		    struct buf *out)
{
	json_error_t jerr;
	json_t *in = json_loadb(body, len, 0, &jerr), *head = real_head(e);
	json_t *list = json_object_get(in, "statements"), *receipts, *ans;
	const char *text, *id;
	char idbuf[33], *dump;
	struct od_err err;
	size_t i;

	receipts = json_array();
	for (i = 0; head != NULL && i < json_array_size(list); i++) {
		text = json_string_value(json_object_get(
				json_array_get(list, i), "statement"));
		id = text ? strstr(text, "\nid: ") : NULL;
		snprintf(idbuf, sizeof idbuf, "%.32s", id ? id + 5 : "");
		if (e->escape)
			json_array_append_new(receipts, json_pack(
				"{s:s, s:s, s:s}", "id", idbuf, "result",
				"refused", "reason", EVIL_REASON));
		else
			json_array_append_new(receipts, json_pack(
				"{s:s, s:s, s:I}", "id", idbuf, "result",
				"accepted", "seq", json_integer_value(
				json_object_get(head, "seq")) + 1 +
				(json_int_t)i));
	}
	ans = json_pack("{s:o, s:o}", "receipts", receipts, "head",
			head ? head : json_null());
	dump = json_dumps(ans, JSON_COMPACT);
	json_decref(ans);
	json_decref(in);
	buf_reset(out);
	if (dump == NULL || buf_adds(out, dump, &err) != OD_OK) {
		free(dump);
		return 500;
	}
	free(dump);
	return 200;
}

/* stale: the page in out with the first page's head in place of its own. */
static unsigned stale_page(struct evil *e, unsigned status, struct buf *out)
{
	json_error_t jerr;
	json_t *ans;
	char *dump;
	struct od_err err;

	if (status != 200)
		return status;
	ans = json_loadb(out->data, out->len, 0, &jerr);
	if (e->first_head == NULL)
		e->first_head = json_incref(json_object_get(ans, "head"));
	else
		json_object_set(ans, "head", e->first_head);
	dump = json_dumps(ans, JSON_COMPACT);
	json_decref(ans);
	buf_reset(out);
	if (dump == NULL || buf_adds(out, dump, &err) != OD_OK)
		status = 500;
	free(dump);
	return status;
}

/* sfbundle: a bundle for storefront web, signed with its key; NULL if none. */
static json_t *storefront_bundle(struct evil *e)
{
	uint8_t seed[KEYSLOT_SEED_LEN], data_key[KEYSLOT_KEY_LEN] = { 1 };
	char path[4096], line[256], sig[PEOPLE_SIG_B64], *text = NULL;
	struct keyslot_file *kf = NULL;
	struct sigkey *k = NULL;
	struct od_err err;
	json_t *o = NULL;
	FILE *f;

	snprintf(path, sizeof path, "%s/storefront-keys/web.key", e->dir);
	f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	memset(seed, 0, sizeof seed);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "sign: ", 6) != 0 || strlen(line) < 6 + 64)
			continue;
		line[6 + 64] = '\0';
		hex_decode("seed", line + 6, seed, sizeof seed, &err);
	}
	fclose(f);
	if (keyslot_new("/nonexistent/slots", &kf, &err) == OD_OK &&
	    keyslot_add(kf, "web", EVIL_PASS, strlen(EVIL_PASS), data_key,
			seed, &keyslot_kdf_default, &err) == OD_OK &&
	    sigkey_from_seed(seed, &k, &err) == OD_OK &&
	    people_bundle_make(kf, "web", k, people_now_ms(), &text, sig,
			       &err) == OD_OK)
		o = json_pack("{s:s, s:s}", "bundle", text, "signature", sig);
	free(text);
	sigkey_free(k);
	keyslot_free(kf);
	return o;
}

/* sfbundle: the people list in out with the storefront's bundle added. */
static unsigned add_bundle(struct evil *e, unsigned status, struct buf *out)
{
	json_error_t jerr;
	json_t *ans, *extra;
	char *dump;
	struct od_err err;

	if (status != 200)
		return status;
	ans = json_loadb(out->data, out->len, 0, &jerr);
	extra = storefront_bundle(e);
	if (extra != NULL)
		json_array_append_new(json_object_get(ans, "people"), extra);
	dump = json_dumps(ans, JSON_COMPACT);
	json_decref(ans);
	buf_reset(out);
	if (dump == NULL || buf_adds(out, dump, &err) != OD_OK)
		status = 500;
	free(dump);
	return status;
}

/* evidence: the file in out with other bytes under the same name. */
static unsigned forge_evidence(struct buf *out)
{
	static const char forged[] = "%PDF-1.4 forged by the backend";
	json_error_t jerr;
	json_t *ans = json_loadb(out->data, out->len, 0, &jerr);
	char b64[64], *dump;
	struct od_err err;
	unsigned status = 200;

	b64_encode((const uint8_t *)forged, sizeof forged - 1, b64);
	json_object_set_new(ans, "data", json_string(b64));
	dump = json_dumps(ans, JSON_COMPACT);
	json_decref(ans);
	buf_reset(out);
	if (dump == NULL || buf_adds(out, dump, &err) != OD_OK)
		status = 500;
	free(dump);
	return status;
}

static unsigned handle(void *ctx, const struct https_request *req,
		       struct buf *out)
{
	struct evil *e = ctx;
	struct backend_peer peer;
	const char *limit = https_request_arg(req, "limit");
	struct backend_args args;
	char note[160];
	unsigned status;

	backend_args_from(req, &args);
	peer.name = req->anonymous ? NULL : req->peer;
	peer.storefront = strcmp(req->peer_unit, PKI_STOREFRONT_UNIT) == 0;
	if (!e->stale && !e->sfbundle && e->refuse == NULL && !e->evidence &&
	    peer.name != NULL &&
	    strcmp(req->method, "POST") == 0 &&
	    strcmp(req->path, "/v1/statements") == 0)
		return lie(e, req->body, req->len, out);
	if (e->refuse != NULL && peer.name != NULL &&
	    strcmp(req->method, "POST") == 0 &&
	    strcmp(req->path, "/v1/people") == 0) {
		char who[80];

		/* The bundle's text is a JSON string: its newlines are "\n". */
		snprintf(who, sizeof who, "\\nuser: %s\\n", e->refuse);
		if (req->body != NULL &&
		    memmem(req->body, req->len, who, strlen(who)) != NULL) {
			snprintf(who, sizeof who, "%s is not an active person",
				 e->refuse);
			return backend_reply_error(out, 403, who, note,
						   sizeof note);
		}
	}
	status = backend_route_request(e->b, &e->guard, &e->cfg, &peer,
				       req->peer_addr, req->method, req->path,
				       &args, req->body, req->len, out, note,
				       sizeof note);
	if (e->sfbundle && strcmp(req->method, "GET") == 0 &&
	    strcmp(req->path, "/v1/people") == 0)
		status = add_bundle(e, status, out);
	if (e->escape && status == 200 && strcmp(req->path, "/v1/invite") == 0) {
		struct od_err err;

		buf_reset(out);
		status = buf_adds(out, "{\"code\": \"\\u001b[2J00000-0000-0000-"
				  "0000\", \"expires\": 1}", &err) == OD_OK ?
			 200 : 500;
	}
	if (e->evidence && status == 200 &&
	    strncmp(req->path, EVIDENCE_WIRE_PATH "/",
		    sizeof EVIDENCE_WIRE_PATH) == 0)
		status = forge_evidence(out);
	if (e->stale && strcmp(req->path, "/v1/log") == 0 && limit != NULL &&
	    atoi(limit) > 1)
		status = stale_page(e, status, out);
	return status;
}

int main(int argc, char **argv)
{
	static struct evil e;
	struct https_config hc;
	struct https_server *srv = NULL;
	char *cert = NULL, *key = NULL, *ca = NULL;
	struct od_err err;
	sigset_t set;
	int sig;

	if (argc < 3 || argc > 4 || (strcmp(argv[2], "drop") != 0 &&
			  strcmp(argv[2], "escape") != 0 &&
			  strcmp(argv[2], "stale") != 0 &&
			  strcmp(argv[2], "sfbundle") != 0 &&
			  strcmp(argv[2], "refuse") != 0 &&
			  strcmp(argv[2], "evidence") != 0)) {
		fprintf(stderr, "usage: od-evil DIR drop|escape|stale|sfbundle"
			"|refuse|evidence [PORT]\n");
		return 2;
	}
	e.escape = strcmp(argv[2], "escape") == 0;
	e.stale = strcmp(argv[2], "stale") == 0;
	e.sfbundle = strcmp(argv[2], "sfbundle") == 0;
	e.evidence = strcmp(argv[2], "evidence") == 0;
	if (strcmp(argv[2], "refuse") == 0) {
		e.refuse = getenv("EVIL_REFUSE");
		if (e.refuse == NULL || e.refuse[0] == '\0') {
			fprintf(stderr, "od-evil: refuse needs EVIL_REFUSE\n");
			return 2;
		}
	}
	e.dir = argv[1];
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	backend_config_default(&e.cfg);
	if (backend_config_load(argv[1], &e.cfg, &err) != OD_OK ||
	    backend_open(argv[1], 1, &e.b, &err) != OD_OK ||
	    backend_read_pem(argv[1], "server.pem", &cert, &err) != OD_OK ||
	    backend_read_pem(argv[1], "server.key", &key, &err) != OD_OK ||
	    backend_read_pem(argv[1], "ca.pem", &ca, &err) != OD_OK) {
		fprintf(stderr, "od-evil: %s\n", err.msg);
		return 1;
	}
	backend_set_config(e.b, &e.cfg);
	memset(&hc, 0, sizeof hc);
	hc.cert_pem = cert;
	hc.key_pem = key;
	hc.ca_pem = ca;
	hc.address = "127.0.0.1";
	hc.port = argc == 4 ? (unsigned)atoi(argv[3]) : 0;
	hc.max_connections = 16;
	hc.max_per_ip = 16;
	hc.max_body = e.cfg.max_body;
	hc.max_response = 3 * BACKEND_PAGE_BYTES + 1024 * 1024 +
			  EVIDENCE_WIRE_MAX;
	hc.timeout_s = 30;
	hc.handler = handle;
	hc.open_path = WIRE_JOIN_PATH;
	hc.ctx = &e;
	if (https_server_start(&hc, &srv, &err) != OD_OK) {
		fprintf(stderr, "od-evil: %s\n", err.msg);
		return 1;
	}
	printf("evil listening on 127.0.0.1:%u\n", https_server_port(srv));
	fflush(stdout);
	alarm(EVIL_LIFETIME_S);
	sigwait(&set, &sig);
	https_server_stop(srv);
	backend_close(e.b);
	json_decref(e.first_head);
	free(cert);
	free(key);
	free(ca);
	return 0;
}
