#!/usr/bin/env bash
# test-service.sh - orderdeskd as an installed service runs it: its
# configuration from a directory of the system's (serve --conf-dir, as the
# systemd unit gives /etc/orderdesk), refused when another user could
# change it, reread on SIGHUP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools python3

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
	"$ODD" --dir "$BK" serve --conf-dir "${3:-$T/etc}" > /dev/null \
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

finish
