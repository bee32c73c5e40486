#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Space + drag pans the board whatever has the keyboard focus in the
# window, and never activates a button. A header button takes the focus
# when it is clicked (People) or when its menu closes (the main menu, after
# F10 and Escape); Space used to activate it: People closed, the main menu
# opened, and a second Space chose its first item, New Board. Here a stroke
# is drawn, a header button gets the focus, and Space + drag must move the
# stroke by the drag, draw nothing, open no menu and leave the board shown.
set -u
. "$(dirname "$0")/ui-lib.sh"
need_a11y

echo "1..9"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf "[io/github/tafel/Tafel]\nlan-discovery=false\ntool='pen'\n" \
  >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
mkdir -p "$XDG_CONFIG_HOME/gtk-4.0"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"
# The default pen colour.
ink="#1c71d8"

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
wait_for 20 a11y_has "$app" "push button" "Pen" || bail "the tool bar is not shown"

# The canvas's part of the window, away from the tool bar and the zoom bar.
area="600x400+100+200"

# ink_box PNG: "pixels x y" of the ink in $area: how many, and where the
# top left corner of what they cover is.
ink_box () {
  convert "$1" -crop "$area" +repage -fuzz 20% -fill black +opaque "$ink" -fill white -opaque "$ink" \
    "$work/mask.png" 2>/dev/null || return 1
  echo "$(convert "$work/mask.png" -format '%[fx:round(mean*w*h)]' info: 2>/dev/null)" \
    "$(convert "$work/mask.png" -trim -format '%X %Y' info: 2>/dev/null | sed 's/+//g')"
}

# A stroke, drawn with the pen: a small zigzag.
timeout 5 xdotool mousemove --window "$win" 300 350 mousedown 1
for i in $(seq 1 20); do
  timeout 5 xdotool mousemove --window "$win" $((300 + i * 5)) $((350 + (i % 2) * 12))
done
timeout 5 xdotool mouseup 1
has_stroke () {
  shot "$work/stroke.png" || return 1
  read -r n _ _ <<<"$(ink_box "$work/stroke.png")"
  [ "${n:-0}" -ge 80 ]
}
wait_for 15 has_stroke || bail "the pen drew nothing"
keep "$work/stroke.png" space-pan-stroke.png

# space_drag DX DY: holds Space, drags from the canvas's middle by DX, DY
# in small steps, lets go of both.
space_drag () {
  local x=400 y=300 steps=10
  timeout 5 xdotool keydown space
  timeout 5 xdotool mousemove --window "$win" $x $y mousedown 1
  for i in $(seq 1 $steps); do
    timeout 5 xdotool mousemove --window "$win" $((x + $1 * i / steps)) $((y + $2 * i / steps))
  done
  timeout 5 xdotool mouseup 1
  timeout 5 xdotool keyup space
}

# check_pan WHAT DX DY BEFORE.png: the stroke of BEFORE.png, moved by DX,
# DY, with as much ink as before (a drag that draws adds ink).
check_pan () {
  local what=$1 dx=$2 dy=$3 n0 x0 y0 n1 x1 y1
  read -r n0 x0 y0 <<<"$(ink_box "$4")"
  moved () {
    shot "$work/after.png" || return 1
    read -r n1 x1 y1 <<<"$(ink_box "$work/after.png")"
    [ "${x1:-0}" -ge $((x0 + dx - 3)) ] && [ "${x1:-0}" -le $((x0 + dx + 3)) ] &&
      [ "${y1:-0}" -ge $((y0 + dy - 3)) ] && [ "${y1:-0}" -le $((y0 + dy + 3)) ]
  }
  if wait_for 10 moved; then
    ok "$what: Space + drag pans the board by the drag (ink at $x0,$y0 → $x1,$y1)"
  else
    not_ok "$what: Space + drag pans the board by the drag (ink at $x0,$y0 → ${x1:-?},${y1:-?}, wanted +$dx,+$dy)"
  fi
  if [ "${n1:-0}" -le $((n0 + n0 / 5)) ]; then
    ok "$what: Space + drag draws nothing ($n0 → $n1 ink pixels)"
  else
    not_ok "$what: Space + drag draws nothing ($n0 → $n1 ink pixels)"
  fi
  cp "$work/after.png" "$4"
}

# The People button, clicked: it opens the people panel and has the focus.
read -r px py pw ph <<<"$(a11y find "$app" "push button" "People" | head -n 1)"
timeout 5 xdotool mousemove --window "$win" $((px + pw / 2)) $((py + ph / 2)) click 1
people_open () { a11y_has "$app" "list" "People on This Board"; }
wait_for 10 people_open || bail "the People button opened no panel"
shot "$work/before.png"
space_drag 60 40
check_pan "People button focused" 60 40 "$work/before.png"
keep "$work/after.png" space-pan-people.png
if people_open; then
  ok "Space leaves the People button alone: the panel stays open"
else
  not_ok "Space leaves the People button alone: the panel stays open"
fi

# The main menu: F10 opens it, Escape closes it and leaves the focus on
# its button. Space twice (each a pan) must neither open it nor pick New
# Board.
timeout 5 xdotool key F10
menu_open () { a11y_has "$app" "menu item" "New Board"; }
wait_for 10 menu_open || diag "F10 showed no menu"
timeout 5 xdotool key Escape
menu_closed () { ! menu_open; }
wait_for 10 menu_closed
space_drag -50 30
check_pan "main menu button focused" -50 30 "$work/before.png"
space_drag 20 -20
if menu_closed; then
  ok "Space opens no menu"
else
  not_ok "Space opens no menu"
  timeout 5 xdotool key Escape
fi
# The board is still the one shown (not a new one from the menu), and its
# stroke is still there.
boards=$(ls "$XDG_DATA_HOME/tafel/boards" 2>/dev/null | wc -l)
if [ "$boards" = 1 ] && has_stroke; then
  ok "Space opens no new board (1 board, the stroke is shown)"
else
  not_ok "Space opens no new board ($boards boards)"
fi

# Space still types a space where text is typed: the rename field.
timeout 5 xdotool key F2
wait_for 10 a11y_has "$app" "text" "" || true
timeout 5 xdotool key ctrl+a
timeout 5 xdotool type --delay 30 "Two words"
timeout 5 xdotool key Return
if wait_for 10 window_name_is "$win" "Two words"; then
  ok "Space types a space in a text field (the board is renamed “Two words”)"
else
  not_ok "Space types a space in a text field (the window is “$(xdotool getwindowname "$win")”)"
fi

focus_window "$win"
quit_cleanly "$app"

exit $tap_failed
