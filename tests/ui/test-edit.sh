#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Changing what is already drawn: a double click on a text, or Enter with
# it selected, opens it in place and what is typed changes that text (the
# board holds one text, not two); with a text selected the tool bar's
# colour and size change it; each change is one undo step; End and the
# context menu restack. The board's log is read by board-texts after each
# step.
set -u
. "$(dirname "$0")/ui-lib.sh"

board_texts=${TAFEL_BOARD_TEXTS:-}
[ -x "$board_texts" ] || skip_all "the board-texts helper was not built"

echo "1..15"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

"$tafel" >"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
timeout 5 xdotool key ctrl+n

data_dir="$XDG_DATA_HOME/tafel"
one_board () { [ "$(ls "$data_dir/boards" 2>/dev/null | wc -l)" = 1 ]; }
wait_for 15 one_board || bail "no board was made"
board=$(ls "$data_dir/boards")
wait_for 15 screenshot_has_content "$win" "$work/first.png" || bail "the window shows nothing"

# The window's size decides where the tool bar is: centred at the top.
width=$(xdotool getwindowgeometry --shell "$win" | sed -n 's/^WIDTH=//p')
color_x=$((width / 2 + 168)) width_x=$((width / 2 + 210)) bar_y=85

# The board's texts as "words<TAB>rrggbbaa<TAB>size", one a line.
stored () { "$board_texts" --style "$data_dir" "$board" 2>>"$work/board-texts.log"; }
stored_is () { [ "$(stored)" = "$(printf '%b' "$1")" ]; }
# check WHAT EXPECTED: one TAP line.
check () {
  if wait_for 15 stored_is "$2"; then
    ok "$1"
  else
    not_ok "$1"
    diag "expected: $(printf '%b' "$2")"
    stored | sed 's/^/# stored: /'
  fi
}

# A text to change, in blue at size 24 (the defaults).
timeout 5 xdotool key t
timeout 5 xdotool mousemove --window "$win" 300 300 click 1
timeout 10 xdotool type --delay 20 "Hallo"
timeout 5 xdotool key Return
check "a text is typed" 'Hallo\t1c71d8ff\t24'

# A double click on it with the selection tool opens it, the caret at the
# end. Emptied there, the old words are not drawn underneath any more
# (only the caret is left of the blue); Enter stores the new words in the
# same text.
ink="#1c71d8"
drawn () {
  shot "$work/before.png" || return 1
  [ "$(ink_pixels "$work/before.png" "400x60+280+290")" -ge 200 ]
}
wait_for 10 drawn
blue_before=$(ink_pixels "$work/before.png" "400x60+280+290")
timeout 5 xdotool key v
timeout 5 xdotool mousemove --window "$win" 320 315 click --repeat 2 --delay 80 1
timeout 5 xdotool key --delay 20 BackSpace BackSpace BackSpace BackSpace BackSpace
emptied () {
  shot "$work/emptied.png" || return 1
  [ "$(ink_pixels "$work/emptied.png" "400x60+280+290")" -le $((blue_before / 3)) ]
}
if [ "$blue_before" -ge 200 ] && wait_for 10 emptied; then
  ok "the text being changed is not drawn underneath ($blue_before blue pixels before, $(ink_pixels "$work/emptied.png" "400x60+280+290") emptied)"
else
  not_ok "the text being changed is not drawn underneath ($blue_before blue pixels before, $(ink_pixels "$work/emptied.png" "400x60+280+290") emptied)"
fi
keep "$work/emptied.png" edit-emptied.png
timeout 10 xdotool type --delay 20 "Hallo Welt"
timeout 5 xdotool key Return
check "a double click changes the text in place (one text, not two)" 'Hallo Welt\t1c71d8ff\t24'

# A click selects it; Enter opens it; a click elsewhere stores it.
timeout 5 xdotool mousemove --window "$win" 320 315 click 1
timeout 5 xdotool key Return
timeout 10 xdotool type --delay 20 "!"
timeout 5 xdotool mousemove --window "$win" 700 550 click 1
check "Enter on a selected text changes it; a click elsewhere keeps the words" 'Hallo Welt!\t1c71d8ff\t24'

