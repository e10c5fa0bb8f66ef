/* witness-conf.c - "witness = VKEY URL [CA-FILE] [timeout=SECONDS]" lines
 * (witness-conf.h). */
#include "app/orderdeskd/witness-conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/cosignature.h"
/* The C2SP tlog-witness path (app/witness/witness.h serves it). */
#define WITNESS_PATH "/add-checkpoint"

#define CONF_FILE "orderdeskd.conf"

#define TIMEOUT_WORD "timeout="
#define TIMEOUT_MAX  600

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

/*
 * Reads the words after the URL into t: a CA file and a timeout=SECONDS,
 * each at most once, in either order.
 */
static enum od_code options(const char *p, struct witness_target *t,
			    int lineno, struct od_err *err)
{
	char w[sizeof t->ca_file], *end;
	int words = 0;

	while (word(&p, w, sizeof w)) {
		if (++words > 2)
			return od_err_set(err, OD_E_INPUT, "%s line %d: a "
					  "witness line has four words at "
					  "most", CONF_FILE, lineno);
		if (strncmp(w, TIMEOUT_WORD, strlen(TIMEOUT_WORD)) != 0) {
			snprintf(t->ca_file, sizeof t->ca_file, "%s", w);
			continue;
		}
		t->timeout_s = strtol(w + strlen(TIMEOUT_WORD), &end, 10);
		if (*end != '\0' || t->timeout_s < 1 ||
		    t->timeout_s > TIMEOUT_MAX)
			return od_err_set(err, OD_E_INPUT, "%s line %d: %s: "
					  "the timeout is whole seconds from "
					  "1 to %d", CONF_FILE, lineno, w,
					  TIMEOUT_MAX);
	}
	/* A word left over that fits nowhere: longer than a path may be. */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return od_err_set(err, OD_E_INPUT, "%s line %d: a word of the "
				  "witness line is too long", CONF_FILE,
				  lineno);
	return OD_OK;
}

enum od_code witness_conf_line(struct witness_conf *wc, const char *value,
			       int lineno, struct od_err *err)
{
	struct witness_target t;
	struct od_err why;
	char url[sizeof t.url - sizeof WITNESS_PATH];
	const char *p = value;
	size_t i, n;
	enum od_code rc;

	memset(&t, 0, sizeof t);
	if (!word(&p, t.vkey, sizeof t.vkey) || !word(&p, url, sizeof url) ||
	    strncmp(url, "https://", 8) != 0 || url[8] == '\0')
		return od_err_set(err, OD_E_INPUT, "%s line %d: witness = VKEY "
				  "https://HOST:PORT [CA-FILE] "
				  "[timeout=SECONDS]", CONF_FILE, lineno);
	rc = options(p, &t, lineno, err);
	if (rc != OD_OK)
		return rc;
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
