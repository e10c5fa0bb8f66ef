/*
 * ui.h - the desk's screens: `orderdesk` with no command.
 *
 * Everything on screen goes through app/desk/desk.h, the same calls the
 * commands use; ui/ holds no SQL and no crypto.  The terminal is restored on
 * every way out: quitting, SIGINT, SIGTERM, SIGHUP and fatal errors (whose
 * one-line message is printed after curses has let go of the screen).
 */
#ifndef OD_UI_H
#define OD_UI_H

/*
 * Runs the desk on the shop in store_dir until the person quits.  user (or
 * NULL) is preselected on the unlock screen.  idle_secs is how long the
 * desk may sit untouched before it locks itself (0: never, at most
 * CLI_IDLE_MAX); -1 takes $ORDERDESK_IDLE_LOCK, or 300.  sync_every_s is
 * how long the background sync of a store attached to a backend waits
 * between syncs when nothing happens (-1: 30 s); it also runs after every
 * signed action.  Needs a terminal on stdin and stdout.
 * Returns the process exit status (0 when quit normally).
 */
int ui_run(const char *store_dir, const char *user, int idle_secs,
	   int sync_every_s);

#endif
