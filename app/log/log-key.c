/* log-key.c - the log's verifier key named by the owner (log-key.h). */
#include "app/log/log-key.h"

enum od_code log_key_fold(struct store *s, const struct statement *st,
			  struct od_err *err)
{
	const char *v = statement_get(st, "log-key");

	if (v == NULL)
		return od_err_set(err, OD_E_INPUT, "shop.log-key names no key");
	return store_meta_set(s, LOG_KEY_META, v, err);
}
