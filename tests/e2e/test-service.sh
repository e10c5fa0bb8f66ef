#!/usr/bin/env bash
# test-service.sh - orderdeskd as an installed service runs it: its
# configuration from a directory of the system's (serve --conf-dir, as the
# systemd unit gives /etc/orderdesk), refused when another user could
# change it, reread on SIGHUP; and its sd_notify messages (ready, reloading,
# stopping, watchdog pings) on a NOTIFY_SOCKET the test binds, as systemd
# would.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools python3 curl

# free_port: a port of 127.0.0.1 nothing listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve_conf CONF_DIR: serves $BK with --conf-dir CONF_DIR, logging to
# $T/srv.log; sets SRV_PID.
serve_conf() {
	: > "$T/srv.log"
	"$ODD" --dir "$BK" serve --conf-dir "$1" 2>> "$T/srv.log" &
	SRV_PID=$!
}

# refused NAME PATTERN [CONF_DIR]: serve with --conf-dir CONF_DIR (default
# $T/etc) ends at once, failing, with one line matching PATTERN.
refused() {
	timeout 30 "$ODD" --dir "$BK" serve --conf-dir "${3:-$T/etc}" > /dev/null \
		2> "$T/err"
	RC=$?
	if [ "$RC" -ne 0 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
	   grep -Eq "$2" "$T/err"; then
		ok "$1"
	else
		not_ok "$1 (status $RC, stderr: $(head -c 300 "$T/err"))"
	fi
}

"$ODD" --dir "$BK" init --shop "Test shop" > /dev/null 2>&1 ||
	{ not_ok "orderdeskd init"; exit 1; }
mkdir -m 755 "$T/etc"
# The backend directory's own file would listen elsewhere: it must not be
# read once --conf-dir is given.
echo "no such setting = 1" >> "$BK/orderdeskd.conf"

# --- a missing, shared or linked file is refused, with what to do ----------
refused "a --conf-dir without orderdeskd.conf is refused" \
	"cannot read $T/etc/orderdeskd.conf.*copy the sample"
refused "a --conf-dir that is a file is refused" "not a directory" \
	"$BK/orderdeskd.conf"
p1=$(free_port)
printf 'listen = 127.0.0.1:%s\nmax_batch = 7\n' "$p1" > "$T/real.conf"
chmod 644 "$T/real.conf"
ln -s "$T/real.conf" "$T/etc/orderdeskd.conf"
refused "a symbolic link is refused" "not a regular file"
rm "$T/etc/orderdeskd.conf"
cp "$T/real.conf" "$T/etc/orderdeskd.conf"
chmod 664 "$T/etc/orderdeskd.conf"
refused "a file its group may write is refused" "changed by another user; chmod 644"
chmod 644 "$T/etc/orderdeskd.conf"
chmod 775 "$T/etc"
refused "a directory its group may write is refused" "changed by another user; chmod go-w"
chmod 755 "$T/etc"
echo "max_body = lots" >> "$T/etc/orderdeskd.conf"
refused "a bad line is refused, naming it" "orderdeskd.conf line 3"
sed -i '$d' "$T/etc/orderdeskd.conf"

# --- the file in --conf-dir is the one read, at start and on SIGHUP --------
serve_conf "$T/etc"
check "serve listens where /etc's file says (port $p1)" \
	until_line "listening on 127.0.0.1:$p1 " "$T/srv.log"
check "and says which file it reads" \
	grep -q "reading orderdeskd.conf from --conf-dir" "$T/srv.log"
p2=$(free_port)
sed -i "s/^listen = .*/listen = 127.0.0.1:$p2/" "$T/etc/orderdeskd.conf"
kill -HUP "$SRV_PID"
check "SIGHUP rereads it: now on port $p2" \
	until_line "listening on 127.0.0.1:$p2 " "$T/srv.log"
echo "max_body = lots" >> "$T/etc/orderdeskd.conf"
kill -HUP "$SRV_PID"
check "a bad file on SIGHUP is logged and the old settings kept" \
	until_line "orderdeskd.conf line 3" "$T/srv.log"
check "still serving on $p2 after the bad reload" \
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $p2), 5)"
stop_backend
check "SIGTERM stops it cleanly" grep -q "stopped (SIGTERM)" "$T/srv.log"

