#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Drawing end to end, with a real X server and real input events: create a
# board, draw a stroke with the mouse, see its pixels; undo, see them gone;
# draw again, quit, start again: the stroke is still there.
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..9"
start_display

# Settings must outlive the process for Tafel to reopen the board; the
# keyfile lives in this test's own XDG_CONFIG_HOME. A board window goes
# online: without a broker set, only the LAN beacon would look for peers,
# and its multicast would leave loopback, so it is off.
export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

# The default ink (GSettings pen-color).
ink="#1c71d8"

app=
start_tafel () {
  "$tafel" >>"$work/tafel.log" 2>&1 &
  app=$!
  wait_for 30 window_of "$app" || { cat "$work/tafel.log" | sed 's/^/# /'; bail "no window"; }
  win=$(window_of "$app")
  focus_window "$win"
}

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}

# The canvas area, below the tool bar and left of the zoom buttons, in
# window coordinates: where the strokes are drawn.
area="700x380+150+160"

# The tool bar, whose colour button shows the ink: seen only on a board.
toolbar="420x50+340+60"

# board_shown PNG: a fresh screenshot shows the board page, fully faded in
# (the colour button is there), not the start page.
board_shown () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1" "$toolbar")" -ge 150 ]
}

# has_ink PNG MIN: a fresh screenshot in PNG shows at least MIN ink pixels.
has_ink () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1")" -ge "$2" ]
}

# no_ink PNG: a fresh screenshot shows (almost) none.
no_ink () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1")" -le 5 ]
}

# A wavy stroke across the canvas, pressed, moved in small steps, released,
# as a hand with a mouse would.
draw_stroke () {
  local x=220 y=330
  timeout 5 xdotool mousemove --window "$win" $x $y mousedown 1
  for i in $(seq 1 60); do
    timeout 5 xdotool mousemove --window "$win" $((x + i * 8)) $((y + (i % 12) * 4 - 24))
  done
  timeout 5 xdotool mouseup 1
}

start_tafel

# A new board: the window takes its title.
timeout 5 xdotool key ctrl+n
if wait_for 15 window_name_is "$win" "Untitled Board"; then
  ok "Ctrl+N opens a new board"
else
  not_ok "Ctrl+N opens a new board (window is “$(xdotool getwindowname "$win")”)"
fi

# The empty board: no ink yet (once it is painted).
if wait_for 15 board_shown "$work/empty.png" && [ "$(ink_pixels "$work/empty.png")" -le 5 ]; then
  ok "the new board is empty"
else
  not_ok "the new board is empty ($(ink_pixels "$work/empty.png") ink pixels)"
fi
keep "$work/empty.png" draw-empty.png

draw_stroke
if wait_for 15 has_ink "$work/drawn.png" 300; then
  ok "the stroke is on the canvas ($(ink_pixels "$work/drawn.png") ink pixels)"
else
  not_ok "the stroke is on the canvas ($(ink_pixels "$work/drawn.png") ink pixels)"
fi
keep "$work/drawn.png" draw-stroke.png

# Undo takes it away again.
timeout 5 xdotool key ctrl+z
if wait_for 15 no_ink "$work/undone.png"; then
  ok "Ctrl+Z removes the stroke"
else
  not_ok "Ctrl+Z removes the stroke ($(ink_pixels "$work/undone.png") ink pixels left)"
fi
keep "$work/undone.png" draw-undone.png

# And redo brings it back.
timeout 5 xdotool key ctrl+shift+z
if wait_for 15 has_ink "$work/redone.png" 300; then
  ok "Ctrl+Shift+Z brings it back"
else
  not_ok "Ctrl+Shift+Z brings it back ($(ink_pixels "$work/redone.png") ink pixels)"
fi

# A second stroke, then quit.
timeout 5 xdotool key ctrl+z
wait_for 15 no_ink "$work/undone2.png"
draw_stroke
wait_for 15 has_ink "$work/before-quit.png" 300
before=$(ink_pixels "$work/before-quit.png")
quit_cleanly "$app"

# Started again, Tafel shows the board where it was, with the stroke.
start_tafel
if wait_for 20 window_name_is "$win" "Untitled Board" && wait_for 20 board_shown "$work/restarted.png"; then
  ok "the board is open again after a restart"
else
  not_ok "the board is open again after a restart (window is “$(xdotool getwindowname "$win")”)"
fi
if wait_for 20 has_ink "$work/restarted.png" 300; then
  ok "the stroke is still there ($(ink_pixels "$work/restarted.png") ink pixels, $before before quitting)"
else
  not_ok "the stroke is still there ($(ink_pixels "$work/restarted.png") ink pixels, $before before quitting)"
fi
keep "$work/restarted.png" draw-restarted.png

timeout 5 xdotool key ctrl+q
wait_exit "$app" 20
status=$wait_status
if [ "$status" = 0 ]; then
  ok "the second run quits with status 0"
else
  not_ok "the second run quits with status 0 (got $status)"
  sed 's/^/# /' "$work/tafel.log"
fi

exit $tap_failed
