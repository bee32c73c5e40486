#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Zoom to fit shows all of the board in the part of the window that is in
# sight: nothing of it under the floating tool bar or the zoom buttons. A
# rectangle as large as the window is drawn, the view zoomed to fit, and
# its four sides measured on a screenshot: each as long as the side
# across from it, so no part of one hides under anything.
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..7"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

ink="#1c71d8"

"$tafel" >"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
timeout 5 xdotool key ctrl+n

geometry=$(xdotool getwindowgeometry --shell "$win")
width=$(echo "$geometry" | sed -n 's/^WIDTH=//p')
height=$(echo "$geometry" | sed -n 's/^HEIGHT=//p')
# Everything below the header bar.
area="${width}x$((height - 56))+0+56"

board_shown () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1" "420x50+340+60")" -ge 150 ]
}
if wait_for 15 board_shown "$work/board.png"; then
  ok "a new board opens"
else
  not_ok "a new board opens"
fi

# A rectangle from the top-left of the board to its bottom-right corner,
# left of the tool bar and over the zoom buttons: the shape of the board.
timeout 5 xdotool key r
timeout 5 xdotool mousemove --window "$win" 30 80 mousedown 1
for i in $(seq 1 20); do
  timeout 5 xdotool mousemove --window "$win" $((30 + i * (width - 60) / 20)) $((80 + i * (height - 100) / 20))
done
timeout 5 xdotool mouseup 1

# The select tool: the colour button in the tool bar then shows no ink.
timeout 5 xdotool key v
has_ink () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1")" -ge 500 ]
}
wait_for 15 has_ink "$work/drawn.png" || bail "the rectangle was not drawn"

# settled_shot PNG: screenshots until the ink stops changing (bounded).
settled_shot () {
  local last=-1 now
  for _ in $(seq 1 50); do
    shot "$1"
    now=$(ink_pixels "$1")
    [ "$now" = "$last" ] && [ "$now" -gt 0 ] && return 0
    last=$now
    sleep 0.1
  done
  return 1
}

timeout 5 xdotool key shift+1
# The view changes once: wait for the ink to move, then for it to settle.
before=$(ink_pixels "$work/drawn.png")
moved () {
  shot "$work/fitted.png" || return 1
  [ "$(ink_pixels "$work/fitted.png")" != "$before" ]
}
wait_for 15 moved
settled_shot "$work/fitted.png"
keep "$work/fitted.png" zoom-fit.png

# sides_whole PNG WHEN: two TAP lines: the rectangle's opposite sides
# show as much ink as each other.
sides_whole () {
  local w h x y top bottom left right
  read -r w h x y <<<"$(convert "$1" -crop "$area" +repage -fuzz 20% -fill black +opaque "$ink" \
    -fill white -opaque "$ink" -format '%@' info: 2>/dev/null | sed 's/[x+]/ /g')"
  y=$((y + 56))
  diag "$2: the rectangle is ${w}x${h}+${x}+${y}"
  top=$(ink_pixels "$1" "${w}x4+${x}+${y}")
  bottom=$(ink_pixels "$1" "${w}x4+${x}+$((y + h - 4))")
  left=$(ink_pixels "$1" "4x${h}+${x}+${y}")
  right=$(ink_pixels "$1" "4x${h}+$((x + w - 4))+${y}")
  if same "$top" "$bottom"; then
    ok "$2: the top and bottom sides show whole (nothing under the tool bar or the zoom buttons)"
  else
    not_ok "$2: the top and bottom sides show whole (top $top, bottom $bottom ink pixels)"
  fi
  if same "$left" "$right"; then
    ok "$2: the left and right sides show whole"
  else
    not_ok "$2: the left and right sides show whole (left $left, right $right ink pixels)"
  fi
}

# same A B: A and B within 3 % of each other, and not nothing.
same () {
  [ "$1" -gt 100 ] && [ "$2" -gt 100 ] && [ $(( $1 * 100 )) -ge $(( $2 * 97 )) ] && [ $(( $2 * 100 )) -ge $(( $1 * 97 )) ]
}

sides_whole "$work/fitted.png" "zoom to fit"
quit_cleanly "$app"

# Started again, Tafel opens the board fitted the same way, once the tool
# bar and the zoom buttons have their places.
"$tafel" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
wait_for 15 has_ink "$work/reopened.png" || bail "the board did not open again"
settled_shot "$work/reopened.png"
keep "$work/reopened.png" zoom-fit-reopened.png
sides_whole "$work/reopened.png" "opened again"
quit_cleanly "$app"

exit $tap_failed