# Selected, the colour and size buttons change it: red from the palette
# (its third swatch), the largest size preset.
timeout 5 xdotool mousemove --window "$win" 320 315 click 1
# The popovers are windows of their own: open, the app shows two.
windows_shown () { [ "$(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null | wc -l)" = "$1" ]; }
# drawn_at X Y RRGGBB: the screen shows that colour around window point
# (X, Y) (the window lies at the screen's top left): a popover's button
# is there to click.
drawn_at () {
  timeout 10 import -window root "$work/root.png" 2>/dev/null || return 1
  [ "$(ink="#$3" ink_pixels "$work/root.png" "16x16+$(($1 - 8))+$(($2 - 8))")" -ge 20 ]
}
timeout 5 xdotool mousemove --window "$win" "$color_x" "$bar_y" click 1
wait_for 10 drawn_at "$color_x" 138 c01c28 || diag "the colour popover did not open"
timeout 5 xdotool mousemove --window "$win" "$color_x" 138 click 1
check "the colour button recolours the selected text" 'Hallo Welt!\tc01c28ff\t24'
wait_for 10 windows_shown 1 || diag "the colour popover did not close"

timeout 5 xdotool mousemove --window "$win" "$width_x" "$bar_y" click 1
wait_for 10 drawn_at $((width_x + 72)) 139 c01c28 || diag "the size popover did not open"
timeout 5 xdotool mousemove --window "$win" $((width_x + 72)) 139 click 1
check "the size button resizes the selected text" 'Hallo Welt!\tc01c28ff\t56'
timeout 5 xdotool key Escape
wait_for 10 windows_shown 1 || diag "the size popover did not close"
timeout 5 xdotool mousemove --window "$win" 700 550 click 1

# Each change was one step: undo walks back through them.
timeout 5 xdotool key ctrl+z
check "undo takes the size back" 'Hallo Welt!\tc01c28ff\t24'
timeout 5 xdotool key ctrl+z
check "undo takes the colour back" 'Hallo Welt!\t1c71d8ff\t24'
timeout 5 xdotool key ctrl+z
check "undo takes the words back" 'Hallo Welt\t1c71d8ff\t24'

# ---- The z-order ---------------------------------------------------------------

# board-texts lists the texts bottom first.
words_are () { [ "$(stored | cut -f1 | tr '\n' ' ')" = "$1" ]; }
check_order () {
  if wait_for 15 words_are "$2"; then
    ok "$1"
  else
    not_ok "$1"
    diag "expected: $2"
    stored | cut -f1 | sed 's/^/# stored: /'
  fi
}
# (New texts take the size last chosen, 56: well apart.)
timeout 5 xdotool key t
timeout 5 xdotool mousemove --window "$win" 300 420 click 1
timeout 10 xdotool type --delay 20 "Unten"
timeout 5 xdotool key Return
timeout 5 xdotool mousemove --window "$win" 300 540 click 1
timeout 10 xdotool type --delay 20 "Oben"
timeout 5 xdotool key Return
check_order "new texts lie on top" "Hallo Welt Unten Oben "

# End sends the selected text to the back.
timeout 5 xdotool key v
timeout 5 xdotool mousemove --window "$win" 330 570 click 1
timeout 5 xdotool key End
check_order "End sends the selection to the back" "Oben Hallo Welt Unten "

# The context menu brings the text clicked to the front.
timeout 5 xdotool mousemove --window "$win" 330 315 click 3
wait_for 10 windows_shown 2 || diag "the context menu did not open"
timeout 5 xdotool key f
check_order "the context menu brings it to the front" "Oben Unten Hallo Welt "
wait_for 10 windows_shown 1 || diag "the context menu did not close"

timeout 5 xdotool key ctrl+z
check_order "undo puts it back in its place" "Oben Hallo Welt Unten "

if grep -E "CRITICAL|WARNING" "$work/tafel.log" >/dev/null; then
  not_ok "no warnings or criticals in the log"
  sed 's/^/# /' "$work/tafel.log"
else
  ok "no warnings or criticals in the log"
fi
quit_cleanly "$app"
exit $tap_failed
