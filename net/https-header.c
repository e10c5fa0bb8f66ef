/* https-header.c - a request's header (net/https-server.h). */
#include "net/https-server.h"

#include <microhttpd.h>

const char *https_request_header(const struct https_request *req,
				 const char *name)
{
	return req->conn == NULL ? NULL :
	       MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}
