/* tls-client.c - libcurl with the shop CA, a pin and a client certificate. */
#include "net/tls-client.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tls_client {
	CURL *h;
	struct tls_client_config cfg;
	char *base_url, *pin, *ca_file, *cert_file;
	char *key_pem;           /* wiped when freed */
	size_t key_len;
	int key_fd;              /* the pipe GnuTLS reads it from, or -1 */
	char key_path[32];       /* "/proc/self/fd/N" */
	struct buf *resp;        /* where the current answer goes */
	int overflow;            /* the answer passed the cap */
	long connects;           /* connections made (CURLINFO_NUM_CONNECTS) */
	char errbuf[CURL_ERROR_SIZE];
};

/*
 * Stops the transfer once the caller's cancel flag is set (libcurl calls
 * this about once a second even when nothing moves).
 */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct tls_client *c = ctx;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->cfg.cancel != NULL && atomic_load(c->cfg.cancel) != 0;
}

/* Keeps the answer, up to the cap. */
static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct tls_client *c = ctx;
	struct od_err err;

	/* The caller's buffer has its own cap; the client's may be lower. */
	if (size * n > c->cfg.max_response - c->resp->len ||
	    buf_add(c->resp, p, size * n, &err) != OD_OK) {
		c->overflow = 1;
		return 0;  /* libcurl stops with CURLE_WRITE_ERROR */
	}
	return size * n;
}

void tls_client_free(struct tls_client *c)
{
	if (c == NULL)
		return;
	if (c->h != NULL)
		curl_easy_cleanup(c->h);
	free(c->base_url);
	free(c->pin);
	free(c->ca_file);
	free(c->cert_file);
	if (c->key_pem != NULL)
		gnutls_memset(c->key_pem, 0, c->key_len);
	free(c->key_pem);
	free(c);
}

