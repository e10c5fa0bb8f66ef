/*
 * file-new.h - writing a file that must not replace one already there.
 *
 * Beside lib/file.h's file_write_atomic (which replaces): for output a
 * person names (a PDF to print), where overwriting what was there by
 * mistake loses their file.
 */
#ifndef OD_FILE_NEW_H
#define OD_FILE_NEW_H

#include <stddef.h>

#include "lib/err.h"

/*
 * Writes p[0..n) to path, mode 0600, only if nothing is there: written to
 * "PATH.part", fsynced, then moved to path in one step that fails if path
 * exists by then (renameat2 RENAME_NOREPLACE, or link where the file
 * system lacks it), and the directory fsynced.  Either the whole file is
 * at path or none.  path existing gives OD_E_EXISTS; a full disk
 * OD_E_NOSPACE; else OD_E_IO; each naming path.
 */
enum od_code file_write_new(const char *path, const void *p, size_t n,
			    struct od_err *err);

#endif
