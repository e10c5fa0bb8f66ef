#!/usr/bin/env bash
# Returns at the desk, end to end at 80x30: O opens a return of shipped
# items, I receives it (a serial that never shipped marks it wrong-item,
# and the desk says so), C closes it: a shopkeeper is told before the first
# field that accepting a wrong-item return is the owner's and may only
# reject; the owner accepts with a refund signed in the same transaction,
# both or neither (a refund beyond what was paid signs nothing); a good
# return is accepted with Restock, its units back on the shelf.  Each
# statement is shown before y and is then in `orderdesk log`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"
. "$(dirname "$0")/money-lib.sh"
import_m1 Ana Tea '"total": 22000'
ship_m1
mei pay M-1 --amount 220.00 --method card
mei deliver M-1
expect_ok "M-1 is shipped with serials, paid and delivered"
printf 'a photo of the mug\n' > "$T/photo.txt"

start_pane 80 30
desk_as mei "$MEI_PASS" shopkeeper "mei's desk opens"
open_order M-1 "M-1 opens, no return yet" 'Order M-1'
before=$(entries)

# --- I before any return: the fold's words, before the first field --------
tm send-keys I
screen "I with no return says so at once" 'no return M-1-R1 in this shop'

# --- O: a return of what shipped -------------------------------------------
tm send-keys O
screen "O offers every shipped unit" 'Items +TEA 2, MUG 1'
tm send-keys Up C-u
tm send-keys -l "MUG 1"
tm send-keys Tab
tm send-keys -l "cracked in transit"
tm send-keys Enter
screen "the statement before y names the new RMA" '│ rma: M-1-R1'
check "a return.open of one mug, with the reason" bash -c "
	grep -q '│ kind: return.open' '$T/pane' && grep -Eq '│ item: MUG 1 +│' '$T/pane' &&
	grep -q '│ reason: cracked in transit' '$T/pane'"
tm send-keys y
screen "y opens it" 'Return M-1-R1 opened, signed by mei'
own log
check "orderdesk log holds it" bash -c "
	grep -A16 'return.open by mei' '$T/out' | grep -q '^rma: M-1-R1' &&
	grep -A16 'return.open by mei' '$T/out' | grep -q '^item: MUG 1'"

# --- I: what came back is not what left ------------------------------------
tm send-keys I
screen "I asks for the return and its condition" 'Condition +ok +damaged +wrong-item'
check "the items of the return, to add serials to" grep -Eq 'Items +MUG 1 ' "$T/pane"
tm send-keys Enter Enter C-u
tm send-keys -l "MUG 1 SN-7"
tm send-keys Enter
tm send-keys -l "$T/photo.txt"
tm send-keys Enter
hash=$(sha256sum < "$T/photo.txt" | cut -c1-64)
screen "the inspection's statement before y" '│ kind: return.receive'
check "condition, the serial and the photo" bash -c "
	grep -q '│ condition: ok' '$T/pane' && grep -q '│ item: MUG 1 SN-7' '$T/pane' &&
	grep -q '│ evidence: sha256:${hash:0:40}' '$T/pane'"
tm send-keys y
screen "a serial that never shipped: the desk says so" \
	'Return M-1-R1 marked wrong-item: serial SN-7 of MUG was never shipped'
own log
check "orderdesk log holds the inspection as signed" bash -c "
	grep -A16 'return.receive by mei' '$T/out' | grep -q '^item: MUG 1 SN-7' &&
	grep -A16 'return.receive by mei' '$T/out' | grep -q '^evidence: sha256:$hash'"
tm send-keys G
screen "the view shows who inspected it and why it is wrong-item" \
	'inspected by mei \(#[0-9]+\) [0-9T:-]+Z: wrong-item'
check "what came back" grep -q 'came back MUG 1 SN-7' "$T/pane"
check "the fold's reason" grep -q 'wrong-item: serial SN-7 of MUG was never shipped in order M-1' "$T/pane"
check "and the photo" grep -q "^ *sha256:$hash" "$T/pane"

