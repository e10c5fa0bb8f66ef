/*
 * od-backend-sql - plays a backend operator who edits orderdeskd's store
 * behind its back, to show that the desks notice.
 *
 *   od-backend-sql BACKEND_DIR 'SQL'
 *
 * Reads the data key from BACKEND_DIR/backend.key (the operator has it:
 * the backend needs it unattended), opens BACKEND_DIR/orderdesk.db
 * through the encrypting VFS and runs the SQL as is; rows it returns are
 * printed one a line, columns joined by '|'.  E.g. editing the table of
 * the log's Merkle tree makes the backend sign checkpoints of a history
 * other than the log it serves (a fork).  A test tool only.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/encode.h"
#include "lib/secret.h"
#include "storage/vfs-crypt.h"

/* Prints one result row: its columns joined by '|'. */
static int print_row(void *ctx, int n, char **vals, char **names)
{
	int i;

	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", vals[i] ? vals[i] : "");
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t key[VFS_CRYPT_KEY_LEN];
	char path[4096], text[512], hex[2 * VFS_CRYPT_KEY_LEN + 1], *msg = NULL;
	const char *data;
	struct od_err err;
	sqlite3 *db = NULL;
	size_t n;
	FILE *f;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: od-backend-sql BACKEND_DIR 'SQL'\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/backend.key", argv[1]);
	f = fopen(path, "r");
	n = f ? fread(text, 1, sizeof text - 1, f) : 0;
	if (f != NULL)
		fclose(f);
	text[n] = '\0';
	data = strstr(text, "\ndata: ");
	if (data == NULL || strlen(data) < 7 + sizeof hex - 1) {
		fprintf(stderr, "od-backend-sql: no data key in %s\n", path);
		return 1;
	}
	memcpy(hex, data + 7, sizeof hex - 1);
	hex[sizeof hex - 1] = '\0';
	snprintf(path, sizeof path, "%s/orderdesk.db", argv[1]);
	if (hex_decode("the data key", hex, key, sizeof key, &err) != OD_OK ||
	    vfs_crypt_open(path, key, 0, &db, &err) != OD_OK) {
		fprintf(stderr, "od-backend-sql: %s\n", err.msg);
		goto out;
	}
	if (sqlite3_exec(db, argv[2], print_row, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "od-backend-sql: %s\n", msg ? msg : "failed");
		goto out;
	}
	rc = 0;
out:
	sqlite3_free(msg);
	sqlite3_close(db);
	secret_wipe(key, sizeof key);
	secret_wipe(text, sizeof text);
	secret_wipe(hex, sizeof hex);
	return rc;
}
