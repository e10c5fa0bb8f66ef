/* err.c - the shared error type: setting, naming, exit statuses. */
#include "lib/err.h"

#include <stdarg.h>
#include <stdio.h>

void od_err_clear(struct od_err *err)
{
	err->code = OD_OK;
	err->msg[0] = '\0';
}

enum od_code od_err_set(struct od_err *err, enum od_code code,
			const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

const char *od_code_name(enum od_code code)
{
	switch (code) {
	case OD_OK:         return "ok";
	case OD_E_USAGE:    return "usage";
	case OD_E_NOMEM:    return "out of memory";
	case OD_E_IO:       return "i/o error";
	case OD_E_NOSPACE:  return "disk full";
	case OD_E_BUSY:     return "busy";
	case OD_E_AUTH:     return "not authenticated";
	case OD_E_DENIED:   return "not allowed";
	case OD_E_STATE:    return "illegal transition";
	case OD_E_EXISTS:   return "already exists";
	case OD_E_NOTFOUND: return "not found";
	case OD_E_INPUT:    return "bad input";
	case OD_E_TAMPERED: return "damaged or tampered";
	case OD_E_CRYPTO:   return "crypto failure";
	case OD_E_INTERNAL: return "internal error";
	}
	return "unknown error";
}

/*
 * Exit statuses are part of the scripting interface (README, "Exit
 * statuses"): 2 usage, 3 authentication, 4 permission or state, 5 input,
 * 6 damaged store, 1 for the rest.
 */
int od_code_exit_status(enum od_code code)
{
	switch (code) {
	case OD_OK:         return 0;
	case OD_E_USAGE:    return 2;
	case OD_E_AUTH:     return 3;
	case OD_E_DENIED:
	case OD_E_STATE:
	case OD_E_EXISTS:
	case OD_E_NOTFOUND: return 4;
	case OD_E_INPUT:    return 5;
	case OD_E_TAMPERED: return 6;
	default:            return 1;
	}
}
