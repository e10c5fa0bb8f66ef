#!/usr/bin/env bash
# Money at the desk, end to end at 80x30: the order view shows the charges,
# the payment state, each payment and refund, the parcel with its serials
# and delivery and the evidence it names; P pays, F refunds (the owner's,
# never more than paid less refunded, said before the first field), D
# delivers with an evidence file, e writes the file out again, its hash
# checked.  Each statement is shown before y and is then in `orderdesk
# log`; what is refused signs nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"
. "$(dirname "$0")/money-lib.sh"
import_m1 "王小明" "烏龍茶 Oolong" \
	'"shipping": 1500, "tax": 4100, "discount": 1000, "total": 26600'
expect_ok "an order with shipping, tax and a discount is imported"
ship_m1
expect_ok "it ships with serials"
printf 'proof of delivery\n' > "$T/pod.txt"

start_pane 80 30
desk_as mei "$MEI_PASS" shopkeeper "mei's desk opens"
open_order M-1 "the order view shows the charges" '^ Shipping +15\.00 EUR'
check "tax, discount and total, in one column" bash -c "
	grep -q '^ Tax  *41\.00 EUR' '$T/pane' && grep -q '^ Discount  *-10\.00 EUR' '$T/pane' &&
	[ \$(grep '^ Total ' '$T/pane' | awk '{ print index(\$0, \"EUR\") }') = \
	  \$(grep '^ Shipping ' '$T/pane' | awk '{ print index(\$0, \"EUR\") }') ]"
check "where the payment stands, beside the total" grep -q '^ Total  *266\.00 EUR  unpaid' "$T/pane"
tm send-keys G
screen "the parcel with its serials" 'serials TEA S-1, TEA S-2, MUG SN-9'
check "not delivered yet" grep -q 'not delivered yet' "$T/pane"
tm send-keys '?'
screen "help lists the money keys" '^ +P +pay: money received'
check "deliver and the returns, not refund (the owner's)" bash -c "
	grep -Eq '^ +D +delivered' '$T/pane' && grep -Eq '^ +O +open a return' '$T/pane' &&
	grep -Eq '^ +e +write out an evidence' '$T/pane' && ! grep -Eq '^ +F +refund' '$T/pane'"
tm send-keys Escape

# --- a refund is the owner's: one line, nothing signed ----------------------
before=$(entries)
tm send-keys F
screen "F says in one line who may refund" 'Your role \(shopkeeper\) may not refund money; owner may\.'
check "nothing is signed" [ "$(entries)" = "$before" ]

# --- pay: more than the total goes back to the form ------------------------
tm send-keys P
screen "P asks what was received, what is left to pay filled in" 'Amount +266\.00'
check "the method is a choice" grep -q 'card   bank   cash   cod   other' "$T/pane"
tm send-keys Up C-u
tm send-keys -l "300.00"
tm send-keys Enter Enter
tm send-keys -l "参照-1"
tm send-keys Enter
screen "the core's refusal, with the figures, before anything is shown" \
	"payment of 300\.00 EUR refused: order M-1's total is 266\.00, 0\.00 paid"
check "nothing is signed" [ "$(entries)" = "$before" ]
tm send-keys Up C-u
tm send-keys -l "200.00"
tm send-keys Enter Enter Enter
screen "the statement shows the amount in minor units before y" '│ amount: 20000'
check "a payment.receive, by card, with the reference" bash -c "
	grep -q '│ kind: payment.receive' '$T/pane' && grep -q '│ method: card' '$T/pane' &&
	grep -q '│ reference: 参照-1' '$T/pane'"
tm send-keys y
screen "y signs it" 'Order M-1: 200\.00 EUR received \(card\), signed by mei'
own log
check "orderdesk log holds it as shown" bash -c "
	grep -A16 'payment.receive by mei' '$T/out' | grep -q '^amount: 20000' &&
	grep -A16 'payment.receive by mei' '$T/out' | grep -q '^reference: 参照-1'"
tm send-keys G
screen "the view lists the payment" 'received +200\.00 EUR  card by mei'
check "and its reference" grep -q 'reference 参照-1' "$T/pane"
check "partly paid" grep -q 'Payment   partially paid: 200\.00 EUR paid' "$T/pane"

