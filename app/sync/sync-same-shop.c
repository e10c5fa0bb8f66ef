/* sync-same-shop.c - a backend of another shop is refused before a byte
 * is pushed: by its CA, and by its log's first entry. */
#include "app/sync/sync-job.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/statement.h"
#include "app/keys/pki.h"
#include "app/sync/backend-call.h"
#include "lib/file.h"

/* Reads the PEM file src (a certificate) into b, refusing anything else. */
enum od_code sync_load_pem(const char *src, struct buf *b,
			   struct od_err *err)
{
	enum od_code rc = file_read_capped(src, PEM_MAX, 0, b, err);

	/* Said as before: a file named on the command line that is not
	 * there is an I/O failure to the caller, not a missing record. */
	if (rc == OD_E_NOTFOUND)
		err->code = rc = OD_E_IO;
	if (rc == OD_OK && (b->data == NULL ||
			    strncmp(b->data, "-----BEGIN ", 11) != 0))
		rc = od_err_set(err, OD_E_INPUT, "%.200s is not a PEM "
				"certificate", src);
	return rc;
}

/* The shop this store belongs to ("" for a joining desk's empty store). */
static enum od_code local_shop(struct store *s, char *out, size_t size,
			       struct od_err *err)
{
	char *v = NULL;
	enum od_code rc = store_meta_get(s, "shop", &v, err);

	out[0] = '\0';
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		snprintf(out, size, "%s", v);
	free(v);
	return rc;
}

/* Refuses a backend of another shop, naming both (theirs from the wire). */
static enum od_code other_shop(const char *theirs, const char *ours,
			       struct od_err *err)
{
	return od_err_set(err, OD_E_DENIED, "this backend serves the shop "
			  "\"%.80s\"; this desk is \"%.80s\"; nothing was "
			  "changed", backend_call_text(theirs), ours);
}

/*
 * Checks that the shop CA ca_pem names this store's shop: a backend's CA
 * bears its shop's name (pki_make_ca), and a backend refuses the genesis
 * of any other shop, which would leave this desk's whole log refused.
 */
enum od_code sync_same_shop_ca(struct store *s, const char *ca_pem,
				 struct od_err *err)
{
	char ours[SHOP_NAME_MAX + 1], theirs[SHOP_NAME_MAX + 1];
	enum od_code rc = local_shop(s, ours, sizeof ours, err);

	if (rc == OD_OK && ours[0] != '\0')
		rc = pki_cert_org(ca_pem, theirs, sizeof theirs, err);
	/* A CA that names no shop is not one orderdeskd made: the genesis
	 * guard (push_batch) still stops a refused founding. */
	if (rc == OD_OK && ours[0] != '\0' && theirs[0] != '\0' &&
	    strcmp(ours, theirs) != 0)
		rc = other_shop(theirs, ours, err);
	return rc;
}

/*
 * A never-synced desk whose first entry is not the backend's: another
 * shop (or another founding of one of the same name).  Said as such,
 * nothing written.
 */
enum od_code sync_genesis_refusal(struct store *s, json_t *e0,
				    struct od_err *err)
{
	char ours[SHOP_NAME_MAX + 1], theirs[SHOP_NAME_MAX + 1] = "";
	const char *text = sync_json_str(e0, "statement");
	struct statement *st = NULL;
	struct od_err ignore;
	enum od_code rc = local_shop(s, ours, sizeof ours, err);

	if (rc != OD_OK)
		return rc;
	if (text != NULL &&
	    statement_parse(text, strlen(text), &st, &ignore) == OD_OK &&
	    st->kind == STMT_SHOP_GENESIS)
		snprintf(theirs, sizeof theirs, "%s",
			 statement_get(st, "shop"));
	statement_free(st);
	if (theirs[0] != '\0' && strcmp(theirs, ours) != 0)
		return other_shop(theirs, ours, err);
	return od_err_set(err, OD_E_DENIED, "this backend serves another shop"
			  " (its log begins with another founding); this desk "
			  "is \"%.80s\"; nothing was changed", ours);
}
