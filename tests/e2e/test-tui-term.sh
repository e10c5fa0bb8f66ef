#!/usr/bin/env bash
# The desk and its terminal, end to end at 80x24: --idle-lock, and a crash
# (a real SIGSEGV, SIGABRT, SIGBUS or SIGFPE sent to the real process)
# still gives the terminal back: cooked mode, echo, the normal screen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
expect_ok "mei is added"

"$OD" --store "$STORE" --idle-lock soon > "$T/out" 2> "$T/err"
RC=$?
expect_fail "--idle-lock wants seconds" 2 'idle-lock needs seconds from 0'
"$OD" --store "$STORE" --idle-lock 99999999 > "$T/out" 2> "$T/err"
RC=$?
expect_fail "and no more than a day" 2 'idle-lock needs seconds from 0'
"$OD" --store "$STORE" --idle-lock 5 list > "$T/out" 2> "$T/err"
RC=$?
expect_fail "and only for the desk" 2 'idle-lock is for the desk'

start_pane
# The option wins over the environment.
tm send-keys -l "export ORDERDESK_IDLE_LOCK=600"
tm send-keys Enter
sign_in mei "$MEI_PASS" --idle-lock 2
t0=$(date +%s%N)
screen "the desk opens" '^ mei \(shopkeeper\) │'
screen "--idle-lock 2 locks it after two idle seconds" 'Locked after 2 s idle' 8
t1=$(date +%s%N)
# The passphrase's Enter was sent at t0: the idle time counts from after
# it.  (Counted in whole seconds of time(), it locked after 1.0 to 2.0 s.)
check "and not before ($(( (t1 - t0) / 1000000 )) ms)" \
	test $(( (t1 - t0) / 1000000 )) -ge 2000
tm send-keys q
wait_for 'desk exit 0'
sign_in mei "$MEI_PASS" --idle-lock 0
screen "--idle-lock 0 never locks" '^ mei \(shopkeeper\) │'
sleep 3
tm capture-pane -p > "$T/pane"
check "still open after three idle seconds" bash -c "grep -q '^ mei (shopkeeper) │' '$T/pane' && ! grep -q 'Who are you' '$T/pane'"
tm send-keys q
wait_for 'desk exit 0'

# A crash: the wrapper is a plain sh, which (unlike an interactive bash)
# does not put the terminal back itself, so what stty prints is what the
# desk left.
cat > "$T/crash.sh" <<EOS
#!/bin/sh
"$OD" --store "$STORE" --user mei
echo "desk exit \$?"
stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo|isig|icrnl)' | tr '\n' ' '
echo "<- tty"
EOS
for sig in SEGV ABRT BUS FPE; do
	tm send-keys -l "clear; sh '$T/crash.sh'"
	tm send-keys Enter
	wait_for 'Who are you' 10
	tm send-keys Enter
	wait_for 'Passphrase for mei' 5
	tm send-keys -l "$MEI_PASS"
	tm send-keys Enter
	wait_for '^ mei \(shopkeeper\) │' 10
	check "SIG$sig: the desk is in the alternate screen before" \
		test "$(tm display -p '#{alternate_on}')" = 1
	pid=$(pgrep -f -n "^$OD --store $STORE --user mei")
	kill -"$sig" "$pid"
	screen "SIG$sig kills the desk with that signal" \
		"desk exit $((128 + $(kill -l "$sig")))"
	screen "SIG$sig: stty runs after it" '<- tty'
	check "SIG$sig: the terminal is back in cooked mode with echo" \
		bash -c "grep -E '<- tty' '$T/pane' | grep -Eq '(^| )icanon ' && grep -E '<- tty' '$T/pane' | grep -Eq '(^| )echo ' && ! grep -E '<- tty' '$T/pane' | grep -Eq -- '-(icanon|echo|icrnl) '"
	check "SIG$sig: and on the normal screen" \
		test "$(tm display -p '#{alternate_on}')" = 0
done

tm kill-server
finish
