#!/usr/bin/env bash
# The audit history never says "No entry matches" while it is still
# reading the log: after a lock and unlock it reads it again, and every
# byte sent to the terminal (kept with tmux's pipe-pane, so even a frame
# shown for a moment counts) says "Reading the log…", never "No entry".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

new_shop
od "$OWNER_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"

start_pane
sign_in owner "$OWNER_PASS"
screen "the owner's desk opens" '^ owner \(owner\) │'
tm send-keys A
screen "A opens the audit history" 'audit history, newest first'
tm pipe-pane -o "cat >> '$T/raw'"
tm send-keys L
screen "L locks the desk" 'Who are you'
tm send-keys Enter
wait_for "Passphrase for owner" 5
tm send-keys -l "$OWNER_PASS"
tm send-keys Enter
screen "unlocking reads the history again" 'of 30[0-9] entries'
check "it said it was reading the log" grep -q 'Reading the log' "$T/raw"
check "and never 'No entry matches' meanwhile" \
	bash -c "! grep -q 'No entry matches' '$T/raw'"
tm send-keys /
tm send-keys -l "nobody-such"
tm send-keys Enter
screen "a filter that matches nothing says so once read" 'No entry matches'
finish
