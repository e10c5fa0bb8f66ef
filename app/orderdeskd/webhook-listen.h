/*
 * webhook-listen.h - `serve --webhooks ADDRESS:PORT --webhooks-cert FILE
 * --webhooks-key FILE`: a second listener for the public internet that
 * serves the storefronts' webhooks (webhook.h) and nothing else, under a
 * certificate the storefronts trust (from an ACME client, say), apart
 * from the shop CA that desks pin.  Every other path gets 404 there,
 * whatever certificate the client shows; the desks' listener serves the
 * webhooks too.  The files are read at each start, so a renewed
 * certificate is taken on SIGHUP.  Without the options, orderdeskd.conf's
 * webhooks, webhooks_cert and webhooks_key say the same (read again on
 * SIGHUP: the listener may come, go or move); the options win.
 */
#ifndef OD_WEBHOOK_LISTEN_H
#define OD_WEBHOOK_LISTEN_H

#include <getopt.h>

#include "app/orderdeskd/backend.h"
#include "net/https-server.h"

/* serve's options for it (getopt_long codes 'W', 'C', 'K'). */
#define WEBHOOK_LISTEN_OPTIONS \
	{ "webhooks", required_argument, NULL, 'W' }, \
	{ "webhooks-cert", required_argument, NULL, 'C' }, \
	{ "webhooks-key", required_argument, NULL, 'K' }

#define WEBHOOK_LISTEN_USAGE \
	"[--webhooks ADDRESS:PORT --webhooks-cert FILE --webhooks-key FILE]"

struct webhook_listen {
	const char *spec, *cert_path, *key_path;   /* NULL: not asked */
	char started[64];                          /* the spec of where */
	struct backend_config where;               /* address and port */
	struct https_server *srv;
	https_handler_fn handler;                  /* the desks' listener's */
	https_log_fn log;
	void (*refused)(void *ctx, const char *addr);
	void *ctx;
};

/* Takes serve's option opt (with arg) if it is one of these: 1, else 0. */
int webhook_listen_opt(struct webhook_listen *wl, int opt, const char *arg);

/* Checks the options: all three or none, ADDRESS:PORT (OD_E_USAGE). */
enum od_code webhook_listen_check(struct webhook_listen *wl,
				  struct od_err *err);

/*
 * Starts the listener if the options or cfg ask, with cfg's limits,
 * answering through
 * handler (only for webhook paths), log and refused (a body over the cap)
 * with ctx.  A port picked as 0 is kept for the next start.
 */
enum od_code webhook_listen_start(struct webhook_listen *wl, const char *dir,
				  const struct backend_config *cfg,
				  https_handler_fn handler, https_log_fn log,
				  void (*refused)(void *ctx, const char *addr),
				  void *ctx, struct od_err *err);

/* Starts it again as the last webhook_listen_start did, with cfg's limits
 * (after SIGHUP: its files are read again). */
enum od_code webhook_listen_again(struct webhook_listen *wl, const char *dir,
				  const struct backend_config *cfg,
				  struct od_err *err);

/* Stops it; a listener not started is a no-op. */
void webhook_listen_stop(struct webhook_listen *wl);

#endif
