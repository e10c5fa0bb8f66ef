/*
 * events-cmd.h - `orderdeskd --dir DIR events`: the security event log.
 *
 *   orderdeskd --dir DIR events [--since AGE] [--kind KIND] [--summary]
 *
 * Lists the events the backend kept (app/orderdeskd/events.h), oldest
 * first, a line each: time, kind, address, certificate name, detail.
 * --since AGE keeps those of the last AGE (90s, 30m, 24h, 7d), --kind one
 * kind; --summary counts them per kind and address instead, most first,
 * with the first and last time seen: whether someone is knocking.
 */
#ifndef OD_EVENTS_CMD_H
#define OD_EVENTS_CMD_H

#include "lib/err.h"

/* argv[0] is "events". */
enum od_code events_cmd(const char *dir, int argc, char **argv,
			struct od_err *err);

/* Reads an age (a number and s, m, h or d) into seconds; 0 if bad. */
long long events_parse_age(const char *s);

#endif