# --- C by a shopkeeper: accepting is the owner's, said first ----------------
before=$(entries)
tm send-keys C
screen "C says before the first field that accepting is the owner's" \
	"return M-1-R1 was marked wrong-item; accepting it is the owner's"
check "only reject is offered" bash -c "grep -Eq 'Decision +reject +│' '$T/pane'"
tm send-keys Escape
screen "Esc signs nothing" 'Nothing signed\.'
check "the log is as it was" [ "$(entries)" = "$before" ]
desk_quit "mei's desk ends"

# --- C by the owner: accept with a refund, both or neither -----------------
desk_as owner "$OWNER_PASS" owner "the owner's desk opens"
open_order M-1 "M-1 opens" 'Order M-1'
tm send-keys C
screen "the owner may accept" 'Decision +accept +reject'
tm send-keys Enter Enter
tm send-keys -l "300.00"
tm send-keys Enter
tm send-keys -l "swapped mug, refunded anyway"
tm send-keys Enter
screen "the close and its refund, shown together before y" 'in the same transaction'
check "accept, then a payment.refund naming the return" bash -c "
	grep -q '│ decision: accept' '$T/pane' && grep -q '│ kind: payment.refund' '$T/pane'"
tm send-keys y y
screen "a refund beyond what was paid signs neither" 'Not signed: refund of 300\.00 EUR refused'
check "the log is as it was" [ "$(entries)" = "$before" ]
own show M-1
check "the return is still received" grep -q 'M-1-R1 (entry [0-9]*) received' "$T/out"
tm send-keys C
screen "C again" 'Decision +accept +reject'
tm send-keys Enter Enter
tm send-keys -l "20.00"
tm send-keys Enter
tm send-keys -l "swapped mug, refunded anyway"
tm send-keys Enter
screen "shown again" 'in the same transaction'
tm send-keys y y
screen "y accepts and refunds" 'Return M-1-R1 accepted and 20\.00 EUR refunded, signed by owner \(log entries'
check "two entries" [ "$(entries)" = "$((before + 2))" ]
own log
check "orderdesk log: the close, then the refund naming the return" bash -c "
	grep -A16 'return.close by owner' '$T/out' | grep -q '^decision: accept' &&
	grep -A16 'payment.refund by owner' '$T/out' | grep -q '^rma: M-1-R1' &&
	grep -A16 'payment.refund by owner' '$T/out' | grep -q '^amount: 2000\$'"
tm send-keys G
screen "the view: accepted by the owner" 'accepted by owner \(#[0-9]+\): swapped mug'
tm send-keys g
screen "and the refund for the return" 'refunded +20\.00 EUR  by owner · return'
check "naming it" grep -q 'M-1-R1 · swapped mug' "$T/pane"
check "partially refunded" grep -q 'Payment   partially refunded: 220\.00 EUR paid, 20\.00 EUR refunded' "$T/pane"

# --- C with Restock: an accepted return's units go back on the shelf --------
mei return open M-1 --item TEA:1 --reason "changed mind"
mei return receive M-1-R2 --item TEA:1:S-1 --condition ok
expect_ok "a second return, one tea, received in good order"
before=$(entries)
tm send-keys C
screen "C on the received return" 'Close a return of order M-1'
tm send-keys Enter Enter Enter
tm send-keys -l "unopened"
tm send-keys Tab
screen "Tab reaches Restock, aside of Enter's path" 'Restock +no +yes'
tm send-keys y Enter
screen "the close shown before y puts the tea back" '│ restock: TEA 1'
tm send-keys y
screen "y accepts and restocks" 'Return M-1-R2 accepted and back on the shelf, signed by owner'
check "one entry" [ "$(entries)" = "$((before + 1))" ]
own stock
check "orderdesk stock counts the tea back" grep -Eq '^TEA +1 +1$' "$T/out"
desk_quit "the owner's desk ends with status 0"
finish
