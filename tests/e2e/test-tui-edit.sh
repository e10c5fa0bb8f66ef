#!/usr/bin/env bash
# The desk's one line editor, end to end at 80x24: the passphrase, the
# search and a dialog's field are edited in the middle (arrows, Home/End,
# Ctrl-A/E/U/W/K, Backspace and Delete) in accented and wide text, and a
# long field scrolls to keep the cursor in sight.  What is signed is what
# was edited, checked with the CLI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"

start_pane
desk --user mei
wait_for 'Who are you' 10
tm send-keys Enter
wait_for 'Passphrase for mei' 5
tm send-keys -l "mei passphrase 1 oops"
tm send-keys C-w BSpace Enter
screen "a passphrase mended with Ctrl-W and Backspace unlocks" '^ mei \(shopkeeper\) │'

tm send-keys /
tm send-keys -l "陳文"
tm send-keys Left
tm send-keys -l "大"
screen "a wide character typed between two others" '^/陳大文 *$'
check "finds 陳大文's orders and no one else's" bash -c "grep -q '^ *1002 ' '$T/pane' && ! grep -q 'Lena' '$T/pane'"
tm send-keys Home
tm send-keys -l "x"
screen "typed at the start, nothing matches" 'No order here matches the search'
check "the x went before the first character" grep -q '^/x陳大文 *$' "$T/pane"
tm send-keys BSpace
screen "Backspace takes it away again" '^ *1002 '
tm send-keys Delete
screen "Delete takes the wide character under the cursor" '^/大文 *$'
tm send-keys C-e BSpace
screen "Backspace takes a whole wide character" '^/大 *$'
tm send-keys C-u
tm send-keys -l "García"
tm send-keys C-a Right Right Right Right C-k
screen "Ctrl-K cuts after the cursor, before the accent" '^/Garc *$'
tm send-keys Right Right
tm send-keys -l "í"
screen "the cursor stopped at the end" '^/Garcí *$'
check "José García's orders show" grep -q 'José García' "$T/pane"
tm send-keys Enter
screen "Enter ends the search, which stays" 'matching /Garcí'

# The first order of the New tab: a note typed, then mended.
tm send-keys g a
screen "a asks for a note" 'Note on order'
tm send-keys -l "ring the bell"
tm send-keys Home
tm send-keys -l "Please "
tm send-keys End C-w
tm send-keys -l "doorbell 王"
tm send-keys Left BSpace
tm send-keys Enter
screen "the dialog shows the note as edited" '│ text: Please ring the doorbell王'
number=$(grep -oE 'Note on order [0-9]+' "$T/pane" | grep -oE '[0-9]+$')
tm send-keys y
screen "it is signed" "Order $number noted"
od_as mei "$MEI_PASS" show "$number"
check "the store holds the note as edited" grep -q 'Please ring the doorbell王' "$T/out"

# A note longer than the field: the view follows the cursor.
tm send-keys a
wait_for 'Note on order'
tm send-keys -l "start-$(printf 'x%.0s' $(seq 1 80))-end"
screen "at the end the field shows the end" 'xxx-end'
check "and not the start" bash -c "! grep -q 'start-' '$T/pane'"
tm send-keys C-a
screen "Ctrl-A scrolls back to the start" '│ Note +start-xxx'
check "and the end is out of sight" bash -c "! grep -q 'xx-end' '$T/pane'"
tm send-keys Escape
screen "Esc signs nothing" 'Nothing signed'
tm send-keys q
wait_for 'desk exit 0'

tm kill-server
finish
