/*
 * https-header.h - a request header of net/https-server.h's requests
 * (the answer's form a client asks for, Accept), kept apart from the
 * server itself.
 */
#ifndef OD_HTTPS_HEADER_H
#define OD_HTTPS_HEADER_H

#include "net/https-server.h"

/* The value of req's header name (borrowed from req), or NULL. */
const char *https_request_header(const struct https_request *req,
				 const char *name);

#endif
