#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The pen works right under the tool bar. The selection bar below the tool
# bar is a GtkRevealer that is hidden until something is selected; as a
# crossfading revealer it kept its size while hidden, and that invisible
# strip swallowed every press just below the tool bar (fixed by sliding it
# instead). Here a stroke starts a few pixels below the tool bar, in the
# middle where the hidden bar would be, and its ink must be on the canvas
# there.
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..5"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

# The default ink (GSettings pen-color): the pen tool and the colour button
# of the tool bar show it too.
ink="#1c71d8"

"$tafel" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"

# toolbar_ink PNG: the lowest row, in the top 200 pixels of the window,
# with ink-coloured pixels in the middle third: on an empty board the only
# ink there is the tool bar's (the selected pen and the colour button).
toolbar_ink () {
  local w
  w=$(convert "$1" -format '%w' info: 2>/dev/null) || return 1
  convert "$1" -crop "$((w / 3))x200+$((w / 3))+0" +repage -fuzz 20% \
    -fill black +opaque "$ink" -fill white -opaque "$ink" \
    -scale '1x200!' txt:- 2>/dev/null |
    awk -F'[,:() ]+' '/^[0-9]/ && $3 > 0 { bottom = $2 } END { if (bottom == "") exit 1; print bottom }'
}

board_ready () {
  shot "$1" || return 1
  toolbar_ink "$1" >/dev/null
}

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}

timeout 5 xdotool key ctrl+n
if wait_for 20 window_name_is "$win" "Untitled Board" && wait_for 20 board_ready "$work/empty.png"; then
  ok "a new board shows its tool bar"
else
  not_ok "a new board shows its tool bar"
  sed 's/^/# /' "$work/tafel.log"
fi
keep "$work/empty.png" toolbar-edge-empty.png

# Where the tool bar ends, measured, not assumed: below its buttons' ink,
# down the window's middle column, its frame is a grey line and a fading
# shadow on white; the end is the last of those grey rows.
# The tool bar is centred in the window.
centre=$(( $(convert "$work/empty.png" -format '%w' info: 2>/dev/null || echo 1100) / 2 + 1 ))
ink_bottom=$(toolbar_ink "$work/empty.png" || echo 0)
toolbar_end=$(convert "$work/empty.png" -crop "1x40+$centre+$ink_bottom" +repage txt:- 2>/dev/null |
  awk -F'[,:() ]+' -v top="$ink_bottom" '
    /^[0-9]/ { grey = $3 < 250 }
    /^[0-9]/ && grey { seen = 1; last = top + $2 }
    /^[0-9]/ && !grey && seen { exit }
    END { print last + 0 }')
diag "the tool bar's buttons end at y=$ink_bottom, its frame at y=$toolbar_end"
if [ "$ink_bottom" -gt 40 ] && [ "$toolbar_end" -gt "$ink_bottom" ] && [ "$toolbar_end" -lt $((ink_bottom + 30)) ]; then
  ok "the tool bar's lower edge is found (y=$toolbar_end)"
else
  not_ok "the tool bar's lower edge is found (buttons end at y=$ink_bottom, frame at y=$toolbar_end)"
fi

# A stroke that starts 8 pixels below the tool bar, in its middle (where the
# hidden selection bar is centred, below the 8 pixels between the two
# bars), and goes down and across, pressed and moved in small steps.
start_y=$((toolbar_end + 8))
x=$centre
timeout 5 xdotool mousemove --window "$win" $x $start_y mousedown 1
for i in $(seq 1 40); do
  timeout 5 xdotool mousemove --window "$win" $((x + (i % 8) * 5 - 20)) $((start_y + i * 4))
done
timeout 5 xdotool mouseup 1

# Its first pixels: the 16 rows from where it was pressed.
start_area="100x16+$((x - 50))+$start_y"
# All of it.
stroke_area="100x180+$((x - 50))+$start_y"

has_ink () {
  shot "$1" || return 1
  [ "$(ink_pixels "$1" "$stroke_area")" -ge 100 ]
}

if wait_for 15 has_ink "$work/drawn.png"; then
  ok "a stroke started just below the tool bar is drawn ($(ink_pixels "$work/drawn.png" "$stroke_area") ink pixels)"
else
  not_ok "a stroke started just below the tool bar is drawn ($(ink_pixels "$work/drawn.png" "$stroke_area") ink pixels)"
fi
keep "$work/drawn.png" toolbar-edge-drawn.png

start_ink=$(ink_pixels "$work/drawn.png" "$start_area")
if [ "${start_ink:-0}" -ge 20 ]; then
  ok "its ink begins where it was pressed, under the tool bar ($start_ink ink pixels in the first 16 rows)"
else
  not_ok "its ink begins where it was pressed, under the tool bar (${start_ink:-0} ink pixels in the first 16 rows)"
fi

quit_cleanly "$app"

exit $tap_failed
