/* import-ship-to.c - no ship-to for an order that needs no shipping. */
#include "app/import/import-ship-to.h"

#include <stdlib.h>
#include <string.h>

/* Whether s is NULL or nothing but spaces. */
static int blank(const char *s)
{
	if (s == NULL)
		return 1;
	while (*s == ' ')
		s++;
	return *s == '\0';
}

int import_ship_to_empty(const char *line1, const char *city,
			 const char *country)
{
	return blank(line1) && blank(city) && blank(country);
}

/* Replaces *s with a new "". */
static enum od_code empty(char **s, struct od_err *err)
{
	free(*s);
	*s = strdup("");
	if (*s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

enum od_code import_ship_to_none(struct order *o, struct od_err *err)
{
	enum od_code rc;
	size_t i;

	for (i = 0; i < o->nlines; i++) {
		free(o->ship_lines[i]);
		o->ship_lines[i] = NULL;
	}
	o->nlines = 0;
	o->country[0] = '\0';
	rc = empty(&o->ship_name, err);
	if (rc == OD_OK)
		rc = empty(&o->city, err);
	if (rc == OD_OK)
		rc = empty(&o->postcode, err);
	return rc;
}
