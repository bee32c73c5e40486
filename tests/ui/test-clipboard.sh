#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Cut, copy and paste of objects, and the canvas's context menu, as a
# person uses them: Ctrl+C of a rectangle and a text, read by another
# program as plain text and as a PNG picture; Ctrl+V into the same board
# (one undo step) and into a board in another window; a right click on an
# object and on the empty board with the menu's keys (Duplicate, Paste);
# Ctrl+X. What each board holds is read from its log (board-texts).
set -u
. "$(dirname "$0")/ui-lib.sh"

clipboard_text=${TAFEL_CLIPBOARD_TEXT:-}
[ -x "$clipboard_text" ] || skip_all "the clipboard-text helper was not built"
board_texts=${TAFEL_BOARD_TEXTS:-}
[ -x "$board_texts" ] || skip_all "the board-texts helper was not built"
command -v identify >/dev/null || skip_all "ImageMagick's identify is not installed"

echo "1..14"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

# GTK 4.8 leaks a few list nodes in its X11 clipboard code each time
# another program reads a clipboard it owns (see test-share.sh).
if [ -n "$tafel_asan" ]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
  diag "AddressSanitizer build: leak check off for this test (GTK's X11 clipboard leaks)"
fi

data_dir="$XDG_DATA_HOME/tafel"
boards () {
  ls "$data_dir/boards" 2>/dev/null
}

"$tafel" >"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
timeout 5 xdotool key ctrl+n
one_board () {
  [ "$(boards | wc -l)" = 1 ]
}
wait_for 15 one_board || bail "no board was made"
first=$(boards)

board_shown () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1" "420x50+340+60")" -ge 150 ]
}
ink="#1c71d8"
if wait_for 15 board_shown "$work/board.png"; then
  ok "a new board opens"
else
  not_ok "a new board opens"
fi

# texts_are BOARD TEXT…: the board shows exactly these texts.
texts_are () {
  local board=$1
  shift
  [ "$("$board_texts" "$data_dir" "$board" 2>/dev/null)" = "$(printf '%s\n' "$@" | sed '/^$/d')" ]
}
# check_texts WHAT BOARD TEXT…: one TAP line.
check_texts () {
  local what=$1 board=$2
  shift 2
  if wait_for 15 texts_are "$board" "$@"; then
    ok "$what"
  else
    not_ok "$what"
    diag "expected: $*"
    "$board_texts" "$data_dir" "$board" 2>&1 | sed 's/^/# board: /'
  fi
}

# A rectangle and a text.
timeout 5 xdotool key r
timeout 5 xdotool mousemove --window "$win" 150 180 mousedown 1
for i in $(seq 1 10); do
  timeout 5 xdotool mousemove --window "$win" $((150 + i * 15)) $((180 + i * 10))
done
timeout 5 xdotool mouseup 1
timeout 5 xdotool key t
timeout 5 xdotool mousemove --window "$win" 150 320 click 1
timeout 10 xdotool type --delay 15 "Copy me"
timeout 5 xdotool key Return
check_texts "a rectangle and a text are drawn" "$first" "Copy me"

# ---- Copy, and what other programs get --------------------------------------

timeout 5 xdotool key ctrl+a ctrl+c
copied_text () {
  [ "$("$clipboard_text" 2>/dev/null)" = "Copy me" ]
}
if wait_for 15 copied_text; then
  ok "Ctrl+C gives other programs the text"
else
  not_ok "Ctrl+C gives other programs the text (got “$("$clipboard_text" 2>&1)”)"
fi
"$clipboard_text" image/png >"$work/copied.png" 2>"$work/clipboard.log"
picture=$(identify -format '%m %w %h' "$work/copied.png" 2>/dev/null)
read -r format pw ph <<<"$picture"
# Both objects at twice their size: wider than the 150 px rectangle.
if [ "${format:-}" = PNG ] && [ "${pw:-0}" -ge 300 ] && [ "${ph:-0}" -ge 300 ]; then
  ok "Ctrl+C gives other programs a PNG picture ($pw × $ph)"
