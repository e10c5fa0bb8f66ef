/*
 * pki.h - the shop's certificates (GnuTLS x509): a shop CA, the backend's
 * server certificate, and client certificates for desks and storefronts.
 *
 * Keys are ECDSA P-256 (every TLS 1.3 stack speaks it); certificates and
 * keys travel as PEM text, keys as unencrypted PKCS#8: the caller decides
 * where they live (files mode 0600) and wipes them.  The backend's pin is
 * "sha256//" + base64(SHA-256(SubjectPublicKeyInfo DER)) of its server
 * certificate, the form CURLOPT_PINNEDPUBLICKEY takes and
 *   certtool --pubkey-info --load-certificate server.pem
 * prints as "Public Key PIN: pin-sha256:...".
 */
#ifndef OD_PKI_H
#define OD_PKI_H

#include <stddef.h>

#include "lib/err.h"

#define PKI_PIN_LEN     (8 + 44)  /* "sha256//" + base64 of 32 bytes */
#define PKI_NAME_MAX    64        /* common names, bytes */
#define PKI_CA_DAYS     3650
#define PKI_LEAF_DAYS   825

/*
 * What a leaf certificate is for.  A storefront's certificate is a client
 * certificate whose organizational unit is PKI_STOREFRONT_UNIT: only the
 * shop CA can put it there, so the backend reads it as the certificate's
 * kind (a desk's certificate has no unit).
 */
/* Whether name may be a certificate's common name (see pki_make_leaf). */
int pki_name_ok(const char *name);

enum pki_use { PKI_SERVER, PKI_CLIENT, PKI_STOREFRONT };

#define PKI_STOREFRONT_UNIT "storefront"

/*
 * Makes a self-signed shop CA named after shop.  *cert_pem and *key_pem are
 * the caller's (free; wipe the key with secret_free_str).
 */
enum od_code pki_make_ca(const char *shop, char **cert_pem, char **key_pem,
			 struct od_err *err);

/*
 * Makes a key and a certificate signed by the CA (PEM text) for use.  A
 * server certificate names each of hosts (IPv4/IPv6 literals become IP
 * addresses, others DNS names) and has cn as its common name; a client
 * certificate has cn (1..PKI_NAME_MAX of [A-Za-z0-9._-], starting with a
 * letter or digit) as its common name,
 * which the backend reads as the peer's name.  Outputs as for pki_make_ca.
 */
enum od_code pki_make_leaf(const char *ca_cert_pem, const char *ca_key_pem,
			   enum pki_use use, const char *cn,
			   const char *const *hosts, size_t nhosts,
			   char **cert_pem, char **key_pem, struct od_err *err);

/*
 * Makes a desk's own TLS key and a certificate request for it named cn
 * (as for a client certificate), signed with that key.  The key never
 * leaves the desk: only *req_pem is sent.  Outputs as for pki_make_ca.
 */
enum od_code pki_make_request(const char *cn, char **req_pem, char **key_pem,
			      struct od_err *err);

/*
 * Checks a desk's certificate request (its signature proves the key is the
 * sender's) and makes a client certificate for its public key, signed by
 * the CA, with cn as its common name (the request's own name is not used).
 * A request that does not parse or verify gives OD_E_INPUT.  *cert_pem is
 * the caller's.
 */
enum od_code pki_sign_request(const char *ca_cert_pem, const char *ca_key_pem,
			      const char *req_pem, const char *cn,
			      char **cert_pem, struct od_err *err);

#define PKI_SERIAL_MAX  (2 * 40)  /* hex digits of a serial number */

/*
 * Writes the certificate's serial number as lower-case hex and a NUL to
 * serial, as the backend reads it from a peer (net/https-server.h).
 */
enum od_code pki_serial(const char *cert_pem, char serial[PKI_SERIAL_MAX + 1],
			struct od_err *err);

/*
 * Checks that the certificate in the PEM file at path is valid now: one
 * that expired or is not valid yet gives OD_E_AUTH saying since or until
 * when, with what (e.g. "this desk's certificate") as its subject, before
 * a backend would refuse it in a handshake with no reason given.
 */
enum od_code pki_check_dates(const char *path, const char *what,
			     struct od_err *err);

/*
 * Checks that key_pem is one unencrypted private key in PEM and, when
 * cert_pem is not NULL, that it is the key of that certificate.  Either
 * failure gives OD_E_INPUT naming what (e.g. "the file given with --key");
 * no part of the key appears in the message.
 */
enum od_code pki_check_key(const char *key_pem, const char *cert_pem,
			   const char *what, struct od_err *err);

/*
 * Writes the organization of the certificate cert_pem (a shop CA's is the
 * shop's name, pki_make_ca) and a NUL to out; none gives "".  A name longer
 * than size - 1 bytes, or a certificate that does not parse, gives
 * OD_E_INPUT.
 */
enum od_code pki_cert_org(const char *cert_pem, char *out, size_t size,
			  struct od_err *err);

/* Writes the pin of the certificate's public key and a NUL to pin. */
enum od_code pki_pin(const char *cert_pem, char pin[PKI_PIN_LEN + 1],
		     struct od_err *err);

#endif
