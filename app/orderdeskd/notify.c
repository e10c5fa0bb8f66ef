/* notify.c - sd_notify for `orderdeskd serve` (notify.h). */
#include "app/orderdeskd/notify.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <systemd/sd-daemon.h>

void notify_ready(const char *address, unsigned port)
{
	sd_notifyf(0, "READY=1\nSTATUS=listening on %s:%u", address, port);
}

void notify_reloading(void)
{
	sd_notify(0, "RELOADING=1\nSTATUS=reloading orderdeskd.conf");
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

int notify_sigwait(const sigset_t *set)
{
	uint64_t usec = 0;
	struct timespec ts;
	int sig;

	/* 0: WATCHDOG_USEC is unset, or meant for another process. */
	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
		while (sigwait(set, &sig) != 0)
			;
		return sig;
	}
	usec /= 2;
	ts.tv_sec = (time_t)(usec / 1000000);
	ts.tv_nsec = (long)(usec % 1000000) * 1000;
	for (;;) {
		sig = sigtimedwait(set, NULL, &ts);
		if (sig > 0)
			return sig;
		if (errno == EAGAIN)
			sd_notify(0, "WATCHDOG=1");
	}
}
