/*
 * tls-client.h - the desk's HTTPS client: libcurl on GnuTLS, mutual TLS 1.3.
 *
 * The backend must present a certificate from the shop CA for the host in
 * the URL AND have the pinned public key ("sha256//..."): a wrong pin or a
 * wrong CA stops the request with a message that says which, before any
 * byte of the request is sent.  The desk shows its own client certificate.
 * Timeouts, a cap on the response size, https only, no redirects; the HTTP
 * status is returned (libcurl itself calls a 403 a success).
 *
 * The desk's key never goes through a file.  libcurl takes a key from
 * memory only as CURLOPT_SSLKEY_BLOB, which its GnuTLS backend (Debian's
 * libcurl 7.88) accepts and then ignores: no certificate is shown and the
 * backend answers 401.  So each request hands the key to GnuTLS through a
 * pipe, named /proc/self/fd/N: no name on any file system, readable only
 * by this process (and root, and a process that may ptrace it, which can
 * read its memory anyway), emptied by the one read of the handshake and
 * closed right after the request.  The client's copy is wiped when the
 * client is freed.
 */
#ifndef OD_TLS_CLIENT_H
#define OD_TLS_CLIENT_H

#include <stddef.h>

#include <stdatomic.h>

#include "lib/buf.h"
#include "lib/err.h"

#define TLS_CLIENT_STALL_S 15

struct tls_client_config {
	const char *base_url;     /* "https://127.0.0.1:8443" */
	const char *pin;          /* "sha256//..." of the backend's key */
	const char *ca_file;      /* the shop CA, PEM; NULL: the pin alone
				     (a desk joining, before it has the CA) */
	const char *cert_file;    /* this desk's certificate, PEM; NULL: none
				     (joining) */
	const char *key_pem;      /* and its private key, PEM text in memory
				     (copied; NULL with cert_file): see
				     below for how it reaches GnuTLS */
	long connect_timeout_s;
	long timeout_s;           /* whole request */
	long stall_s;             /* give up when no byte moves for this
				     long; 0 means TLS_CLIENT_STALL_S */
	const atomic_int *cancel; /* if not NULL: once nonzero, the request
				     under way stops within a second */
	size_t max_response;      /* larger responses fail */
};

struct tls_client;

/* Makes a client (strings copied).  *out is the caller's (tls_client_free). */
enum od_code tls_client_new(const struct tls_client_config *cfg,
			    struct tls_client **out, struct od_err *err);

/* Frees the client and closes its connection; NULL is a no-op. */
void tls_client_free(struct tls_client *c);

/*
 * Whether c was made with the same backend, pin, certificate files, key
 * and cancel flag as cfg: a caller that keeps a client from one sync to
 * the next (HTTP keep-alive: its connection stays open between requests,
 * and libcurl resumes the TLS session when it must connect again, without
 * early data) makes a new one when they differ.
 */
int tls_client_matches(const struct tls_client *c,
		       const struct tls_client_config *cfg);

/* The new connections (full handshakes or resumed) c has made so far. */
long tls_client_connects(const struct tls_client *c);

/*
 * Sends method path (body, if not NULL, as application/json) and reads the
 * answer into resp (reset first; capped at max_response) and the HTTP status
 * into *status.  Transport failures give OD_E_IO (unreachable, timeout, cut),
 * OD_E_AUTH (wrong pin, wrong CA, certificate refused); any status is OD_OK
 * here: the caller decides what a status means.
 */
enum od_code tls_client_request(struct tls_client *c, const char *method,
				const char *path, const char *body, size_t len,
				long *status, struct buf *resp,
				struct od_err *err);

#endif