else
  not_ok "Ctrl+C gives other programs a PNG picture (got “$picture”: $(cat "$work/clipboard.log"))"
fi

# ---- Paste into the same board ----------------------------------------------

timeout 5 xdotool mousemove --window "$win" 700 450
timeout 5 xdotool key ctrl+v
check_texts "Ctrl+V pastes a copy into the board" "$first" "Copy me" "Copy me"
pasted_ink () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1" "500x300+450+250")" -ge 300 ]
}
if wait_for 15 pasted_ink "$work/pasted.png"; then
  ok "the copy lands where the pointer is"
else
  not_ok "the copy lands where the pointer is ($(ink_pixels "$work/pasted.png" "500x300+450+250") ink pixels there)"
fi
keep "$work/pasted.png" clipboard-pasted.png

timeout 5 xdotool key ctrl+z
check_texts "one undo takes the whole paste away" "$first" "Copy me"

# ---- Paste into another board, in another window ----------------------------

timeout 5 xdotool key ctrl+shift+n
other_window () {
  timeout 5 xdotool search --all --onlyvisible --pid "$app" 2>/dev/null | grep -v -x "$win" | head -n 1
}
second_window () {
  [ -n "$(other_window)" ]
}
wait_for 15 second_window || bail "no second window"
win2=$(other_window)
focus_window "$win2"
timeout 5 xdotool key ctrl+n
two_boards () {
  [ "$(boards | wc -l)" = 2 ]
}
wait_for 15 two_boards || bail "no second board was made"
second=$(boards | grep -v -x "$first")
old_win=$win
win=$win2
window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}
wait_for 15 window_name_is "$win" "Untitled Board" || diag "the second window shows no board"
timeout 5 xdotool mousemove --window "$win" 400 300
timeout 5 xdotool key ctrl+v
check_texts "Ctrl+V pastes into a board in another window" "$second" "Copy me"

# ---- The context menu -------------------------------------------------------

# A right click on the pasted text (it lies below the middle of what was
# pasted at the pointer) selects it; the menu's D duplicates it.
timeout 5 xdotool mousemove --window "$win" 370 370 click 3
# root_shot PNG: the screen, cropped to the window: the menu is a window
# of its own, over the board's.
root_shot () {
  local x y
  eval "$(xdotool getwindowgeometry --shell "$win" | grep -E '^(X|Y)=')"
  timeout 10 import -window root -crop "1100x720+$X+$Y" +repage "$1" 2>/dev/null
}
menu_shown () {
  root_shot "$1" || return 1
  # The menu's labels: dark text where the board was blank.
  [ "$(convert "$1" -crop "$2" +repage -colorspace Gray -threshold 40% -negate \
        -format '%[fx:round(mean*w*h)]' info: 2>/dev/null)" -ge 300 ]
}
if wait_for 15 menu_shown "$work/menu.png" "200x300+380+380"; then
  ok "a right click opens the context menu"
else
  not_ok "a right click opens the context menu"
fi
keep "$work/menu.png" clipboard-menu.png
timeout 5 xdotool key d
check_texts "the context menu duplicates the object clicked" "$second" "Copy me" "Copy me"

# On the empty board: the menu's P pastes there.
timeout 5 xdotool mousemove --window "$win" 150 450 click 3
wait_for 15 menu_shown "$work/menu2.png" "200x240+160+460" || diag "no menu on the empty board"
timeout 5 xdotool key p
check_texts "the context menu pastes where it was opened" "$second" "Copy me" "Copy me" "Copy me"

# ---- Cut ----------------------------------------------------------------------

timeout 5 xdotool key ctrl+a ctrl+x
check_texts "Ctrl+X takes the selection off the board" "$second"
timeout 5 xdotool key ctrl+v
check_texts "and Ctrl+V puts it back" "$second" "Copy me" "Copy me" "Copy me"

win=$old_win
quit_cleanly "$app"

exit $tap_failed