/* Two optional strings are the same (NULL only equals NULL). */
static int same(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

int tls_client_matches(const struct tls_client *c,
		       const struct tls_client_config *cfg)
{
	return same(c->base_url, cfg->base_url) && same(c->pin, cfg->pin) &&
	       same(c->ca_file, cfg->ca_file) &&
	       same(c->cert_file, cfg->cert_file) &&
	       same(c->key_pem, cfg->key_pem) &&
	       c->cfg.cancel == cfg->cancel &&
	       c->cfg.max_response == cfg->max_response;
}

long tls_client_connects(const struct tls_client *c)
{
	return c->connects;
}

/* curl_global_init's result, set once under curl_once. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_started = CURLE_FAILED_INIT;

static void curl_start(void)
{
	curl_started = curl_global_init(CURL_GLOBAL_DEFAULT);
}

enum od_code tls_client_new(const struct tls_client_config *cfg,
			    struct tls_client **out, struct od_err *err)
{
	struct tls_client *c;

	*out = NULL;
	if (strncmp(cfg->base_url, "https://", 8) != 0)
		return od_err_set(err, OD_E_USAGE, "the backend's address must "
				  "start with https://");
	if (strncmp(cfg->pin, "sha256//", 8) != 0)
		return od_err_set(err, OD_E_USAGE, "the backend's pin must "
				  "start with sha256// (orderdeskd init "
				  "prints it)");
	/* Once per process, whichever thread (the desk's sync thread, a
	 * command) makes the first client: curl_global_init is not
	 * thread-safe. */
	pthread_once(&curl_once, curl_start);
	if (curl_started != CURLE_OK)
		return od_err_set(err, OD_E_CRYPTO, "cannot start libcurl");
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	c->cfg = *cfg;
	c->cfg.key_pem = NULL;   /* the caller's copy is not kept */
	if (c->cfg.stall_s <= 0)
		c->cfg.stall_s = TLS_CLIENT_STALL_S;
	c->base_url = strdup(cfg->base_url);
	c->pin = strdup(cfg->pin);
	/* No CA: the pin alone (joining); no certificate: none shown. */
	c->ca_file = cfg->ca_file ? strdup(cfg->ca_file) : NULL;
	c->cert_file = cfg->cert_file ? strdup(cfg->cert_file) : NULL;
	c->key_fd = -1;
	c->key_len = cfg->key_pem ? strlen(cfg->key_pem) : 0;
	c->key_pem = cfg->key_pem ? strdup(cfg->key_pem) : NULL;
	c->h = curl_easy_init();
	if (c->base_url == NULL || c->pin == NULL ||
	    (cfg->ca_file != NULL && c->ca_file == NULL) ||
	    (cfg->cert_file != NULL && c->cert_file == NULL) ||
	    (cfg->key_pem != NULL && c->key_pem == NULL) || c->h == NULL) {
		tls_client_free(c);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	*out = c;
	return OD_OK;
}

/*
 * Puts the key into a fresh pipe for this request's handshake (tls-client.h
 * says why a pipe).  The whole key fits in the pipe's buffer (a page at
 * least), so it is written before libcurl reads and the write end is
 * closed at once: GnuTLS reads it to the end.  A reused connection reads
 * nothing; key_close empties it either way.
 */
static enum od_code key_open(struct tls_client *c, struct od_err *err)
{
	int fds[2];
	ssize_t n;

	if (c->key_pem == NULL)
		return OD_OK;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return od_err_set(err, OD_E_IO, "cannot hand this desk's key to "
				  "TLS: %s", strerror(errno));
	do
		n = write(fds[1], c->key_pem, c->key_len);
	while (n < 0 && errno == EINTR);
	close(fds[1]);
	if (n != (ssize_t)c->key_len) {
		close(fds[0]);
		return od_err_set(err, OD_E_IO, "cannot hand this desk's key to "
				  "TLS (%zu bytes; a pipe took %zd)",
				  c->key_len, n);
	}
	c->key_fd = fds[0];
	snprintf(c->key_path, sizeof c->key_path, "/proc/self/fd/%d", fds[0]);
	return OD_OK;
}

/* Closes the request's key pipe, and with it whatever was not read. */
static void key_close(struct tls_client *c)
{
	if (c->key_fd >= 0)
		close(c->key_fd);
	c->key_fd = -1;
	c->key_path[0] = '\0';
}

/* Sets the options every request shares; 0 when libcurl accepts them all. */
static int set_common(struct tls_client *c)
{
	CURL *h = c->h;
	int bad = 0;

	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_SSLVERSION,
				(long)(CURL_SSLVERSION_TLSv1_3 |
				       CURL_SSLVERSION_MAX_TLSv1_3));
	/* Without the shop CA (a desk joining, which gets the CA in the
	 * answer) the pin is the whole check: libcurl still compares it in
	 * the handshake, before a byte of the request is sent. */
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER,
				c->ca_file != NULL ? 1L : 0L);
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST,
				c->ca_file != NULL ? 2L : 0L);
	if (c->ca_file != NULL)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	bad |= curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	bad |= curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->pin);
	if (c->cert_file != NULL) {
		bad |= curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert_file);
		if (c->key_fd >= 0)
			bad |= curl_easy_setopt(h, CURLOPT_SSLKEY,
						c->key_path);
	}
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
				c->cfg.connect_timeout_s);
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT, c->cfg.timeout_s);
	/* A link gone silent is given up long before the whole timeout. */
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->cfg.stall_s);
	if (c->cfg.cancel != NULL) {
		bad |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION,
					on_progress);
		bad |= curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
		bad |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	return bad;
}

/* Whether the last request got as far as a finished TLS handshake. */
static int handshake_done(struct tls_client *c)
{
	curl_off_t t = 0;

	return curl_easy_getinfo(c->h, CURLINFO_APPCONNECT_TIME_T, &t) ==
	       CURLE_OK && t > 0;
}