# --- sd_notify: what systemd hears on NOTIFY_SOCKET --------------------------
# A datagram socket like systemd's; each message is written to $T/notify as
# one line (its fields joined by '|').  The listener ends by itself after
# STOPPING=1, or after 120 s whatever happens.
python3 - "$T/notify.sock" "$T/notify" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
with open(sys.argv[2], "a", buffering=1) as out:
    try:
        while True:
            msg = s.recv(4096).decode().strip().replace("\n", "|")
            out.write(msg + "\n")
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PY
listener=$!
for i in $(seq 1 200); do [ -S "$T/notify.sock" ] && break; sleep 0.05; done
# until_count N PATTERN: waits (at most 30 s) for N lines matching PATTERN
# in $T/notify.
until_count() {
	for i in $(seq 1 600); do
		[ "$(grep -c "$2" "$T/notify")" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
sed -i '$d' "$T/etc/orderdeskd.conf"  # the bad line of the SIGHUP test
: > "$T/srv.log"
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=200000 \
	"$ODD" --dir "$BK" serve --conf-dir "$T/etc" --listen 127.0.0.1:0 \
	2>> "$T/srv.log" &
SRV_PID=$!
check "READY=1 is sent" until_count 1 "^READY=1"
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/srv.log")
check "with STATUS naming the port it listens on (${PORT:-none})" \
	grep -q "^READY=1|STATUS=listening on 127.0.0.1:$PORT\$" "$T/notify"
check "and that port takes connections" \
	python3 -c "import socket; socket.create_connection(('127.0.0.1', ${PORT:-0}), 5)"
check "the watchdog is pinged (WATCHDOG_USEC set)" until_count 2 "^WATCHDOG=1\$"
kill -HUP "$SRV_PID"
check "SIGHUP: RELOADING=1" until_count 1 "^RELOADING=1|"
check "then READY=1 again once it listens anew" until_count 2 "^READY=1|"
check "in that order" test "$(grep -E '^(READY|RELOADING)' "$T/notify" |
	cut -d'|' -f1 | tr '\n' ' ')" = "READY=1 RELOADING=1 READY=1 "
kill -TERM "$SRV_PID"
wait "$SRV_PID"
rc=$?
SRV_PID=""
wait "$listener"
check "SIGTERM: STOPPING=1 last, then exit 0 (status $rc)" \
	test "$rc" -eq 0 -a "$(tail -1 "$T/notify")" = "STOPPING=1|STATUS=stopping"

# --- every system call serve makes is one the unit allows -------------------
# The unit's SystemCallFilter= lines, expanded with systemd's own lists:
# strace records what serve calls starting, answering a desk, reloading
# and stopping, and none may be outside them (systemd would refuse it with
# EPERM, which the server would not survive unnoticed).  The sanitizer's
# own calls are not the service's: the plain build only.
# expand GROUP: the system call names of a systemd group, nested expanded.
expand() {
	systemd-analyze syscall-filter "$1" | sed -n '2,$p' | sed 's/^ *//' |
	grep -v -e '^#' -e '^$' | while read -r n; do
		case $n in @*) expand "$n" ;; *) echo "$n" ;; esac
	done
}
UNIT_IN="$ROOT/dist/orderdeskd.service.in"
if [ "$BUILD" = build-san ]; then
	ok "serve's system calls are in the unit's filter # SKIP sanitizer build"
elif ! command -v strace > /dev/null || ! command -v systemd-analyze > /dev/null; then
	not_ok "this check needs strace and systemd-analyze (in .ci/deps)"
else
	: > "$T/allow"
	: > "$T/deny"
	sed -n 's/^SystemCallFilter=//p' "$UNIT_IN" > "$T/filters"
	while read -r line; do
		for g in ${line#\~}; do
			if [ "${line:0:1}" = "~" ]; then expand "$g" >> "$T/deny"
			else expand "$g" >> "$T/allow"; fi
		done
	done < "$T/filters"
	sort -u -o "$T/allow" "$T/allow"
	sort -u -o "$T/deny" "$T/deny"
	: > "$T/srv.log"
	# NOTIFY_SOCKET (nobody listens): sd_notify's own calls are checked too.
	NOTIFY_SOCKET="$T/nobody.sock" strace -f -qq -o "$T/strace" \
		"$ODD" --dir "$BK" serve --conf-dir "$T/etc" \
		--listen 127.0.0.1:0 2>> "$T/srv.log" &
	tracer=$!
	until_line "listening on" "$T/srv.log"
	# Signals go to orderdeskd itself: strace would take them as its own.
	SRV_PID=$(pgrep -P "$tracer" -x orderdeskd)
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/srv.log")
	code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
		--key "$BK/join/desk.key" "https://127.0.0.1:$PORT/v1/log?after=0")
	kill -HUP "$SRV_PID"
	for i in $(seq 1 600); do
		[ "$(grep -c "listening on" "$T/srv.log")" -ge 2 ] && break
		sleep 0.05
	done
	stop_backend
	wait "$tracer"
	check "a desk was answered under strace ($code)" test "$code" = 200
	sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' "$T/strace" | sort -u > "$T/used"
	# SQLite gives a new WAL the database's owner when it runs as root
	# (fchown, in @privileged); the unit runs as orderdesk, where it never
	# calls it, and a refusal would only be ignored.
	[ "$(id -u)" -eq 0 ] && sed -i '/^fchown$/d' "$T/used"
	outside=$(comm -23 "$T/used" "$T/allow" | tr '\n' ' ')
	denied=$(comm -12 "$T/used" "$T/deny" | tr '\n' ' ')
	# And every socket it opens is of a family the unit allows.
	fams=$(grep -o 'socket(AF_[A-Z0-9]*' "$T/strace" | sed 's/socket(//' |
		sort -u | tr '\n' ' ')
	allowed=" $(sed -n 's/^RestrictAddressFamilies=//p' "$UNIT_IN") "
	bad=""
	for f in $fams; do
		case $allowed in *" $f "*) ;; *) bad="$bad $f" ;; esac
	done
	check "its sockets (${fams% }) are of families the unit allows${bad:+; not:}$bad" \
		test -n "$fams" -a -z "$bad"
	check "serve's $(wc -l < "$T/used") system calls are all allowed by the unit${outside:+; outside:}$outside${denied:+; denied: }$denied" \
		test -z "$outside$denied" -a "$(wc -l < "$T/used")" -gt 20
fi

finish
