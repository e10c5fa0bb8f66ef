/*
 * https-tls.c - the client's certificate: checked in the handshake against
 * the CA (and the app's revocation), and its name read for the request.
 */
#include "net/https-internal.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdio.h>

/* Whether the client sent no certificate at all. */
int https_no_certificate(gnutls_session_t session)
{
	unsigned n = 0;

	return gnutls_certificate_get_peers(session, &n) == NULL || n == 0;
}

/*
 * Logs a client certificate the handshake refuses, with the client's
 * address and the name the certificate claims (unverified: the log's
 * reader is told so):
 *   refused a certificate from ADDR: "NAME" (REASON)
 * libmicrohttpd's own line for the failed handshake names neither.
 */
static void say_cert_refused(gnutls_session_t session, unsigned status)
{
	/* libmicrohttpd's session pointer is the connection. */
	struct MHD_Connection *conn = gnutls_session_get_ptr(session);
	const union MHD_ConnectionInfo *ci;
	char addr[INET6_ADDRSTRLEN], name[HTTPS_PEER_MAX + 1], line[320];
	const gnutls_datum_t *certs;
	struct conn_watch *w;
	gnutls_x509_crt_t crt;
	size_t len = sizeof name;
	unsigned n = 0;

	ci = conn != NULL ? MHD_get_connection_info(conn,
			MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;
	w = ci != NULL ? ci->socket_context : NULL;
	if (w == NULL || w->srv == NULL || w->srv->cfg.log == NULL)
		return;
	https_conn_addr(conn, addr, sizeof addr);
	/* None at all is no refusal here: a join has none. */
	certs = gnutls_certificate_get_peers(session, &n);
	if (certs == NULL || n == 0)
		return;
	name[0] = '\0';
	if (gnutls_x509_crt_init(&crt) >= 0) {
		if (gnutls_x509_crt_import(crt, &certs[0],
					   GNUTLS_X509_FMT_DER) < 0 ||
		    gnutls_x509_crt_get_dn_by_oid(crt,
				GNUTLS_OID_X520_COMMON_NAME, 0, 0, name,
				&len) < 0)
			name[0] = '\0';
		gnutls_x509_crt_deinit(crt);
	}
	snprintf(line, sizeof line, "refused a certificate from %s: \"%s\" "
		 "(%s)", addr, name,
		 status & GNUTLS_CERT_SIGNER_NOT_FOUND ? "not signed by the "
		 "shop CA" : status & GNUTLS_CERT_EXPIRED ? "expired" :
		 status & GNUTLS_CERT_PURPOSE_MISMATCH ? "not a client "
		 "certificate" : "does not verify");
	w->srv->cfg.log(w->srv->cfg.ctx, line);
}

/*
 * Checks the client's chain against the shop CA, for the client purpose,
 * inside the handshake: a certificate from another CA or a server
 * certificate ends the handshake before any HTTP is read.  None at all
 * passes the handshake only when the server has an open path (joining);
 * https_check_headers then refuses every other path with 401.
 */
int https_verify_client(gnutls_session_t session)
{
	gnutls_typed_vdata_st purpose = {
		GNUTLS_DT_KEY_PURPOSE_OID,
		(unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0
	};
	unsigned status = 0;

	if (gnutls_certificate_verify_peers(session, &purpose, 1,
					    &status) < 0 || status != 0) {
		say_cert_refused(session, status);
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	return 0;
}

/* https_verify_client, but letting a client with no certificate at all in. */
int https_verify_client_open(gnutls_session_t session)
{
	return https_no_certificate(session) ? 0 : https_verify_client(session);
}

/*
 * Reads the verified peer's common name, organizational unit ("" when it
 * has none) and serial number (lower-case hex, into a buffer of 81); 0 if
 * there is no verified certificate or no name.
 */
int https_peer_name(struct MHD_Connection *conn, char *out, size_t size,
		    char *unit, size_t unit_size, char *serial)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[40];
	size_t rawlen = sizeof raw, i;
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt = NULL;
	unsigned n = 0;
	size_t len = size, ulen = unit_size;
	int ok = 0, ret;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL ||
	    https_verify_client(ci->tls_session) != 0)
		return 0;
	certs = gnutls_certificate_get_peers(ci->tls_session, &n);
	if (certs == NULL || n == 0 || gnutls_x509_crt_init(&crt) < 0)
		return 0;
	if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
					  0, out, &len) >= 0 && len < size)
		ok = 1;
	/* Only the CA writes the unit; one that does not fit refuses. */
	unit[0] = '\0';
	ret = gnutls_x509_crt_get_dn_by_oid(crt,
			GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0, 0, unit,
			&ulen);
	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		unit[0] = '\0';
	else if (ret < 0 || ulen >= unit_size)
		ok = 0;
	serial[0] = '\0';
	if (gnutls_x509_crt_get_serial(crt, raw, &rawlen) < 0 || rawlen == 0)
		ok = 0;
	for (i = 0; ok && i < rawlen; i++) {
		serial[2 * i] = hex[raw[i] >> 4];
		serial[2 * i + 1] = hex[raw[i] & 15];
		serial[2 * i + 2] = '\0';
	}
	gnutls_x509_crt_deinit(crt);
	return ok;
}
