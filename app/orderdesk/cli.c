/* cli.c - global options, the command table and dispatch. */
#include "app/orderdesk/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/store-cache.h"

static const struct cli_command *const commands[] = {
	&cmd_init_entry,
	&cmd_user_entry,
	&cmd_role_entry,
	&cmd_import_entry,
	&cmd_list_entry,
	&cmd_show_entry,
	&cmd_confirm_entry,
	&cmd_unconfirm_entry,
	&cmd_cancel_entry,
	&cmd_note_entry,
	&cmd_hold_entry,
	&cmd_release_entry,
	&cmd_amend_entry,
	&cmd_ship_entry,
	&cmd_deliver_entry,
	&cmd_return_entry,
	&cmd_stock_entry,
	&cmd_evidence_entry,
	&cmd_pay_entry,
	&cmd_refund_entry,
	&cmd_slip_entry, &cmd_picklist_entry,
	&cmd_log_entry,
	&cmd_audit_entry,
	&cmd_backup_entry,
	&cmd_restore_entry,
	&cmd_sync_entry,
	&cmd_conflicts_entry,
	&cmd_clock_entry,
	&cmd_desk_entry,
	&cmd_witness_entry,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Prints the usage summary. */
static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: orderdesk [--store DIR] [--user NAME] "
		   "[--passphrase-fd N] COMMAND ...\n"
		   "       orderdesk [--store DIR] [--user NAME] "
		   "[--idle-lock SECONDS]\n"
		   "                 [--sync-every SECONDS]   (the desk)\n"
		   "       orderdesk --version | --help\n"
		   "\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n           %s\n", commands[i]->name,
			commands[i]->summary, commands[i]->usage);
	fprintf(f, "\nThe store is $XDG_DATA_HOME/orderdesk unless --store "
		   "says otherwise.\nSee `man orderdesk` or README.md.\n");
}

/*
 * Makes a message safe for a terminal, in place: a message may quote what
 * someone typed (an order number that does not exist), and that must not
 * carry escape sequences to the screen.  Control bytes and C1 controls
 * become '?'.
 */
static const char *printable(char *msg)
{
	unsigned char *p;

	for (p = (unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p[0] = p[1] = '?';
	}
	return msg;
}

/* Parses a file descriptor number given on the command line. */
static int parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > 65535)
		return -2;
	return (int)v;
}

/*
 * Keeps secrets out of core dumps and files private from the start.  Not
 * dumpable also makes /proc/PID/ root's: another process of the same user
 * cannot open this one's descriptors there (the pipe that hands the desk's
 * TLS key to GnuTLS, net/tls-client.h) nor attach to it.
 */
static void harden_process(void)
{
	struct rlimit none = { 0, 0 };

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
	umask(077);
}

/* Parses whole seconds from 0 to max; -1 if not that. */
static int parse_seconds(const char *s, long max)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return (*end == '\0' && v >= 0 && v <= max) ? (int)v : -1;
}

/* What the global options said. */
struct globals {
	const char *store;
	int idle;   /* the desk's idle lock: -1 for its default */
	int every;  /* the desk's background sync: -1 for its default */
};

/* Reads one global option; -1 to go on, else the exit status. */
static int global_option(int opt, char **argv, struct cli *c,
			 struct globals *g)
{
	switch (opt) {
	case 's':
		g->store = optarg;
		return -1;
	case 'u':
		c->user = optarg;
		return -1;
	case 'p':
		c->pass_fd = parse_fd(optarg);
		if (c->pass_fd >= 0)
			return -1;
		fprintf(stderr, "orderdesk: --passphrase-fd needs a file "
			"descriptor number\n");
		return 2;
	case 'h':
		print_help(stdout);
		return 0;
	case 'V':
		printf("orderdesk %s\n", OD_VERSION);
		return 0;
	case 'i':
		g->idle = parse_seconds(optarg, CLI_IDLE_MAX);
		if (g->idle >= 0)
			return -1;
		fprintf(stderr, "orderdesk: --idle-lock needs seconds from 0 "
			"(never) to %d\n", CLI_IDLE_MAX);
		return 2;
	case 'e':
		g->every = parse_seconds(optarg, CLI_SYNC_EVERY_MAX);
		if (g->every >= 1)
			return -1;
		fprintf(stderr, "orderdesk: --sync-every needs seconds from 1 "
			"to %d\n", CLI_SYNC_EVERY_MAX);
		return 2;
	default:
		fprintf(stderr, "orderdesk: unknown or incomplete option %s; "
			"see `orderdesk --help`\n", printable(argv[optind - 1]));
		return 2;
	}
}

