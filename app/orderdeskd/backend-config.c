/* backend-config.c - orderdeskd.conf: the limits and address, with defaults. */
#include "app/orderdeskd/backend-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void backend_config_default(struct backend_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->address, sizeof cfg->address, "127.0.0.1");
	cfg->port = 8443;
	cfg->max_connections = 64;
	cfg->max_per_ip = 16;
	cfg->max_body = 4 * 1024 * 1024;
	cfg->timeout_s = 15;
	cfg->request_time_s = 30;
	cfg->max_batch = 500;
	cfg->max_page = 1000;
	cfg->join_ttl_s = 24 * 3600;
	cfg->join_fails = 10;
}

enum od_code backend_config_listen(struct backend_config *cfg,
				   const char *spec, struct od_err *err)
{
	const char *colon = strrchr(spec, ':');
	struct in_addr a;
	char addr[64], *end;
	unsigned long port;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof addr)
		goto bad;
	memcpy(addr, spec, (size_t)(colon - spec));
	addr[colon - spec] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (inet_pton(AF_INET, addr, &a) != 1 || colon[1] == '\0' || *end ||
	    errno || port > 65535)
		goto bad;
	snprintf(cfg->address, sizeof cfg->address, "%s", addr);
	cfg->port = (unsigned)port;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_USAGE, "listen on ADDRESS:PORT, e.g. "
			  "127.0.0.1:8443 (IPv4), not %.64s", spec);
}

/*
 * webhooks, webhooks_cert, webhooks_key: the webhooks' own listener
 * (webhook-listen.h), checked here so that a bad line is found when the
 * file is read (and on SIGHUP the settings in force stay).
 */
static enum od_code webhooks_line(struct backend_config *cfg,
				  const char *name, const char *value,
				  int lineno, struct od_err *err)
{
	struct backend_config where;
	char *dst = strcmp(name, "webhooks_cert") == 0 ? cfg->webhooks_cert :
		    cfg->webhooks_key;

	if (strcmp(name, "webhooks") == 0) {
		if (backend_config_listen(&where, value, err) != OD_OK)
			return od_err_set(err, OD_E_INPUT, "%s line %d: webhooks "
					  "= ADDRESS:PORT (IPv4), e.g. "
					  "0.0.0.0:8444", BACKEND_CONF_FILE,
					  lineno);
		snprintf(cfg->webhooks, sizeof cfg->webhooks, "%s", value);
		return OD_OK;
	}
	if (value[0] != '/' || strlen(value) >= sizeof cfg->webhooks_cert)
		return od_err_set(err, OD_E_INPUT, "%s line %d: %s = the whole "
				  "path of a PEM file, from /", BACKEND_CONF_FILE,
				  lineno, name);
	snprintf(dst, sizeof cfg->webhooks_cert, "%s", value);
	return OD_OK;
}

/* All three webhooks settings or none. */
static enum od_code webhooks_check(const struct backend_config *cfg,
				   struct od_err *err)
{
	int n = (cfg->webhooks[0] != '\0') + (cfg->webhooks_cert[0] != '\0') +
		(cfg->webhooks_key[0] != '\0');

	if (n == 0 || n == 3)
		return OD_OK;
	return od_err_set(err, OD_E_INPUT, "%s: webhooks, webhooks_cert and "
			  "webhooks_key go together: the address, the "
			  "certificate the storefronts trust and its key",
			  BACKEND_CONF_FILE);
}

/* Parses a positive decimal no larger than max. */
int backend_parse_count(const char *s, unsigned long long max,
			unsigned long long *out)
{
	char *end;

	if (*s < '1' || *s > '9')
		return 0;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return *end == '\0' && errno == 0 && *out <= max;
}

/* Applies one "name = value" line of the configuration. */
static enum od_code config_line(struct backend_config *cfg, char *line,
				int lineno, struct od_err *err)
{
	char *eq = strchr(line, '='), *name = line, *value, *p;
	unsigned long long n = 0;

	while (*name == ' ' || *name == '\t')
		name++;
	if (*name == '\0' || *name == '#')
		return OD_OK;
	if (eq == NULL)
		goto bad;
	value = eq + 1;
	for (p = eq; p > name && (p[-1] == ' ' || p[-1] == '\t'); p--)
		;
	*p = '\0';
	while (*value == ' ' || *value == '\t')
		value++;
	for (p = value + strlen(value); p > value &&
	     (p[-1] == ' ' || p[-1] == '\t'); p--)
		;
	*p = '\0';
	if (strcmp(name, "listen") == 0)
		return backend_config_listen(cfg, value, err) == OD_OK ? OD_OK :
		       od_err_set(err, OD_E_INPUT, "%s line %d: listen = "
				  "ADDRESS:PORT", BACKEND_CONF_FILE, lineno);
	if (strcmp(name, "witness") == 0)
		return witness_conf_line(&cfg->witnesses, value, lineno, err);
	if (strcmp(name, "webhooks") == 0 || strcmp(name, "webhooks_cert") == 0 ||
	    strcmp(name, "webhooks_key") == 0)
		return webhooks_line(cfg, name, value, lineno, err);
	if (strcmp(name, "max_connections") == 0 &&
	    backend_parse_count(value, 100000, &n))
		cfg->max_connections = (unsigned)n;
	else if (strcmp(name, "max_per_ip") == 0 &&
		 backend_parse_count(value, 100000, &n))
		cfg->max_per_ip = (unsigned)n;
	else if (strcmp(name, "max_body") == 0 &&
		 backend_parse_count(value, 256ULL * 1024 * 1024, &n))
		cfg->max_body = (size_t)n;
	else if (strcmp(name, "timeout") == 0 &&
		 backend_parse_count(value, 3600, &n))
		cfg->timeout_s = (unsigned)n;
	else if (strcmp(name, "request_time") == 0 &&
		 backend_parse_count(value, 3600, &n))
		cfg->request_time_s = (unsigned)n;
	else if (strcmp(name, "max_batch") == 0 &&
		 backend_parse_count(value, 100000, &n))
		cfg->max_batch = (unsigned)n;
	else if (strcmp(name, "max_page") == 0 &&
		 backend_parse_count(value, 100000, &n))
		cfg->max_page = (unsigned)n;
	else if (strcmp(name, "join_ttl") == 0 &&
		 backend_parse_count(value, 30 * 24 * 3600, &n))
		cfg->join_ttl_s = (unsigned)n;
	else if (strcmp(name, "join_fails") == 0 &&
		 backend_parse_count(value, 100000, &n))
		cfg->join_fails = (unsigned)n;
	else
		goto bad;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "%s line %d: expected one of "
			  "listen, max_connections, max_per_ip, max_body, "
			  "timeout, request_time, max_batch, max_page, "
			  "join_ttl, join_fails, webhooks, webhooks_cert, "
			  "webhooks_key = a value (man 5 "
			  "orderdeskd.conf)", BACKEND_CONF_FILE, lineno);
}

enum od_code backend_config_load(const char *dir, struct backend_config *cfg,
				 struct od_err *err)
{
	char *text = NULL, *line, *next;
	enum od_code rc;
	int lineno = 0;

	rc = backend_read_small(dir, BACKEND_CONF_FILE, CONF_MAX_BYTES, 0,
				&text, NULL, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	for (line = text; rc == OD_OK && line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		rc = config_line(cfg, line, ++lineno, err);
	}
	free(text);
	return rc == OD_OK ? webhooks_check(cfg, err) : rc;
}
