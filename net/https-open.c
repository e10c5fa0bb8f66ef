/*
 * https-open.c - which paths a client without a certificate may ask for
 * (net/https-server.h).
 */
#include "net/https-server.h"

#include <string.h>

int https_open_cap(const struct https_config *cfg, const char *path,
		   size_t *cap)
{
	*cap = 0;
	if (cfg->open_path != NULL && strcmp(path, cfg->open_path) == 0) {
		*cap = cfg->open_max_body;
		return 1;
	}
	if (cfg->open_prefix != NULL && cfg->open_prefix[0] != '\0' &&
	    strncmp(path, cfg->open_prefix, strlen(cfg->open_prefix)) == 0) {
		*cap = cfg->open_prefix_max_body > 0 ?
		       cfg->open_prefix_max_body : cfg->open_max_body;
		return 1;
	}
	return 0;
}