/* Reads the global options; -1 to go on, else the exit status. */
static int global_options(int argc, char **argv, struct cli *c,
			  struct globals *g)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "passphrase-fd", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "idle-lock", required_argument, NULL, 'i' },
		{ "sync-every", required_argument, NULL, 'e' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, status = -1;

	opterr = 0;  /* we say what is wrong ourselves, on one line */
	/* "+": stop at the command name; its own options are its own. */
	while (status < 0 &&
	       (opt = getopt_long(argc, argv, "+s:u:p:h", opts, NULL)) != -1)
		status = global_option(opt, argv, c, g);
	return status;
}

/* No command: the desk's screens, which need a terminal. */
static int start_desk(const struct globals *g, const struct cli *c,
		      struct cli_desk *desk)
{
	struct od_err err;
	char *dir = NULL;

	od_err_clear(&err);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "orderdesk: the desk needs a terminal; give a "
			"command (orderdesk --help lists them)\n");
		return 2;
	}
	if (g->store != NULL)
		dir = strdup(g->store);
	else
		shop_default_dir(&dir, &err);
	if (dir == NULL) {
		fprintf(stderr, "orderdesk: %s\n", err.code ? err.msg :
			"out of memory");
		return err.code ? od_code_exit_status(err.code) : 1;
	}
	desk->store_dir = dir;
	desk->user = c->user;
	desk->idle_secs = g->idle;
	desk->sync_every_s = g->every;
	return CLI_DESK;
}

/* Runs the command argv[0] from the table; err says how it went. */
static void run_command(struct cli *c, int argc, char **argv,
			struct od_err *err)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[0], commands[i]->name) == 0)
			break;
	if (i == NCOMMANDS) {
		od_err_set(err, OD_E_USAGE, "unknown command %s; see "
			   "`orderdesk --help`", argv[0]);
		return;
	}
	optind = 0;  /* glibc: restart getopt for the command */
	/* err may hold a failure that was handled along the way: only the
	 * command's result says whether it failed. */
	if (commands[i]->run(c, argc, argv, err) == OD_OK) {
		od_err_clear(err);
		cli_flush(c, err);
	} else if (err->code == OD_OK) {
		od_err_set(err, OD_E_INTERNAL, "%s failed", commands[i]->name);
	}
}

int cli_main(int argc, char **argv, struct cli_desk *desk)
{
	struct globals g = { NULL, -1, -1 };
	struct cli c = { NULL, NULL, -1, stdout };
	struct od_err err;
	int status;

	harden_process();
	od_err_clear(&err);
	status = global_options(argc, argv, &c, &g);
	if (status >= 0)
		return status;
	if (optind >= argc)
		return start_desk(&g, &c, desk);
	if (g.idle >= 0 || g.every >= 0) {
		fprintf(stderr, "orderdesk: %s is for the desk; give it "
			"without a command\n", g.idle >= 0 ? "--idle-lock" :
			"--sync-every");
		return 2;
	}
	if (g.store != NULL) {
		c.store_dir = strdup(g.store);
		if (c.store_dir == NULL)
			od_err_set(&err, OD_E_NOMEM, "out of memory");
	} else {
		shop_default_dir(&c.store_dir, &err);
	}
	/* A one-shot command reads each page about once, whether it goes
	 * through cli_unlock or not (user passwd, init --backend): a small
	 * page cache, not the desk's 64 MiB (storage/store-cache.h). */
	store_set_cache_kib(STORE_CACHE_SMALL_KIB);
	if (err.code == OD_OK)
		run_command(&c, argc - optind, argv + optind, &err);
	free(c.store_dir);
	if (err.code != OD_OK) {
		fprintf(stderr, "orderdesk: %s\n", printable(err.msg));
		return od_code_exit_status(err.code);
	}
	return 0;
}
