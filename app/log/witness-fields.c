/* witness-fields.c - the field checks of the shop.witnesses and
 * shop.log-key statements (witness-policy.h, log-key.h), apart so that
 * statement.c calls them without calling back into what reads statements. */
#include "app/log/log-key.h"
#include "app/log/witness-policy.h"

#include <stdlib.h>

#include "app/log/cosignature.h"

enum od_code policy_check_key(const char *field, const char *v,
			      struct od_err *err)
{
	struct note_verifier w;
	struct od_err why;

	if (cosigner_parse(v, &w, &why) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "%s: %s", field, why.msg);
	return OD_OK;
}

enum od_code policy_check_quorum(const char *field, const char *v,
				 struct od_err *err)
{
	if (v[0] < '1' || v[0] > '0' + POLICY_WITNESSES_MAX || v[1] != '\0')
		return od_err_set(err, OD_E_INPUT, "%s: must be 1 to %d "
				  "witnesses", field, POLICY_WITNESSES_MAX);
	return OD_OK;
}

enum od_code policy_check_max_age(const char *field, const char *v,
				  struct od_err *err)
{
	size_t i;

	for (i = 0; v[i] >= '0' && v[i] <= '9' && i < 8; i++)
		;
	if (i == 0 || v[i] != '\0' || v[0] == '0' ||
	    atol(v) < POLICY_MAX_AGE_MIN || atol(v) > POLICY_MAX_AGE_MAX)
		return od_err_set(err, OD_E_INPUT, "%s: must be %d to %d "
				  "seconds", field, POLICY_MAX_AGE_MIN,
				  POLICY_MAX_AGE_MAX);
	return OD_OK;
}

enum od_code log_key_check(const char *field, const char *v,
			   struct od_err *err)
{
	struct note_verifier k;
	struct od_err why;

	if (note_verifier_parse(v, &k, &why) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "%s: %s", field, why.msg);
	return OD_OK;
}
