/*
 * json-array-stream.h - the elements of a top-level JSON array, one at a
 * time, so that a file of a hundred thousand orders is never one tree.
 *
 * jansson cannot stream an array, so the array's framing ('[', ',', ']',
 * whitespace) is read here and each element is decoded by jansson alone
 * (JSON_DISABLE_EOF_CHECK), which says how many bytes it took: element
 * boundaries are never guessed by scanning for brackets, so strings holding
 * ']' or ',' are read as jansson reads them.  Errors carry the line and
 * column jansson would give for the whole input, and the same words: the
 * framing's own errors ("']' expected", "end of file expected") are made
 * at the same place jansson's parser would make them.
 */
#ifndef OD_JSON_ARRAY_STREAM_H
#define OD_JSON_ARRAY_STREAM_H

#include <jansson.h>

#include "app/import/import-input.h"

/* The most bytes one element may take, whitespace inside it included. */
#define JSON_ARRAY_VALUE_MAX (4L * 1024 * 1024)

enum json_array_event {
	JSON_ARRAY_VALUE,      /* *value is the next element, the caller's */
	JSON_ARRAY_END,        /* ']' and nothing after it but whitespace */
	JSON_ARRAY_NOT_ARRAY,  /* the top level is a lone object, read whole
				  and well formed, or too large to read */
	JSON_ARRAY_SYNTAX,     /* bad JSON: see the error */
	JSON_ARRAY_TOO_LARGE,  /* the element starting at the error's line
				  and column passes JSON_ARRAY_VALUE_MAX */
	JSON_ARRAY_FAILED,     /* reading failed: see err */
	JSON_ARRAY_OBJECT      /* with s->objects: the top level is a lone
				  object, well formed and alone; *value is
				  it, the caller's, and END comes next */
};

/* What jansson would say of the whole input, and where. */
struct json_array_error {
	enum json_error_code code;
	int line, column;                 /* line from 1; column in characters */
	char text[JSON_ERROR_TEXT_LENGTH];
};

struct json_array_stream {
	struct import_input *in;
	int line, column;                 /* where in->pos is, as jansson counts */
	int state;
	int objects;                      /* hand out a lone object (OBJECT) */
	unsigned char digest[32];         /* SHA-256 of the last element's
					     exact bytes, as in the input */
};

/* Starts reading in at its current position (after any byte order mark). */
void json_array_stream_init(struct json_array_stream *s,
			    struct import_input *in);

/*
 * Skips whitespace and sets *c to the next byte (unread), or -1 at the end
 * of the input.
 */
enum od_code json_array_stream_peek(struct json_array_stream *s, int *c,
				    struct od_err *err);

/*
 * Reads the next element.  The first call expects '[' or '{' (after
 * whitespace).  After JSON_ARRAY_END, _NOT_ARRAY, _SYNTAX, _TOO_LARGE and
 * _FAILED the stream is done.
 */
enum json_array_event json_array_stream_next(struct json_array_stream *s,
					      json_t **value,
					      struct json_array_error *je,
					      struct od_err *err);

#endif
