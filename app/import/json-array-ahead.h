/*
 * json-array-ahead.h - a JSON array's elements decoded on a thread of
 * their own, a few ahead of the caller, who turns each into an order
 * meanwhile (import.c): the file's bytes are decoded once, on one core,
 * and the orders built on another.
 *
 * The events are json_array_stream_next's, in the same order, with the
 * same values, errors and digests; the last is one that ends the stream
 * (END, NOT_ARRAY, SYNTAX, TOO_LARGE or FAILED).  While the thread runs,
 * the stream and its input are its own: the caller touches neither until
 * json_ahead_stop.
 */
#ifndef OD_JSON_ARRAY_AHEAD_H
#define OD_JSON_ARRAY_AHEAD_H

#include "app/import/json-array-stream.h"
#include "lib/err.h"

/* Elements decoded ahead at most: each may hold up to
 * JSON_ARRAY_VALUE_MAX of text, so few. */
#define JSON_AHEAD_MAX 8

struct json_ahead;

/* Starts decoding s's next elements on a new thread; *out is the
 * caller's (json_ahead_stop). */
enum od_code json_ahead_start(struct json_array_stream *s,
			      struct json_ahead **out, struct od_err *err);

/*
 * The next event, as json_array_stream_next would give it; digest gets
 * the SHA-256 of a value's bytes (the stream's digest after it).  After
 * the event that ends the stream, every call gives it again.
 */
enum json_array_event json_ahead_next(struct json_ahead *a, json_t **value,
				      unsigned char digest[32],
				      struct json_array_error *je,
				      struct od_err *err);

/* json_ahead_next from a, or, with a NULL, json_array_stream_next from
 * s on the calling thread. */
enum json_array_event json_ahead_or_stream(struct json_ahead *a,
					   struct json_array_stream *s,
					   json_t **value,
					   unsigned char digest[32],
					   struct json_array_error *je,
					   struct od_err *err);

/* Stops the thread, waits for it and frees what it decoded and was not
 * taken; NULL is a no-op. */
void json_ahead_stop(struct json_ahead *a);

#endif
