#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An empty board says where to start ("Draw anywhere — press ? for
# shortcuts"); "?" opens the shortcuts; the hint goes once there is
# something on the board and comes back when it is empty again.
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..7"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

# GTK 4.8's shortcuts window warns about the sizes of its own key labels
# ("GtkLabel … reported min width -3"), which fatal-warnings would turn
# into a crash: this app runs with warnings logged, and the log is checked
# at the end for any other.
G_DEBUG=gc-friendly "$tafel" >"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
timeout 5 xdotool key ctrl+n

ink="#1c71d8"
# The middle of the board, where the hint is.
middle="760x80+170+340"

board_shown () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1" "420x50+340+60")" -ge 150 ]
}
if wait_for 15 board_shown "$work/board.png"; then
  ok "a new board opens"
else
  not_ok "a new board opens"
fi

# grey_pixels PNG: pixels of the middle darker than a light grey: the
# hint's letters, not the dot grid.
grey_pixels () {
  convert "$1" -crop "$middle" +repage -colorspace Gray -threshold 70% -negate \
    -format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}
hint_shown () {
  shot "$1" || return 1
  [ "$(grey_pixels "$1")" -ge 800 ]
}
hint_gone () {
  shot "$1" || return 1
  [ "$(grey_pixels "$1")" -le 10 ]
}

if wait_for 15 hint_shown "$work/empty.png"; then
  ok "the empty board shows the hint ($(grey_pixels "$work/empty.png") grey pixels)"
else
  not_ok "the empty board shows the hint ($(grey_pixels "$work/empty.png") grey pixels)"
fi
keep "$work/empty.png" hint-empty.png

# "?" opens the shortcuts window (a second window of Tafel's, with no
# title of its own on X); Escape closes it.
other_window () {
  timeout 5 xdotool search --all --onlyvisible --pid "$app" 2>/dev/null | grep -v -x "$win" | head -n 1
}
shortcuts_shown () {
  [ -n "$(other_window)" ]
}
shortcuts_gone () {
  ! shortcuts_shown
}
timeout 5 xdotool key question
if wait_for 15 shortcuts_shown; then
  ok "? opens the shortcuts"
  # No window manager gives the new window the focus: the test does.
  focus_window "$(other_window)"
  timeout 5 xdotool key Escape
  wait_for 10 shortcuts_gone || diag "the shortcuts window is still open"
else
  not_ok "? opens the shortcuts"
fi
focus_window "$win"

# A stroke in the top-left corner, away from the hint.
timeout 5 xdotool key p
timeout 5 xdotool mousemove --window "$win" 80 200 mousedown 1
for i in $(seq 1 20); do
  timeout 5 xdotool mousemove --window "$win" $((80 + i * 8)) $((200 + (i % 5) * 6))
done
timeout 5 xdotool mouseup 1
if wait_for 15 hint_gone "$work/drawn.png"; then
  ok "the hint goes once something is drawn"
else
  not_ok "the hint goes once something is drawn ($(grey_pixels "$work/drawn.png") grey pixels)"
fi
keep "$work/drawn.png" hint-drawn.png

timeout 5 xdotool key ctrl+z
if wait_for 15 hint_shown "$work/undone.png"; then
  ok "the hint comes back when the board is empty again"
else
  not_ok "the hint comes back when the board is empty again ($(grey_pixels "$work/undone.png") grey pixels)"
fi

quit_cleanly "$app"

if grep -E "CRITICAL|WARNING" "$work/tafel.log" | grep -v "reported min width -3" >/dev/null; then
  not_ok "Tafel logged no warning of its own"
  grep -E "CRITICAL|WARNING" "$work/tafel.log" | grep -v "reported min width -3" | head -n 5 | sed 's/^/# /'
else
  ok "Tafel logged no warning of its own"
fi

exit $tap_failed