# --- deliver, with a proof of delivery --------------------------------------
tm send-keys D
screen "D asks which parcel" 'Parcel +JD0001 +every parcel'
tm send-keys Enter
tm send-keys -l "$T/nothing-here"
tm send-keys Enter
screen "a missing file is said in the form" 'cannot read evidence .*nothing-here'
n=$(entries)
check "nothing is signed ($n entries)" [ "$n" = "$((before + 1))" ]
tm send-keys Tab C-u
tm send-keys -l "$T/pod.txt"
tm send-keys Enter
hash=$(sha256sum < "$T/pod.txt" | cut -c1-64)
screen "the statement names the parcel and the file's SHA-256" '│ tracking: JD0001'
check "the evidence by its hash" grep -q "│ evidence: sha256:${hash:0:40}" "$T/pane"
tm send-keys y
screen "y signs the delivery" 'Order M-1: parcel JD0001 delivered, signed by mei'
own log
check "orderdesk log holds the shipment.deliver with the evidence" bash -c "
	grep -A16 'shipment.deliver by mei' '$T/out' | grep -q '^evidence: sha256:$hash'"
tm send-keys G
screen "the parcel shows its delivery" 'delivered 20[0-9-]+T[0-9:]+Z by mei'
check "and the evidence, its size" grep -q "evidence (#[0-9]*): 18 bytes" "$T/pane"
check "and its whole name" grep -q "^ *sha256:$hash" "$T/pane"

# --- e writes the file out, its hash checked --------------------------------
tm send-keys e
screen "e asks which file and where" 'Write to'
tm send-keys Enter
tm send-keys -l "$T/out.txt"
tm send-keys Enter
screen "e writes it, hash checked" 'Wrote .*out\.txt \(18 bytes\), its SHA-256 checked'
check "byte for byte" cmp -s "$T/pod.txt" "$T/out.txt"
tm send-keys e
tm send-keys Enter
tm send-keys -l "$T/out.txt"
tm send-keys Enter
screen "never over an existing file" 'exists'
tm send-keys Escape
screen "Esc writes nothing" 'Nothing written\.'
desk_quit "mei's desk ends"

# --- the owner refunds: the cap said before the first field -----------------
desk_as owner "$OWNER_PASS" owner "the owner's desk opens"
open_order M-1 "M-1 opens" 'Order M-1'
before=$(entries)
tm send-keys F
screen "F says how much may be refunded before the first field" \
	'At most 200\.00 EUR: 200\.00 EUR paid, 0\.00 EUR refunded\.'
tm send-keys -l "250.00"
tm send-keys Enter
tm send-keys -l "mug broken"
tm send-keys Enter Enter
screen "beyond it, the core's words" 'refund of 250\.00 EUR refused: 200\.00 paid, 0\.00 refunded, 200\.00 left'
check "nothing is signed" [ "$(entries)" = "$before" ]
tm send-keys Up C-u
tm send-keys -l "20.00"
tm send-keys Enter Tab
tm send-keys -l "MUG 1"
tm send-keys Enter Enter
screen "the refund's statement before y" '│ kind: payment.refund'
check "amount, reason and item" bash -c "
	grep -Eq '│ amount: 2000 +│' '$T/pane' &&
	grep -q '│ reason: mug broken' '$T/pane' && grep -q '│ item: MUG 1' '$T/pane'"
# The log moves on while the statement is shown: y signs nothing.
own note M-1 "called the customer"
expect_ok "another terminal notes the order meanwhile"
tm send-keys y
screen "a statement no longer at the tip is not signed" 'Not signed: the shop.s log moved on'
check "only the note was added" [ "$(entries)" = "$((before + 1))" ]
tm send-keys F
screen "F again" 'At most 200\.00 EUR'
tm send-keys -l "20.00"
tm send-keys Enter
tm send-keys -l "mug broken"
tm send-keys Enter Enter
screen "shown again" '│ kind: payment.refund'
tm send-keys y
screen "y refunds" 'Order M-1: 20\.00 EUR refunded, signed by owner'
own log
check "orderdesk log holds the refund" bash -c "
	grep -A16 'payment.refund by owner' '$T/out' | grep -q '^amount: 2000' &&
	grep -A16 'payment.refund by owner' '$T/out' | grep -q '^reason: mug broken'"
tm send-keys G
screen "the view lists the refund" 'refunded +20\.00 EUR  by owner · mug broken'
check "partially refunded" grep -q 'Payment   partially refunded: 200\.00 EUR paid, 20\.00 EUR refunded' "$T/pane"
check "the amounts line up, whatever the reference's width" bash -c "
	[ \$(grep ' received  ' '$T/pane' | awk '{ print index(\$0, \"EUR\") }') = \
	  \$(grep ' refunded  ' '$T/pane' | awk '{ print index(\$0, \"EUR\") }') ]"
desk_quit "the owner's desk ends with status 0"
finish
