/* witness-conf.c - "witness = VKEY URL [CA-FILE]" lines (witness-conf.h). */
#include "app/orderdeskd/witness-conf.h"

#include <stdio.h>
#include <string.h>

#include "app/log/cosignature.h"
/* The C2SP tlog-witness path (app/witness/witness.h serves it). */
#define WITNESS_PATH "/add-checkpoint"

#define CONF_FILE "orderdeskd.conf"

/* Copies the next space-separated word of *p into out; 0 if none fits. */
static int word(const char **p, char *out, size_t size)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s; *e != '\0' && *e != ' ' && *e != '\t'; e++)
		;
	if (e == s || (size_t)(e - s) >= size)
		return 0;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	*p = e;
	return 1;
}

enum od_code witness_conf_line(struct witness_conf *wc, const char *value,
			       int lineno, struct od_err *err)
{
	struct witness_target t;
	struct od_err why;
	char url[sizeof t.url - sizeof WITNESS_PATH], extra[8];
	const char *p = value;
	size_t i, n;

	memset(&t, 0, sizeof t);
	if (!word(&p, t.vkey, sizeof t.vkey) || !word(&p, url, sizeof url) ||
	    strncmp(url, "https://", 8) != 0 || url[8] == '\0')
		return od_err_set(err, OD_E_INPUT, "%s line %d: witness = VKEY "
				  "https://HOST:PORT [CA-FILE]", CONF_FILE,
				  lineno);
	if (word(&p, t.ca_file, sizeof t.ca_file) && word(&p, extra,
							   sizeof extra))
		return od_err_set(err, OD_E_INPUT, "%s line %d: a witness line "
				  "has three words at most", CONF_FILE, lineno);
	if (cosigner_parse(t.vkey, &t.key, &why) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "%s line %d: %s", CONF_FILE,
				  lineno, why.msg);
	n = strlen(url);
	if (url[n - 1] == '/')
		url[n - 1] = '\0';
	snprintf(t.url, sizeof t.url, "%s%s", url, WITNESS_PATH);
	for (i = 0; i < wc->n; i++)
		if (strcmp(wc->w[i].vkey, t.vkey) == 0)
			return od_err_set(err, OD_E_INPUT, "%s line %d: witness "
					  "%s is named twice", CONF_FILE,
					  lineno, t.key.name);
	if (wc->n == WITNESS_CONF_MAX)
		return od_err_set(err, OD_E_INPUT, "%s line %d: %d witnesses "
				  "at most", CONF_FILE, lineno,
				  WITNESS_CONF_MAX);
	wc->w[wc->n++] = t;
	return OD_OK;
}
