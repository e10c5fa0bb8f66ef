/*
 * notify.h - telling systemd how `orderdeskd serve` is doing (sd_notify).
 *
 * Under a unit of Type=notify, systemd starts the next unit only once the
 * backend says it is listening, shows its STATUS= line in `systemctl
 * status`, and, with WatchdogSec=, restarts it when the pings stop.  Each
 * call is a no-op when NOTIFY_SOCKET is not set (started by hand, or by a
 * test), so nothing here can make serve fail.
 */
#ifndef OD_NOTIFY_H
#define OD_NOTIFY_H

#include <signal.h>

/* Listening on address:port: READY=1 and a STATUS line saying so. */
void notify_ready(const char *address, unsigned port);

/* A SIGHUP: reloading (RELOADING=1), then notify_ready again. */
void notify_reloading(void);

/* Stopping cleanly (STOPPING=1). */
void notify_stopping(void);

/*
 * Waits for one of set's signals (blocked by the caller) and returns it.
 * Under a unit with WatchdogSec=, pings the watchdog (WATCHDOG=1) at half
 * that period meanwhile: a serve loop that stops taking signals (a hang,
 * a deadlock on the store) stops the pings too, and systemd restarts it.
 */
int notify_sigwait(const sigset_t *set);

#endif
