#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The text box grows with its text: while a text is typed, all of it shows,
# as large as the board then draws it (no last few letters in a tiny box,
# no tops of letters cut off), at two zoom levels and over two lines. The
# ink of the text being typed is measured on a screenshot and compared
# with the ink of the same text once stored.
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..8"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
# No caret blinking: a screenshot shows the caret or not by chance.
printf '[Settings]\ngtk-enable-animations=false\ngtk-cursor-blink=false\n' \
  >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

# The default ink (GSettings pen-color), which text takes too.
ink="#1c71d8"
# The board below the tool bar, above the zoom buttons.
area="1000x520+40+130"

"$tafel" >"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
timeout 5 xdotool key ctrl+n

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}
# board_shown PNG: the board page, faded in: the colour button in the tool
# bar shows the ink.
board_shown () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1" "420x50+340+60")" -ge 150 ]
}
if wait_for 15 window_name_is "$win" "Untitled Board" && wait_for 15 board_shown "$work/board.png"; then
  ok "a new board opens"
else
  not_ok "a new board opens"
fi

# ink_box PNG [AREA]: the box around the ink in AREA ($area unless given),
# as "WIDTH HEIGHT X Y" in window coordinates ("0 0 0 0" when there is none).
ink_box () {
  local crop=${2:-$area} n w h x y cx cy
  n=$(ink_pixels "$1" "$crop")
  if [ "${n:-0}" -lt 10 ]; then
    echo "0 0 0 0"
    return
  fi
  read -r w h x y <<<"$(convert "$1" -crop "$crop" +repage -fuzz 20% -fill black +opaque "$ink" \
    -fill white -opaque "$ink" -format '%@' info: 2>/dev/null | sed 's/[x+]/ /g')"
  read -r _ _ cx cy <<<"$(echo "$crop" | sed 's/[x+]/ /g')"
  echo "$w $h $((x + cx)) $((y + cy))"
}

# text_box PNG: the box around the ink of the text being typed, without
# the caret (a line as tall as the text's line at the end of the last
# line, the right edge of the text): the ink left of the right-most 5
# pixel columns.
text_box () {
  local w h x y
  read -r w h x y <<<"$(ink_box "$1")"
  if [ "$w" -le 5 ]; then
    echo "0 0 0 0"
    return
  fi
  ink_box "$1" "$((w - 5))x${h}+${x}+${y}"
}

# no_ink PNG: a fresh screenshot without ink.
no_ink () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1")" -le 5 ]
}

# settled_shot PNG: screenshots until the ink stops changing between two
# (the last letter typed, or the stored text, is drawn), bounded.
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

# typed_as_stored NAME TEXT…: types TEXT (several arguments are lines) in
# a new box, and compares the ink while typing with the ink once stored:
# two TAP lines. Undo takes the text away again.
typed_as_stored () {
  local name=$1 first=1 tw th tx ty sw sh sx sy line
  shift
  timeout 5 xdotool key t
  timeout 5 xdotool mousemove --window "$win" 90 200 click 1
  for line in "$@"; do
    [ "$first" = 1 ] || timeout 5 xdotool key shift+Return
    timeout 10 xdotool type --delay 15 "$line"
    first=0
  done
  settled_shot "$work/$name-typing.png"
  keep "$work/$name-typing.png" "text-box-$name-typing.png"
  read -r tw th tx ty <<<"$(text_box "$work/$name-typing.png")"

  timeout 5 xdotool key Return
  settled_shot "$work/$name-stored.png"
  keep "$work/$name-stored.png" "text-box-$name-stored.png"
  read -r sw sh sx sy <<<"$(ink_box "$work/$name-stored.png")"
  diag "$name: typing ${tw}x${th}+${tx}+${ty}, stored ${sw}x${sh}+${sx}+${sy}"

  # Without its right-most 5 columns, the text being typed is up to 5
  # pixels narrower.
  if [ "$sw" -gt 20 ] && [ "$tw" -ge $((sw - 8)) ] && [ "$tw" -le $((sw + 2)) ] &&
     [ "$tx" -ge $((sx - 2)) ] && [ "$tx" -le $((sx + 2)) ]; then
    ok "$name: the whole width of the text shows while it is typed"
  else
    not_ok "$name: the whole width of the text shows while it is typed (${tw} px of ${sw} px)"
  fi
  if [ "$sh" -gt 10 ] && [ "$th" -ge $((sh - 2)) ] && [ "$th" -le $((sh + 2)) ] &&
     [ "$ty" -ge $((sy - 2)) ] && [ "$ty" -le $((sy + 2)) ]; then
    ok "$name: the whole height of the text shows while it is typed, where it is stored"
  else
    not_ok "$name: the whole height of the text shows while it is typed, where it is stored (${th} px of ${sh} px, top ${ty} and ${sy})"
  fi

  timeout 5 xdotool key ctrl+z
  wait_for 15 no_ink "$work/$name-undone.png"
}

timeout 5 xdotool key ctrl+0
typed_as_stored "at 100 %" "Quick brown foxes jump, typing gently"
typed_as_stored "two lines" "Above the line" "and gjpqy below it"

# 300 %: the text at 72 pixels.
for _ in 1 2 3 4; do timeout 5 xdotool key ctrl+plus; done
typed_as_stored "at 300 %" "Jumpy fox"

quit_cleanly "$app"

exit $tap_failed
