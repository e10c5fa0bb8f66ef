#!/usr/bin/env bash
# The desk's screens, end to end: the real binary in a private tmux server,
# driven with send-keys and read back with capture-pane (polling, never a
# bare sleep), at 80x24 and at a larger size.  What the screen shows is
# checked, and what the store holds afterwards is checked with the CLI.
. "$(dirname "$0")/lib.sh"

MEI_PASS="mei passphrase 1"
SAM_PASS="sam passphrase 1"
. "$(dirname "$0")/tui-lib.sh"

# Display width of the text before the status column, in a row with PATTERN.
row_width() { grep -E -- "$1" "$T/pane" | head -1 | sed 's/ new *$//' | wc -L; }

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as owner "$OWNER_PASS" user add sam --role staff --new-passphrase-fd 4 4< <(echo "$SAM_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
# A customer name with an escape sequence, planted behind the desk's back.
"$TOOLS/od-tamper" "$STORE" owner "UPDATE orders SET customer = 'Evil' || char(27) || '[31mRed' WHERE number = '1004'" <<< "$OWNER_PASS" > /dev/null
check "an escape sequence is planted in order 1004" test $? -eq 0

"$OD" --store "$STORE" < /dev/null > "$T/out" 2> "$T/err"
RC=$?
expect_fail "without a terminal the desk says so and exits 2" 2 "needs a terminal"

tm -f /dev/null new-session -d -c "$T" -x 80 -y 24 \
	"env -u ORDERDESK_USER LANG=C.UTF-8 NO_COLOR=1 PS1='prompt\$ ' bash --norc --noprofile"
wait_for 'prompt\$' 5
desk
screen "the unlock screen lists the people" 'Who are you'
check "mei, owner and sam can sign in" bash -c "grep -q ' mei' '$T/pane' && grep -q ' owner' '$T/pane' && grep -q ' sam' '$T/pane'"
tm send-keys Enter
screen "choosing mei asks for her passphrase" 'Passphrase for mei:'
tm send-keys -l "not her passphrase"
tm send-keys Enter
screen "a wrong passphrase says so" 'wrong passphrase for mei'
check "the passphrase is never echoed" bash -c "! grep -q 'not her' '$T/pane'"
tm send-keys -l "still not hers"
tm send-keys Enter
screen "a second wrong one makes the next try wait" 'wrong passphrase for mei.*\(wait 1 s\)'
wait_gone '\(wait 1 s\)' 5
tm send-keys -l "$MEI_PASS"
tm send-keys Enter
screen "the right one opens the orders" 'New 300 .*All 300'
check "the list shows sample orders with their columns" \
	bash -c "grep -Eq '^ 1001 +2026-11-01 00:24 Lena Schäfer +2 +162.84 EUR new' '$T/pane'"
check "the status line shows who, the role and the keys" \
	bash -c "grep -Eq '^ mei \(shopkeeper\) │ Enter open c confirm x cancel' '$T/pane'"
check "a CJK name lines up with the Latin ones" \
	test "$(row_width '^ 1002 ')" -eq "$(row_width '^ 1001 ')"
check "an escape sequence in a name shows as text ('?')" shows '^ 1004 .*Evil\?\[31mRed'
tm capture-pane -p -e > "$T/pane-e"
check "and never reaches the terminal raw" bash -c "! grep '1004' '$T/pane-e' | grep -q \$'\\e\\[31m'"
check "NO_COLOR: no colour at all, attributes only" \
	bash -c "! grep -Pq '\e\[[0-9;]*[34][0-7][;m]' '$T/pane-e' && grep -Pq '\e\[[0-9;]*7[;m]' '$T/pane-e'"

# The planted name is a row edited behind the log's back: the order
# screen, like `orderdesk show`, folds the order's own entries again and
# refuses rows that differ, saying what to do.
tm send-keys -l "/1004"
tm send-keys Enter
wait_for '^ 1004 '
tm send-keys Enter
screen "an order whose rows differ from its signed history is not shown as true" \
	"order 1004's stored state does not match its signed history"
check "and the list stays" bash -c "! grep -q 'orderdesk · order 1004' '$T/pane'"
tm send-keys Escape
screen "Esc clears that search" 'New 300 .*All 300( |$)'

tm send-keys -l "/陳大文"
screen "search narrows the list" 'All 12( |$)'
check "every order shown matches the search" \
	test "$(grep -cE '^ [0-9]{4} ' "$T/pane")" -eq "$(grep -cE '^ [0-9]{4} .*陳大文' "$T/pane")"
tm send-keys Enter Enter
screen "Enter opens the order" 'orderdesk · order 1002'
check "the order shows items, total, address and history" \
	bash -c "grep -q 'BOOK-030' '$T/pane' && grep -q '^ Total .*1847.70 HKD' '$T/pane' && grep -q '中環皇后大道中99號' '$T/pane' && grep -Eq '✓ #[0-9]+ .*order.placed +mei \(shopkeeper\)' '$T/pane'"
tm send-keys c
screen "c opens the confirm dialog" 'You are about to sign exactly this'
check "the dialog shows every field of the statement" \
	bash -c "for f in 'orderdesk-statement/1' 'id: [0-9a-f]{32}' 'kind: order.confirm' 'order: 1002' 'actor: mei' 'key: sha256:[0-9a-f]{64}' 'time: 20' 'prev: [0-9a-f]{32} [0-9a-f]{37}' '↳ [0-9a-f]{27} '; do grep -Eq \"│ \$f\" '$T/pane' || exit 1; done"
tm send-keys y
screen "y signs and the status line says what" 'Order 1002 confirmed, signed by mei \(log entry [0-9]+\)'
screen "the history shows the checked confirmation" '✓ #[0-9]+ .*order.confirm +mei'
od_as mei "$MEI_PASS" show 1002
check "the store holds the signed confirmation (CLI, desk still open)" \
	bash -c "grep -q '^Order 1002 .*confirmed' '$T/out' && grep -Eq 'order.confirm +mei' '$T/out'"

tm send-keys Escape
screen "Esc goes back from the order to the list" 'All 12( |$)'
tm send-keys -l "/1005"
tm send-keys Enter
wait_for '^ 1005 '
tm send-keys x
screen "x asks for a reason" 'Reason'
tm send-keys -l "customer asked"
tm send-keys Enter
screen "the cancel dialog shows the reason it will sign" '│ reason: customer asked'
tm send-keys y
screen "the cancellation is signed" 'Order 1005 cancelled, signed by mei'
od_as mei "$MEI_PASS" show 1005
check "the store holds the cancellation with its reason" grep -q '^Order 1005 .*cancelled: customer asked' "$T/out"
tm send-keys Escape
screen "Esc clears the search" 'New 298 .*All 300( |$)'

tm send-keys '?'
screen "? lists the keys of the screen" 'keys of Orders'
check "help names the actions" bash -c "grep -q 'confirm' '$T/pane' && grep -q 'PgUp PgDn' '$T/pane'"
tm send-keys Escape

tm resize-window -x 59 -y 15
screen "below 60x16 the desk says the window is too small" 'window is too small'
check "and names the size it needs" grep -q 'needs 60x16' "$T/pane"
tm resize-window -x 120 -y 40
screen "a larger window redraws the list, names get more room" 'CUSTOMER {40,}ITEMS'
check "every row is as wide as the window" \
	bash -c "[ \$(grep -E '^ 1001 ' '$T/pane' | wc -L) -gt 90 ]"
tm send-keys G
screen "G goes to the last order" '298 of 298 orders'
tm send-keys g
screen "g goes back to the first" '1 of 298 orders'
click "$(tab_x Cancelled)" 0
screen "a click on a tab shows that tab" '1 of 1 order'
check "with the cancelled order" shows '^ 1005 .*cancelled'
click "$(tab_x New)" 0
screen "and a click back on New" '1 of 298 orders'
click 3 4
screen "a click on a row selects it" '3 of 298 orders'

tm send-keys L
screen "L locks the desk" 'Who are you'
tm send-keys Enter
tm send-keys -l "$MEI_PASS"
tm send-keys Enter
screen "unlocking returns to the same screen and row" '3 of 298 orders'

# After a lock the unlock screen chooses whoever unlocked last (sam, not
# the first name): each lock makes a new unlock screen.
tm send-keys L
screen "L locks again" 'Who are you'
tm send-keys j j Enter
screen "sam is chosen with j" 'Passphrase for sam:'
tm send-keys -l "$SAM_PASS"
tm send-keys Enter
screen "sam unlocks" '^ sam \(staff\) │'
tm send-keys L
screen "and locks" 'Who are you'
tm send-keys Enter
screen "the unlock screen after a lock chooses who unlocked last" \
	'Passphrase for sam:'
tm send-keys -l "$SAM_PASS"
tm send-keys Enter
screen "sam is back" '^ sam \(staff\) │'

tm send-keys q
screen "q quits and the shell prompt is back" 'desk exit 0'
check "the terminal is restored (no alternate screen)" \
	test "$(tm display -p '#{alternate_on}')" = 0

# Staff: no confirm offered, ship with a form; the idle lock.
od_as mei "$MEI_PASS" confirm 1006 1007
expect_ok "two more orders are confirmed for the shipping queue"
tm send-keys -l "export ORDERDESK_IDLE_LOCK=3"
tm send-keys Enter
desk --user sam
screen "staff sign in" 'Who are you'
tm send-keys Enter
tm send-keys -l "$SAM_PASS"
tm send-keys Enter
screen "staff land on the confirmed orders" '^ 1002 .*confirmed'
check "staff are not offered confirm or cancel" \
	bash -c "grep -q '^ sam (staff) │' '$T/pane' && ! grep -Eq 'c confirm|x cancel' '$T/pane'"
tm send-keys c
tm send-keys '?'
screen "help for staff" 'keys of Orders'
check "help for staff leaves confirm out" bash -c "! grep -q confirm '$T/pane'"
tm send-keys Escape
tm send-keys a
screen "a asks for a note" 'Note  '
tm send-keys -l "left at the door 門口"
tm send-keys Enter
screen "the note dialog shows its text" '│ text: left at the door 門口'
tm send-keys y
screen "staff may sign a note" 'Order 1002 noted, signed by sam'
tm send-keys s
screen "s asks for carrier and tracking" 'Tracking'
tm send-keys -l "SF Express"
tm send-keys Enter
tm send-keys -l "SF1234567890"
tm send-keys Enter
screen "the ship dialog shows the parcel it will sign" '│ tracking: SF1234567890'
check "with the carrier and every item left" \
	bash -c "grep -q '│ carrier: SF Express' '$T/pane' && grep -Eq '│ item: BOOK-030 9' '$T/pane'"
tm send-keys y
screen "the shipment is signed" 'Order 1002 shipped: SF Express SF1234567890, signed by sam'
tm send-keys S
screen "S ships the queue one after another, carrier remembered" '│ Carrier +SF Express'
tm send-keys -l "SF0000000006"
tm send-keys Enter
screen "the first parcel of the queue is shown" '│ tracking: SF0000000006'
tm send-keys y
screen "then the next order's form comes" '─ Ship order 1007 '
tm send-keys -l "SF0000000007"
tm send-keys Enter
wait_for '│ tracking: SF0000000007'
tm send-keys y
screen "the queue is done" 'Shipped 2 orders; the last: Order 1007 shipped'
screen "after the idle time the desk locks itself" 'Locked after 3 s idle' 10
od_as sam "$SAM_PASS" show 1002
check "the store holds the shipment" \
	bash -c "grep -q '^Order 1002 .*shipped' '$T/out' && grep -q 'SF Express SF1234567890' '$T/out'"
od_as sam "$SAM_PASS" show 1006
check "the store holds the queue's first shipment" grep -q 'SF Express SF0000000006' "$T/out"
od_as sam "$SAM_PASS" show 1007
check "and its second" grep -q 'SF Express SF0000000007' "$T/out"

pid=$(desk_pid)
kill -TERM "$pid"
screen "SIGTERM ends the desk" 'desk exit 143'
check "and the terminal is restored" test "$(tm display -p '#{alternate_on}')" = 0

# The owner's audit history: find an action, verify everything.
tm send-keys -l "unset ORDERDESK_IDLE_LOCK"
tm send-keys Enter
desk --user owner
wait_for 'Who are you'
tm send-keys Enter
tm send-keys -l "$OWNER_PASS"
tm send-keys Enter
screen "the owner's list offers the audit history" '│.* A audit history'
tm send-keys A
screen "A opens the audit history, newest first" 'audit history, newest first'
tm send-keys -l "/1002 order.confirm"
tm send-keys Enter
screen "the filter narrows the history to one entry" 'newest first · 1 of [0-9]+ entries'
screen "it is mei's confirmation of 1002, checked" '^ +[0-9]+ 20[0-9-]+ [0-9:]+ mei +order.confirm +1002 +✓✓'
check "and nothing else" test "$(grep -cE '^ +[0-9]+ 20' "$T/pane")" -eq 1
tm send-keys V
screen "verify everything finds the planted change and says so" 'Verification failed: .*(differ|altered)'
tm send-keys Escape
screen "Esc goes back to the orders" 'New 296 .*Shipped 3'
tm send-keys q
wait_for 'desk exit 0'

# Colours unless NO_COLOR; Ctrl-C and a hang-up end the desk cleanly.
tm send-keys -l "NO_COLOR= $OD --store $STORE; echo \"desk exit \$?\""
tm send-keys Enter
wait_for 'Who are you'
tm capture-pane -p -e > "$T/pane-e"
check "without NO_COLOR the desk uses colour" \
	grep -Pq '\e\[[0-9;]*[34][0-7][;m]' "$T/pane-e"
tm send-keys C-c
screen "Ctrl-C ends the desk" 'desk exit 130'
check "and the terminal is restored" test "$(tm display -p '#{alternate_on}')" = 0
desk
wait_for 'Who are you'
kill -HUP "$(desk_pid)"
screen "a hang-up ends the desk" 'desk exit 129'

# The desk takes the store's lock per operation, not for the session: the
# CLI writes while it is open, and a key rotation by another process (a
# revoke) locks the desk with the reason instead of reading a stale file.
desk --user mei
wait_for 'Who are you'
tm send-keys Enter
tm send-keys -l "$MEI_PASS"
tm send-keys Enter
screen "mei's desk is open again" 'New 296 .*Confirmed 0 '
t0=$(date +%s%N)
od_as mei "$MEI_PASS" confirm 1008
t1=$(date +%s%N)
expect_ok "the CLI confirms an order while the desk is open"
check "promptly, without waiting for the desk's lock ($(( (t1 - t0) / 1000000 )) ms)" \
	test $(( (t1 - t0) / 1000000 )) -lt 5000
tm send-keys r
screen "r shows the CLI's confirmation" 'New 295 .*Confirmed 1 '
od_as owner "$OWNER_PASS" user revoke sam
expect_ok "the CLI revokes sam (a key rotation) while the desk is open"
tm send-keys r
screen "the desk notices the new key and locks, saying why" \
	"Locked: the store's key was changed by another orderdesk"
tm send-keys Enter
tm send-keys -l "$MEI_PASS"
tm send-keys Enter
screen "unlocking again reads the store under the new key" 'New 295 .*Confirmed 1 '
tm send-keys -l "/1009"
tm send-keys Enter
wait_for '^ 1009 '
tm send-keys c
screen "after the rotation the desk still signs" 'You are about to sign exactly this'
tm send-keys y
screen "the confirmation is signed" 'Order 1009 confirmed, signed by mei'
od_as mei "$MEI_PASS" show 1009
check "the store holds it under the new key" grep -q '^Order 1009 .*confirmed' "$T/out"
tm send-keys q
wait_for 'desk exit 0'

tm kill-server
finish
