#!/usr/bin/env bash
# Saved views (issue 12), end to end at 100x30: `:save NAME` keeps the
# :filter under a name, shown as a tab after the built-in ones with its
# count; `:save NAME EXPR` saves EXPR; `:views` lists them; they are the
# person's own, kept in the encrypted store across sessions; `orderdesk
# list --view NAME` lists with one; `:unsave` deletes one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
od_as mei "$MEI_PASS" list --filter "status:new total:>300"
BIG=$(($(wc -l < "$T/out") - 1))
check "some orders are over 300" test "$BIG" -gt 5

start_pane 100 30
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys :
tm send-keys -l "filter status:new total:>300"
tm send-keys Enter
screen "the :filter narrows the list" "All $BIG "
tm send-keys :
tm send-keys -l "save big"
tm send-keys Enter
screen "the filter is saved as a view, its tab opened" \
	"Saved view big \(status:new total:>300\), tab 10"
check "the tab shows with its count" grep -Eq "big $BIG( |\$)" "$T/pane"
tm send-keys g
screen "the view's tab lists it, the :filter now cleared" \
	"1 of $BIG orders, by placed"
tm send-keys 1
screen "New shows every new order again" '[0-9]+ of 300 orders'
check "the view's tab is past the edge, behind ›" \
	bash -c "head -1 '$T/pane' | grep -q 'Ret 0 *›'"

tm send-keys :
tm send-keys -l 'save garcia customer:garcia'
tm send-keys Enter
screen "a filter saved as typed" 'Saved view garcia \(customer:garcia\), tab 11'
tm send-keys :
tm send-keys -l 'save Big!'
tm send-keys Enter
screen "a bad name is refused in one line" "view name \`Big!\`: use a-z"
tm send-keys :
tm send-keys -l 'save odd total:lots'
tm send-keys Enter
screen "a bad filter too" 'filter term `total:lots`: expects an amount'
tm send-keys :
tm send-keys -l 'views'
tm send-keys Enter
screen ":views lists them" 'Views: big \(status:new total:>300\), garcia \(customer:garcia\)\.'

tm send-keys q
screen "the desk ends" 'desk exit 0'
check "the store keeps no view in the clear" \
	bash -c "! grep -rqa 'total:>300' '$STORE'"
od_as mei "$MEI_PASS" list --view big
expect_ok "list --view big"
check "lists what the view keeps" test "$(($(wc -l < "$T/out") - 1))" -eq "$BIG"
od_as mei "$MEI_PASS" list --view big --filter "customer:garcia" --format csv
check "with --filter, both hold" bash -c "[ \$(grep -c . '$T/out') -lt $BIG ]"
od_as owner "$OWNER_PASS" list --view big
expect_fail "the views are mei's own: the owner has none" 4 'owner has no saved views'
od_as mei "$MEI_PASS" list --view nope
expect_fail "an unknown view is named with hers" 4 'no view named nope; theirs: big, garcia'

sign_in mei "$MEI_PASS"
screen "mei's desk opens the next day" '^ mei \(shopkeeper\) │'
tm send-keys h h
screen "the views are there, the last tabs (h from the first)" "1 of $BIG orders"
check "big, with its count" grep -Eq "big $BIG( |\$)" "$T/pane"
check "garcia too" grep -Eq "garcia [0-9]+( |\$)" "$T/pane"
tm send-keys c
wait_for 'You are about to sign' 5
tm send-keys y
screen "an order confirmed on the view's tab" 'Order [0-9]+ confirmed, signed by mei'
check "leaves it at once (the view is status:new)" \
	grep -Eq "big $((BIG - 1))( |\$)" "$T/pane"
tm send-keys :
tm send-keys -l 'unsave'
tm send-keys Enter
screen ":unsave deletes the view shown" 'Deleted view big\.'
check "its tab is gone" bash -c "! grep -q 'big $((BIG - 1))' '$T/pane'"
check "All shows instead" grep -q 'All 300 ' "$T/pane"
tm send-keys q
screen "the desk ends, the view gone" 'desk exit 0'
od_as mei "$MEI_PASS" list --view big
expect_fail "and the CLI no longer has it" 4 'no view named big; theirs: garcia'
finish
