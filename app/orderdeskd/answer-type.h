/*
 * answer-type.h - the content type of the answer a route's handler makes:
 * JSON, as every answer of orderdeskd, unless the handler says otherwise
 * for its 200 (GET /v1/checkpoint's signed note, backend-proof.h).  Kept
 * per serving thread: the server asks for it (backend_route_content_type,
 * backend.h) on the thread that ran the handler, right after it.
 */
#ifndef OD_ANSWER_TYPE_H
#define OD_ANSWER_TYPE_H

/* Sets this thread's answer type (a string that outlives the request;
 * NULL: JSON); the dispatcher resets it before each handler. */
void route_answer_type(const char *type);

#endif
