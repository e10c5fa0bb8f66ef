/*
 * commands.h - orderdeskd's commands, one file per group: serve-cmd.c,
 * init-cmd.c (init, code), certs-cmd.c (desk, storefront), store-cmd.c
 * (import, verify, key, backup, restore) and events-cmd.h.  main.c holds
 * the table that names them.
 *
 * Each takes the backend's directory and its own arguments (argv[0] is its
 * name, getopt reset); failure is said in err, which main prints as one
 * line and turns into the exit status (lib/err.h).
 */
#ifndef OD_COMMANDS_H
#define OD_COMMANDS_H

#include "lib/err.h"

enum od_code serve_cmd(const char *dir, int argc, char **argv,
		       struct od_err *err);
enum od_code init_cmd(const char *dir, int argc, char **argv,
		      struct od_err *err);
enum od_code code_cmd(const char *dir, int argc, char **argv,
		      struct od_err *err);
enum od_code desk_cmd(const char *dir, int argc, char **argv,
		      struct od_err *err);
enum od_code storefront_cmd(const char *dir, int argc, char **argv,
			    struct od_err *err);
enum od_code import_cmd(const char *dir, int argc, char **argv,
			struct od_err *err);
enum od_code verify_cmd(const char *dir, int argc, char **argv,
			struct od_err *err);
enum od_code key_cmd(const char *dir, int argc, char **argv,
		     struct od_err *err);
enum od_code backup_file_cmd(const char *dir, int argc, char **argv,
			struct od_err *err);
enum od_code restore_cmd(const char *dir, int argc, char **argv,
			 struct od_err *err);

#endif