/* Turns a libcurl failure into a sentence a person can act on. */
static enum od_code transport_fail(struct tls_client *c, CURLcode cc,
				   struct od_err *err)
{
	const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc);

	switch (cc) {
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return od_err_set(err, OD_E_AUTH, "the backend at %.80s does "
				  "not have the pinned key: check the pin "
				  "with the shop owner; nothing was sent",
				  c->base_url);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return od_err_set(err, OD_E_AUTH, "the backend at %.80s is not "
				  "certified by this shop's CA (%.100s); "
				  "nothing was sent", c->base_url, why);
	case CURLE_SSL_CERTPROBLEM:
		return od_err_set(err, OD_E_AUTH, "this desk's certificate or "
				  "key cannot be used: %.120s", why);
	case CURLE_WRITE_ERROR:
		if (c->overflow)
			return od_err_set(err, OD_E_INPUT, "the backend's "
					  "answer is larger than %zu bytes",
					  c->cfg.max_response);
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		return od_err_set(err, OD_E_IO, "the request to the backend "
				  "was stopped: the desk is locking or "
				  "closing; the next sync picks it up");
	case CURLE_OPERATION_TIMEDOUT:
		return od_err_set(err, OD_E_IO, "the backend at %.80s did not "
				  "answer in time (nothing moved for %ld s, or "
				  "the request took over %ld s); try again "
				  "later", c->base_url, c->cfg.stall_s,
				  c->cfg.timeout_s);
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return od_err_set(err, OD_E_IO, "cannot reach the backend at "
				  "%.80s; working offline", c->base_url);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		/* After a finished handshake it is the link, not the cert. */
		if (handshake_done(c))
			return od_err_set(err, OD_E_IO, "the connection to the "
					  "backend at %.80s was cut (%.100s); "
					  "sync again to finish: nothing is "
					  "applied twice", c->base_url, why);
		return od_err_set(err, OD_E_IO, "the connection to the backend "
				  "failed (%.120s): it may refuse this desk's "
				  "certificate", why);
	default:
		break;
	}
	return od_err_set(err, OD_E_IO, "talking to the backend failed: %.160s",
			  why);
}

enum od_code tls_client_request(struct tls_client *c, const char *method,
				const char *path, const char *body, size_t len,
				long *status, struct buf *resp,
				struct od_err *err)
{
	struct curl_slist *hdr = NULL;
	struct buf url;
	CURLcode cc;
	enum od_code rc;
	long n = 0;
	int bad;

	*status = 0;
	buf_reset(resp);
	buf_init(&url, 4096);
	rc = buf_addf(&url, err, "%s%s", c->base_url, path);
	if (rc != OD_OK)
		goto out;
	curl_easy_reset(c->h);
	c->errbuf[0] = '\0';
	c->overflow = 0;
	c->resp = resp;
	rc = key_open(c, err);
	if (rc != OD_OK)
		goto out;
	bad = set_common(c);
	bad |= curl_easy_setopt(c->h, CURLOPT_URL, url.data);
	if (body != NULL) {
		hdr = curl_slist_append(NULL,
					"Content-Type: application/json");
		if (hdr == NULL) {
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
			goto out;
		}
		bad |= curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdr);
		bad |= curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE,
					(curl_off_t)len);
		bad |= curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body);
	}
	bad |= curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	if (bad) {
		rc = od_err_set(err, OD_E_INTERNAL, "this libcurl lacks an "
				"option orderdesk needs (TLS 1.3, pinning)");
		goto out;
	}
	cc = curl_easy_perform(c->h);
	if (curl_easy_getinfo(c->h, CURLINFO_NUM_CONNECTS, &n) == CURLE_OK)
		c->connects += n;
	if (cc != CURLE_OK) {
		rc = transport_fail(c, cc, err);
		goto out;
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, status);
out:
	key_close(c);
	c->resp = NULL;
	curl_slist_free_all(hdr);
	buf_free(&url);
	return rc;
}
