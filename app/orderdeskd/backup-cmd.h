/*
 * backup-cmd.h - `orderdeskd backup` beyond `backup FILE` (main.c):
 *   backup --into FOLDER --keep N   a dated backup, the oldest pruned
 */
#ifndef OD_BACKUP_CMD_H
#define OD_BACKUP_CMD_H

#include "lib/err.h"

/* Runs `backup` with options; argv[0] is "backup". */
enum od_code backup_cmd(const char *dir, int argc, char **argv,
			struct od_err *err);

#endif
