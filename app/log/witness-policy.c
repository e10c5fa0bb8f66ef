/* witness-policy.c - the owner's witness policy (witness-policy.h). */
#include "app/log/witness-policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/cosignature.h"
#include "lib/buf.h"

enum od_code policy_fold(struct store *s, const struct statement *st,
			 struct od_err *err)
{
	const char *quorum = statement_get(st, "quorum");
	const char *max_age = statement_get(st, "max-age");
	size_t i, j, n = 0;
	struct buf text;
	enum od_code rc;

	for (i = 0; i < st->nfields; i++)
		if (strcmp(st->fields[i].name, "witness") == 0)
			n++;
	if (quorum == NULL || (size_t)atoi(quorum) > n)
		return od_err_set(err, OD_E_INPUT, "a quorum of %s is more "
				  "than the %zu witnesses named", quorum ?
				  quorum : "?", n);
	for (i = 0; i < st->nfields; i++)
		for (j = i + 1; j < st->nfields; j++)
			if (strcmp(st->fields[i].name, "witness") == 0 &&
			    strcmp(st->fields[i].value,
				   st->fields[j].value) == 0)
				return od_err_set(err, OD_E_INPUT, "a witness "
						  "is named twice");
	buf_init(&text, 4096);
	rc = buf_addf(&text, err, "%s %s\n", quorum, max_age ? max_age : "0");
	for (i = 0; rc == OD_OK && i < st->nfields; i++)
		if (strcmp(st->fields[i].name, "witness") == 0)
			rc = buf_addf(&text, err, "%s\n", st->fields[i].value);
	if (rc == OD_OK)
		rc = store_meta_set(s, POLICY_META, text.data, err);
	buf_free(&text);
	return rc;
}

enum od_code policy_load(struct store *s, struct witness_policy *p,
			 struct od_err *err)
{
	char *text = NULL, *line, *next;
	enum od_code rc = store_meta_get(s, POLICY_META, &text, err);

	memset(p, 0, sizeof *p);
	if (rc != OD_OK)
		return rc;
	next = strchr(text, '\n');
	p->quorum = (unsigned)atoi(text);
	p->max_age = strchr(text, ' ') ? atol(strchr(text, ' ') + 1) : 0;
	for (line = next ? next + 1 : NULL; rc == OD_OK && line != NULL &&
	     *line != '\0' && p->n < POLICY_WITNESSES_MAX; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		rc = cosigner_parse(line, &p->w[p->n++], err);
	}
	free(text);
	if (rc == OD_OK && (p->quorum == 0 || p->quorum > p->n))
		rc = od_err_set(err, OD_E_TAMPERED, "the witness policy kept "
				"in this store is damaged; restore a backup");
	return rc;
}

enum od_code policy_check_note(const struct witness_policy *p,
			       const char *note, size_t len, size_t text_len,
			       uint64_t size, struct od_err *err)
{
	const struct note_verifier *missing = NULL;
	unsigned have = 0;
	uint64_t when;
	size_t i;
	enum od_code rc;

	for (i = 0; i < p->n; i++) {
		rc = cosignature_check(note, text_len, note + text_len + 1,
				       len - text_len - 1, &p->w[i], &when,
				       err);
		if (rc == OD_OK)
			have++;
		else if (rc == OD_E_NOTFOUND && missing == NULL)
			missing = &p->w[i];
		else if (rc != OD_E_NOTFOUND)
			return rc;
	}
	if (have >= p->quorum)
		return OD_OK;
	return od_err_set(err, OD_E_DENIED, "checkpoint %llu lacks witness "
			  "%s's cosignature (quorum %u of %zu)",
			  (unsigned long long)size,
			  missing ? missing->name : "?", p->quorum, p->n);
}

void policy_newest(const struct witness_policy *p, const char *note,
		   size_t len, size_t text_len, uint64_t *newest)
{
	uint64_t when;
	size_t i;

	*newest = 0;
	for (i = 0; i < p->n; i++)
		if (cosignature_check(note, text_len, note + text_len + 1,
				      len - text_len - 1, &p->w[i], &when,
				      &(struct od_err){ 0 }) == OD_OK &&
		    when > *newest)
			*newest = when;
}
