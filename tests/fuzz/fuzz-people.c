/*
 * fuzz-people.c - libFuzzer target for the people lists that travel
 * through the backend: the body of POST /v1/people as orderdeskd reads it
 * and the answer to GET /v1/people as a desk reads it (both
 * {"people": [{"bundle", "signature"}, ...]}, each entry read by
 * people_entry_read, the bundle's header by people_bundle_read).
 *
 * An accepted entry's bundle must be exactly what people_bundle_make
 * writes: the magic line, "time: " and the time in plain digits, and a
 * key slot part naming a valid user; so its time means one thing to every
 * desk.  Its signature must never verify under a key that did not make
 * it.  A refusal is OD_E_INPUT with a message and nothing read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/log/people.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks one entry of the list. */
static void check_entry(json_t *e)
{
	static const uint8_t stranger[SIGKEY_PUB_LEN] = { 0x3b, 0x6a, 0x27 };
	char user[KEYSLOT_NAME_MAX + 1], head[64];
	struct people_bundle pb;
	const char *text, *sig;
	struct od_err err;
	int n;

	od_err_clear(&err);
	if (people_entry_read(e, &text, &sig, &pb, &err) != OD_OK) {
		if (err.code != OD_E_INPUT || err.msg[0] == '\0' ||
		    pb.slot != NULL || pb.time_ms != 0 || pb.user[0] != '\0')
			abort();
		return;
	}
	if (text == NULL || sig == NULL || pb.time_ms <= 0 ||
	    strlen(text) > PEOPLE_BUNDLE_MAX)
		abort();
	/* The header, built again, is byte for byte the bundle's. */
	n = snprintf(head, sizeof head, "%s\ntime: %lld\n", PEOPLE_MAGIC,
		     pb.time_ms);
	if (n <= 0 || (size_t)n >= sizeof head ||
	    pb.slot != text + n || strncmp(text, head, (size_t)n) != 0)
		abort();
	if (keyslot_bundle_parse(pb.slot, user, &err) != OD_OK ||
	    strcmp(user, pb.user) != 0 ||
	    strncmp(pb.slot + 6, pb.user, strlen(pb.user)) != 0)
		abort();
	if (people_bundle_verify(text, sig, stranger, &err) == OD_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *o, *arr;
	size_t i;

	/* As the backend and the desk load it. */
	o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	arr = json_object_get(o, "people");
	if (json_is_array(arr))
		for (i = 0; i < json_array_size(arr) && i < PEOPLE_MAX; i++)
			check_entry(json_array_get(arr, i));
	json_decref(o);
	return 0;
}
