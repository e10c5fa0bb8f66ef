/* answer-type.c - a handler's content type, per thread (answer-type.h). */
#include "app/orderdeskd/answer-type.h"

#include "app/orderdeskd/backend.h"

static _Thread_local const char *answer_type;

void route_answer_type(const char *type)
{
	answer_type = type;
}

const char *backend_route_content_type(void *ctx, unsigned status)
{
	return status == 200 ? answer_type : NULL;
}
