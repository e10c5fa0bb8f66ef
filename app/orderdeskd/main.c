/*
 * main.c - orderdeskd's entry point: --dir, and the table of commands
 *
 *   orderdeskd --dir DIR init --shop NAME [--host NAME_OR_IP ...]
 *                             [--code-ttl SECONDS]
 *   orderdeskd --dir DIR code [--ttl SECONDS]
 *   orderdeskd --dir DIR serve [--listen 127.0.0.1:8443] [--conf-dir DIR]
 *                        [--webhooks ADDRESS:PORT --webhooks-cert FILE
 *                         --webhooks-key FILE]
 *   orderdeskd --dir DIR desk add|revoke NAME
 *   orderdeskd --dir DIR storefront add|revoke NAME
 *   orderdeskd --dir DIR storefront add NAME [--woocommerce-secret-fd N]
 *                        [--shopify-secret-fd N] [--drop-old]
 *   orderdeskd --dir DIR import [--storefront NAME] [--from SOURCE] FILE
 *   orderdeskd --dir DIR verify
 *   orderdeskd --dir DIR key       the log's verifier key (checkpoints)
 *
 * serve logs one line per request to stderr (peer, route, status, counts:
 * never a statement, a key or customer data); SIGTERM or SIGINT stop it
 * cleanly, SIGHUP rereads orderdeskd.conf and restarts the listener with
 * the new limits.
 *
 * Each command is in a *-cmd.c file of this folder (commands.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "app/orderdeskd/backup-cmd.h"
#include "app/orderdeskd/commands.h"
#include "app/orderdeskd/webhook-listen.h"
#include "app/orderdeskd/events-cmd.h"
#include "lib/file.h"

/* One command: its name, what runs it, and its usage line. */
struct command {
	const char *name;
	enum od_code (*run)(const char *dir, int argc, char **argv,
			    struct od_err *err);
	const char *usage;
};

static const struct command commands[] = {
	{ "init", init_cmd, "orderdeskd --dir DIR init --shop NAME "
	  "[--host NAME_OR_IP ...] [--code-ttl SECONDS]" },
	{ "code", code_cmd, "orderdeskd --dir DIR code [--ttl SECONDS]" },
	{ "serve", serve_cmd, "orderdeskd --dir DIR serve [--listen "
	  "ADDRESS:PORT] [--conf-dir DIR]\n           "
	  WEBHOOK_LISTEN_USAGE },
	{ "desk", desk_cmd, "orderdeskd --dir DIR desk add|revoke NAME" },
	{ "storefront", storefront_cmd, "orderdeskd --dir DIR storefront "
	  "add|revoke NAME\n       orderdeskd --dir DIR storefront add NAME "
	  "[--woocommerce-secret-fd N]\n           [--shopify-secret-fd N] "
	  "[--drop-old]" },
	{ "import", import_cmd, "orderdeskd --dir DIR import "
	  "[--storefront NAME] [--from SOURCE] FILE" },
	{ "verify", verify_cmd, "orderdeskd --dir DIR verify" },
	{ "key", key_cmd, "orderdeskd --dir DIR key" },
	{ "events", events_cmd, "orderdeskd --dir DIR events [--since AGE] "
	  "[--kind KIND] [--summary]" },
	{ "backup", backup_file_cmd, "orderdeskd --dir DIR backup FILE | "
	  "--into FOLDER --keep N" },
	{ "restore", restore_cmd, "orderdeskd --dir NEWDIR restore --key "
	  "BACKEND_KEY FILE" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Prints every command's usage line to f. */
static void usage(FILE *f)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "%s%s\n", i == 0 ? "usage: " : "       ",
			commands[i].usage);
	fprintf(f, "       orderdeskd backup --check FILE --key VERIFIER_KEY\n"
		"       orderdeskd --version | --help\n");
}

/* Runs the command argv[0] on dir. */
static enum od_code run(const char *dir, int argc, char **argv,
			struct od_err *err)
{
	size_t i;
	enum od_code rc;

	/* Holds the CA's and the server's keys: nobody else may write in it.
	 * `init` may make an empty one 0700; nothing was put there yet. */
	rc = file_check_private_dir(dir, strcmp(argv[0], "init") == 0 ||
				    strcmp(argv[0], "restore") == 0, err);
	if (rc != OD_OK)
		return rc;
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, argv[0]) == 0)
			return commands[i].run(dir, argc, argv, err);
	return od_err_set(err, OD_E_USAGE, "unknown command %.32s "
			  "(orderdeskd --help lists them)", argv[0]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rlimit none = { 0, 0 };
	struct od_err err;
	const char *dir = NULL;
	enum od_code rc;
	int opt;

	setrlimit(RLIMIT_CORE, &none);
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	od_err_clear(&err);
	while ((opt = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		if (opt == 'd') {
			dir = optarg;
		} else if (opt == 'V') {
			printf("orderdeskd %s\n", OD_VERSION);
			return 0;
		} else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (dir == NULL && optind < argc && strcmp(argv[optind], "backup") == 0)
		return backup_cmd_main(argc - optind, argv + optind);
	if (dir == NULL || optind >= argc) {
		fprintf(stderr, "orderdeskd: say --dir DIR and a command "
			"(orderdeskd --help lists them)\n");
		return 2;
	}
	argc -= optind;
	argv += optind;
	optind = 0;  /* glibc: restart getopt for the command */
	rc = run(dir, argc, argv, &err);
	if (rc != OD_OK) {
		fprintf(stderr, "orderdeskd: %s\n", err.msg);
		return od_code_exit_status(rc);
	}
	return 0;
}
