#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A board just closed shows its drawing on the start page at once: draw a
# red stroke, Close Board, and the board's card has red pixels. Then a
# second window: a new board there, a stroke, close that window, and the
# first window's start page shows the board's drawing (its card once stayed
# blank, as drawn from the new, empty board, until the list was loaded
# again).
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..5"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
# A red ink: nothing else on the start page is red.
printf "[io/github/tafel/Tafel]\nlan-discovery=false\npen-color='#e01b24'\n" \
  >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"
ink="#e01b24"
# The whole window.
area="1100x720+0+0"

"$tafel" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}
timeout 5 xdotool key ctrl+n
wait_for 20 window_name_is "$win" "Untitled Board" || bail "Ctrl+N opened no board"

has_ink () {
  shot "$work/shot.png" || return 1
  [ "$(ink_pixels "$work/shot.png")" -ge "$1" ]
}

# The tool bar, whose colour button shows the ink: on a board only.
toolbar="470x50+315+60"
# card_has_ink: the start page is shown (no tool bar) and its card shows
# the red stroke.
card_has_ink () {
  shot "$work/shot.png" || return 1
  [ "$(ink_pixels "$work/shot.png" "$toolbar")" -eq 0 ] && [ "$(ink_pixels "$work/shot.png")" -ge 40 ]
}

# draw_stroke Y: a wavy stroke across the board of $win at height Y.
draw_stroke () {
  local x=220 y=$1
  timeout 5 xdotool mousemove --window "$win" $x $y mousedown 1
  for i in $(seq 1 60); do
    timeout 5 xdotool mousemove --window "$win" $((x + i * 8)) $((y + (i % 12) * 4 - 24))
  done
  timeout 5 xdotool mouseup 1
}

draw_stroke 330
if wait_for 10 has_ink 500; then
  ok "a red stroke is on the board ($(ink_pixels "$work/shot.png") red pixels)"
else
  not_ok "a red stroke is on the board ($(ink_pixels "$work/shot.png") red pixels)"
fi

# Close Board, from the main menu.
timeout 5 xdotool key F10
timeout 5 xdotool key b
if wait_for 15 window_name_is "$win" "Tafel"; then
  ok "Close Board shows the start page"
else
  not_ok "Close Board shows the start page (window is “$(xdotool getwindowname "$win")”)"
fi

# The card's picture is about a quarter of the stroke's size.
if wait_for 15 card_has_ink; then
  ok "the closed board's card shows its drawing ($(ink_pixels "$work/shot.png") red pixels)"
else
  not_ok "the closed board's card shows its drawing ($(ink_pixels "$work/shot.png") red pixels)"
  sed 's/^/# /' "$work/tafel.log"
fi
keep "$work/shot.png" thumbnail-closed.png

# Another window, with a board of its own, drawn on and closed: the first
# window's start page shows that board's drawing at once.
timeout 5 xdotool key ctrl+shift+n
second=
second_window () {
  local w
  for w in $(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null); do
    [ "$w" != "$win" ] && second=$w && return 0
  done
  return 1
}
wait_for 20 second_window || bail "Ctrl+Shift+N opened no window"
first=$win
win=$second
focus_window "$win"
timeout 5 xdotool key ctrl+n
wait_for 20 window_name_is "$win" "Untitled Board" || bail "Ctrl+N opened no board in the second window"
draw_stroke 450
wait_for 10 has_ink 1500 || diag "the second stroke shows $(ink_pixels "$work/shot.png") red pixels"
# The header bar's close button.
timeout 5 xdotool mousemove --window "$win" 1071 28 click 1
gone () { ! timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null | grep -qx "$second"; }
wait_for 15 gone || not_ok "the second window closes"
win=$first
focus_window "$win"
# The first card, the board opened last.
first_card="310x160+68+125"
first_card_has_ink () {
  shot "$work/shot.png" || return 1
  [ "$(ink_pixels "$work/shot.png" "$toolbar")" -eq 0 ] && [ "$(ink_pixels "$work/shot.png" "$first_card")" -ge 40 ]
}
if wait_for 15 first_card_has_ink; then
  ok "a board whose window closed shows its drawing on the other start page ($(ink_pixels "$work/shot.png" "$first_card") red pixels)"
else
  not_ok "a board whose window closed shows its drawing on the other start page ($(ink_pixels "$work/shot.png" "$first_card") red pixels)"
fi
keep "$work/shot.png" thumbnail-window-closed.png

quit_cleanly "$app"
exit $tap_failed
