#!/usr/bin/env bash
# test-install.sh - what an administrator installs: the version both
# programs report; `make install` into a DESTDIR (every file where it
# belongs, with its mode; the pages read with man; the unit valid and
# scored 2.0 or less by systemd-analyze security; its user and state
# directory made by systemd's own tools; the sample settings accepted by
# serve); and `make uninstall`, which keeps what the administrator changed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"

VERSION=$(cat "$ROOT/VERSION")

# Each program says its name and the one VERSION, on one line, exit 0.
for prog in orderdesk orderdeskd; do
	out=$("$ROOT/$BUILD/bin/$prog" --version 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$out" = "$prog $VERSION" ]; then
		ok "$prog --version says $VERSION"
	else
		not_ok "$prog --version (status $rc, said: $(head -c 200 <<< "$out"))"
	fi
done

need_tools man systemd-analyze systemd-sysusers systemd-tmpfiles

# mk TARGET...: make in the tree, for this test's build (the sanitizer
# build when BUILD is build-san), installing into $DEST as Debian would
# (PREFIX=/usr).  Nothing is rebuilt: `make check` built it all.
DEST="$T/root"
mk() {
	local san=0
	[ "$BUILD" = build-san ] && san=1
	make -s -C "$ROOT" SANITIZE=$san BUILD="$BUILD" PREFIX=/usr \
		DESTDIR="$DEST" "$@"
}

# A bare `make` (what a packager's tools run) builds the programs.
goal=$(make -C "$ROOT" -n -p 2> /dev/null | sed -n 's/^\.DEFAULT_GOAL := //p' | head -1)
check "a bare make builds all (its default goal is ${goal:-none})" test "$goal" = all
mk install > "$T/install.out" 2>&1
check "make install DESTDIR=... PREFIX=/usr succeeds" test $? -eq 0

# --- every file where it belongs, with its mode ------------------------------
want="755 usr/bin/orderdesk
755 usr/sbin/orderdeskd
644 usr/share/man/man1/orderdesk.1
644 usr/share/man/man5/orderdesk-import.5
644 usr/share/man/man5/orderdeskd.conf.5
644 usr/share/man/man8/orderdeskd.8
644 usr/lib/systemd/system/orderdeskd.service
644 usr/lib/systemd/system/orderdeskd-backup.service
644 usr/lib/systemd/system/orderdeskd-backup.timer
644 usr/lib/sysusers.d/orderdesk.conf
644 usr/lib/tmpfiles.d/orderdesk.conf
644 etc/orderdesk/orderdeskd.conf"
got=$(cd "$DEST" && find . -type f -printf '%m %P\n' | sort -k2)
check "exactly these files, with these modes" \
	test "$got" = "$(sort -k2 <<< "$want")"
[ "$got" = "$(sort -k2 <<< "$want")" ] || { echo "# got:"; sed 's/^/#   /' <<< "$got"; }
check "the installed orderdesk runs and says $VERSION" \
	test "$("$DEST/usr/bin/orderdesk" --version)" = "orderdesk $VERSION"
check "the installed orderdeskd runs and says $VERSION" \
	test "$("$DEST/usr/sbin/orderdeskd" --version)" = "orderdeskd $VERSION"

# --- man finds and renders every page ---------------------------------------
for page in "1 orderdesk" "8 orderdeskd" "5 orderdeskd.conf" \
	    "5 orderdesk-import"; do
	set -- $page
	MANPATH="$DEST/usr/share/man" MANWIDTH=80 man -P cat "$1" "$2" \
		> "$T/man.out" 2> "$T/man.err"
	check "MANPATH=... man $1 $2 renders its NAME line" \
		grep -q "^ *$2 - " "$T/man.out"
done

# --- the unit: valid, and confined (exposure 2.0 or less) -------------------
UNIT="$DEST/usr/lib/systemd/system/orderdeskd.service"
check "the unit runs the installed orderdeskd" \
	grep -q "^ExecStart=/usr/sbin/orderdeskd --dir /var/lib/orderdesk serve --conf-dir /etc/orderdesk\$" "$UNIT"
# systemd-analyze verify checks every key and that ExecStart= is a program:
# a copy pointing at the one in $DEST.
mkdir "$T/unit"
sed "s|/usr/sbin/orderdeskd|$DEST/usr/sbin/orderdeskd|" "$UNIT" \
	> "$T/unit/orderdeskd.service"
systemd-analyze verify --man=no "$T/unit/orderdeskd.service" > "$T/verify" 2>&1
check "systemd-analyze verify: no message ($(head -c 200 "$T/verify"))" \
	test $? -eq 0 -a ! -s "$T/verify"
systemd-analyze security --offline=true "$UNIT" > "$T/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for orderdeskd.service: \([0-9.]*\) .*/\1/p' "$T/security")
check "systemd-analyze security scores the unit ${score:-(no score)}: 2.0 or less" \
	awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
for key in "User=orderdesk" "StateDirectory=orderdesk" \
	   "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
	   "NoNewPrivileges=yes" "RestrictAddressFamilies=AF_INET AF_UNIX" \
	   "SystemCallFilter=@system-service" "Type=notify" "WatchdogSec=30s"; do
	grep -qx "$key" "$UNIT" || not_ok "the unit lacks $key"
done

# --- the nightly backup: its service confined as well, its timer valid ------
BUNIT="$DEST/usr/lib/systemd/system/orderdeskd-backup.service"
check "the backup service runs the installed orderdeskd's backup --keep" \
	grep -q "^ExecStart=/usr/sbin/orderdeskd --dir /var/lib/orderdesk backup --into /var/backups/orderdesk --keep 14\$" "$BUNIT"
sed "s|/usr/sbin/orderdeskd|$DEST/usr/sbin/orderdeskd|" "$BUNIT" \
	> "$T/unit/orderdeskd-backup.service"
cp "$DEST/usr/lib/systemd/system/orderdeskd-backup.timer" "$T/unit/"
systemd-analyze verify --man=no "$T/unit/orderdeskd-backup.service" \
	"$T/unit/orderdeskd-backup.timer" > "$T/verify" 2>&1
check "systemd-analyze verify the backup service and timer: no message ($(head -c 200 "$T/verify"))" \
	test $? -eq 0 -a ! -s "$T/verify"
systemd-analyze security --offline=true "$BUNIT" > "$T/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for orderdeskd-backup.service: \([0-9.]*\) .*/\1/p' "$T/security")
check "systemd-analyze security scores the backup service ${score:-(no score)}: 2.0 or less" \
	awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
check "the timer starts it nightly, catching up a missed night" \
	grep -qx "OnCalendar=\*-\*-\* 03:15:00" "$T/unit/orderdeskd-backup.timer"

# --- its user and state directory, made by systemd's own tools --------------
systemd-sysusers --root="$DEST" > /dev/null 2>&1
check "systemd-sysusers makes the user orderdesk from it" \
	grep -q "^orderdesk:x:[0-9]*:[0-9]*:.*:/var/lib/orderdesk:" "$DEST/etc/passwd"
systemd-tmpfiles --root="$DEST" --create > /dev/null 2>&1
uid=$(awk -F: '$1 == "orderdesk" { print $3 }' "$DEST/etc/passwd")
check "systemd-tmpfiles makes /var/lib/orderdesk 0700, orderdesk's" \
	test "$(stat -c '%a %u' "$DEST/var/lib/orderdesk" 2>&1)" = "700 ${uid:-none}"
check "and /var/backups/orderdesk 0700, orderdesk's, for the timer's backups" \
	test "$(stat -c '%a %u' "$DEST/var/backups/orderdesk" 2>&1)" = "700 ${uid:-none}"
rm -rf "$DEST/var" "$DEST/etc/passwd" "$DEST/etc/group" "$DEST/etc/shadow" \
	"$DEST/etc/.pwd.lock" \
	"$DEST/etc/gshadow"

# --- the sample settings are a file serve starts with -----------------------
"$ODD" --dir "$BK" init --shop "Installed shop" > /dev/null 2>&1
"$DEST/usr/sbin/orderdeskd" --dir "$BK" serve --listen 127.0.0.1:0 \
	--conf-dir "$DEST/etc/orderdesk" 2> "$T/srv.log" &
SRV_PID=$!
check "serve starts with the installed /etc/orderdesk/orderdeskd.conf" \
	until_line "listening on" "$T/srv.log"
stop_backend

# --- install again, and uninstall: the administrator's changes stay ---------
echo "max_per_ip = 4" >> "$DEST/etc/orderdesk/orderdeskd.conf"
cp "$DEST/etc/orderdesk/orderdeskd.conf" "$T/changed.conf"
mk install > "$T/install.out" 2>&1
check "a second install keeps a changed orderdeskd.conf" \
	cmp -s "$T/changed.conf" "$DEST/etc/orderdesk/orderdeskd.conf"
check "and says so" grep -q "kept .*orderdeskd.conf" "$T/install.out"
mk uninstall > "$T/uninstall.out" 2>&1
check "make uninstall succeeds" test $? -eq 0
check "uninstall removes every file but the changed orderdeskd.conf" \
	test "$(cd "$DEST" && find . -type f)" = "./etc/orderdesk/orderdeskd.conf"
mk install > /dev/null 2>&1
cp "$ROOT/dist/orderdeskd.conf" "$DEST/etc/orderdesk/orderdeskd.conf"
mk uninstall > /dev/null 2>&1
check "an unchanged orderdeskd.conf goes too: no file is left" \
	test -z "$(cd "$DEST" && find . -type f)"

finish
