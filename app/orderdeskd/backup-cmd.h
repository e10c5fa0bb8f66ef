/*
 * backup-cmd.h - `orderdeskd backup` beyond `backup FILE` (main.c):
 *   backup --into FOLDER --keep N   a dated backup, the oldest pruned
 *   backup --check FILE --key VERIFIER_KEY   its signature by the head key
 *       whose verifier key `orderdeskd key` prints: no --dir, no secret
 */
#ifndef OD_BACKUP_CMD_H
#define OD_BACKUP_CMD_H

#include "lib/err.h"

/* Runs `backup` with options; argv[0] is "backup".  dir NULL: only
 * --check. */
enum od_code backup_cmd(const char *dir, int argc, char **argv,
			struct od_err *err);

/* `orderdeskd backup --check ...` given no --dir: the exit status. */
int backup_cmd_main(int argc, char **argv);

#endif
