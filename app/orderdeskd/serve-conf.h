/*
 * serve-conf.h - where `orderdeskd serve` reads its orderdeskd.conf.
 *
 * By default the backend directory's own orderdeskd.conf (made by `init`).
 * An installed backend keeps its configuration with the system's instead,
 * `serve --conf-dir /etc/orderdesk` (the systemd unit says so): the file
 * there is read in its place, at start and on every SIGHUP, and the one in
 * the backend directory is not read at all.  The format is the same
 * (app/orderdeskd/backend.h, man/orderdeskd.conf.5).
 */
#ifndef OD_SERVE_CONF_H
#define OD_SERVE_CONF_H

#include "lib/err.h"

/*
 * Checks that conf_dir holds an orderdeskd.conf that only root or this user
 * can change: a file or directory others may write to could move the
 * listener or lift every limit, so it is refused with OD_E_DENIED and a
 * message that says which chmod or chown fixes it.  A missing file is an
 * error too (OD_E_NOTFOUND): the administrator asked for that one, and a
 * typo must not quietly serve with the defaults.
 */
enum od_code serve_conf_check(const char *conf_dir, struct od_err *err);

#endif
