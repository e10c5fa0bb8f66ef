#!/usr/bin/env bash
# Habits from less, vi and htop, end to end: n and N after / go to the
# next and previous match (a adds a note), h and l switch tabs, the hint
# line always ends with "? help", and the desk works from 60x16, the
# narrow layout dropping columns instead of refusing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"

start_pane 60 16
sign_in mei "$MEI_PASS"
screen "at 60x16 the desk opens on the list" '^ 1001 +2026-11-01 +Lena Schäfer'
check "the narrow list keeps number, date, customer and total" \
	bash -c "grep -Eq '^ 1002 +2026-11-01 +陳大文 +1847.70 HKD *$' '$T/pane'"
check "every tab shows, by a short name" grep -Eq 'New 300 .*Conf 0 .*All 300' "$T/pane"
check "the hint line ends with ? help" bash -c "tail -1 '$T/pane' | grep -Eq '… \? help *$'"

tm send-keys /
tm send-keys -l "García"
tm send-keys Enter
screen "a search" '1 of [0-9]+ orders matching /García'
tm send-keys n
screen "n goes to the next match" '2 of [0-9]+ orders matching /García'
tm send-keys N N
screen "N goes back, and round past the first" 'Past the first match: on at the last'
tm send-keys n
screen "n goes round past the last" 'Past the last match: back at the first'
tm send-keys Escape n
screen "without a search, n says what it does and where the note went" \
	'search with / first \(a adds a note\)'

tm send-keys l
screen "l shows the next tab" 'No orders here'
tm send-keys h
screen "h the one before" '^ 1001 '
tm send-keys a
screen "a adds a note" 'Note on order 1001'
tm send-keys Escape
wait_for 'Nothing signed'
tm send-keys Enter
screen "the order opens at 60x16" 'Order 1001 · new'
check "its hint line too ends with ? help" bash -c "tail -1 '$T/pane' | grep -Eq '\? help *$'"
tm send-keys h
screen "h goes back to the list" '^ 1001 +2026-11-01'

tm resize-window -x 80 -y 24
screen "at 80x24 the time of day comes back" '^ 1001 +2026-11-01 00:24 +Lena'
check "and every column" grep -Eq 'ITEMS +TOTAL↑? STATUS' "$T/pane"
check "the hint line still ends with ? help" bash -c "tail -1 '$T/pane' | grep -Eq '… \? help *$'"
tm send-keys '?'
screen "help names n N after /, and the note's key" '^ +\/ +search( {2,}|$)'
check "n N next, previous match" grep -Eq '^ +n N +next, previous match' "$T/pane"
check "a note" grep -Eq '^ +a +note' "$T/pane"
check "and h l" grep -Eq '^ +1-9 ← → h l +tab: status' "$T/pane"
tm send-keys Escape q
wait_for 'desk exit 0'

tm kill-server
finish
