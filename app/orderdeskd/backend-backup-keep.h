/*
 * backend-backup-keep.h - dated backups in a folder, the oldest pruned:
 * what the nightly timer (dist/orderdeskd-backup.timer) runs.
 *
 * Each backup is FOLDER/orderdeskd-YYYYMMDDTHHMMSSZ.bak (UTC, so the
 * names sort as the times do).  Only once the new one is written and
 * checked are the oldest files of exactly that pattern removed, until
 * keep are left; nothing else in the folder is ever touched.
 */
#ifndef OD_BACKEND_BACKUP_KEEP_H
#define OD_BACKEND_BACKUP_KEEP_H

#include <stddef.h>

#include "app/orderdeskd/backend-backup.h"

#define BACKUP_KEEP_MAX 10000

/* What backend_backup_keep did. */
struct backup_keep_report {
	struct backend_backup_report backup;
	char path[4096];          /* the backup written */
	int kept;                 /* dated backups in the folder after */
	int pruned;               /* the oldest removed */
};

/* Backs the backend in dir up into folder (made 0700 if missing), then
 * keeps the newest keep (1..BACKUP_KEEP_MAX) dated backups. */
enum od_code backend_backup_keep(const char *dir, const char *folder,
				 int keep, struct backup_keep_report *rep,
				 struct od_err *err);

#endif
