#!/usr/bin/env bash
# TLS 1.3 session resumption on the backend, with openssl s_client as the
# foreign client: a desk that connects again with the ticket of its last
# connection resumes without a full handshake, no early data is taken,
# and the resumed connection is still the desk's own (the backend checks
# the certificate that came with the session on every request, and names
# the desk in its log); a revoked desk's ticket gets it nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools openssl

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
"$ODD" --dir "$BK" desk add lee > /dev/null 2>&1
start_backend

# get NAME BUNDLE [SESSION_IN]: GET /v1/people over a new connection as
# the desk of BUNDLE, keeping its session in $T/NAME.sess; the client's
# output in $T/NAME.out.  Resuming, it offers the same request as early
# data (0-RTT) too, which the backend must not take.
printf 'GET /v1/people HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' > "$T/early"
get() {
	local name=$1 dir=$2 sess=${3:-}
	{ printf 'GET /v1/people HTTP/1.1\r\nHost: 127.0.0.1\r\n'
	  printf 'Connection: close\r\n\r\n'; sleep 1; } |
		timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 \
			-cert "$dir/desk.pem" -key "$dir/desk.key" \
			-CAfile "$dir/ca.pem" -ign_eof \
			-sess_out "$T/$name.sess" \
			${sess:+-sess_in "$sess" -early_data "$T/early"} \
			> "$T/$name.out" 2>&1
}

get first "$BK/join"
check "a first connection is a full handshake" \
	grep -q "^New, TLSv1.3" "$T/first.out"
check "and the backend gives it a session ticket" \
	grep -q "TLS session ticket:" "$T/first.out"
get again "$BK/join" "$T/first.sess"
check "connecting again with the ticket resumes the session" \
	grep -q "^Reused, TLSv1.3" "$T/again.out"
check "and the request is answered" grep -q "^HTTP/1.1 200" "$T/again.out"
until_count "desk-1 GET /v1/people: 200" "$T/srv.log" 2
check "the backend still knows which desk it is" \
	test "$(grep -c "desk-1 GET /v1/people: 200" "$T/srv.log")" -eq 2
check "no early data is taken (0-RTT offered, not accepted)" \
	grep -Eq "Early data was (not sent|rejected)" "$T/again.out"

# A desk revoked after its ticket was issued: resuming gets it nothing.
get lee "$BK/desks/lee"
"$ODD" --dir "$BK" desk revoke lee > /dev/null 2>&1
get lee2 "$BK/desks/lee" "$T/lee.sess"
check "a revoked desk resuming its session is refused (403)" \
	grep -q "^HTTP/1.1 403" "$T/lee2.out"

finish
