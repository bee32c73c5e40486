#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every tool stays in reach on a narrow window. At 795 pixels with the
# People and Chat panels open, the tool bar was wider than the board beside
# them and Select and Pen were cut off; at a phone's 360 pixels the header
# bar alone was wider than the window. Here, at 795 px with both panels and
# at 360 px (with a panel, one at a time), each tool button must lie inside
# the window, as a screen reader reports it, and a click on it must choose
# that tool (GSettings "tool", kept in a key file).
set -u
. "$(dirname "$0")/ui-lib.sh"
need_a11y

echo "1..7"
start_display

export GSETTINGS_BACKEND=keyfile
settings="$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
mkdir -p "$(dirname "$settings")"
printf "[io/github/tafel/Tafel]\nlan-discovery=false\n" >"$settings"
mkdir -p "$XDG_CONFIG_HOME/gtk-4.0"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

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

window_width () {
  timeout 5 xdotool getwindowgeometry --shell "$win" | sed -n 's/^WIDTH=//p'
}
# resize W: the window to W pixels wide. Twice: a window narrower than
# its wide layout allows takes its narrow layout at the first request.
resize () {
  timeout 5 xdotool windowsize "$win" "$1" 720
  wait_for 5 test "$(window_width)" = "$1"
  timeout 5 xdotool windowsize "$win" "$1" 720
  wait_for 5 test "$(window_width)" = "$1"
}

# The buttons of the window, "x y w h<TAB>name" a line, as last looked up
# by look.
look () {
  a11y boxes "$app" "push button" >"$work/buttons" || : >"$work/buttons"
}
box_of () {
  awk -F'\t' -v name="$1" '$2 == name { print $1; exit }' "$work/buttons"
}

# inside NAME: the button NAME lies wholly inside the window's width (GTK
# lays a window out at least at its minimum size and lets the rest be cut
# off, so a layout too wide shows as buttons beyond the edges).
inside () {
  local x y w h width
  read -r x y w h <<<"$(box_of "$1")"
  # The width button is named after what it sets for the tool chosen.
  [ "$1" = "Stroke Width" ] && [ -z "${x:-}" ] && read -r x y w h <<<"$(box_of "Text Size")"
  width=$(window_width)
  [ -n "${x:-}" ] && [ "$x" -ge 0 ] && [ $((x + w)) -le "$width" ] && [ "$y" -ge 0 ]
}

# tools_reachable WHAT: every tool (and the header bar's buttons that only
# the board page has) inside the window, and a click on each tool chooses
# it. One TAP line.
tools_reachable () {
  local what=$1 missing=() x y w h nick
  look
  for tool in Select Pen Highlighter Eraser Line Arrow Rectangle Ellipse Text Colour "Stroke Width" \
              Undo People Chat; do
    inside "$tool" || missing+=("$tool (outside: $(box_of "$tool"))")
  done
  for tool in Select Pen Highlighter Eraser Line Arrow Rectangle Ellipse Text; do
    nick=$(echo "$tool" | tr 'A-Z' 'a-z')
    read -r x y w h <<<"$(box_of "$tool")"
    [ -n "${x:-}" ] || { missing+=("$tool (not found)"); continue; }
    timeout 5 xdotool mousemove --window "$win" $((x + w / 2)) $((y + h / 2)) click 1
    wait_for 5 grep -q "^tool='$nick'" "$settings" || missing+=("$tool (a click did not choose it)")
    # Away, so that the tooltip goes and covers no other button.
    timeout 5 xdotool mousemove --window "$win" 20 $(( $(window_width) > 400 ? 600 : 650 ))
    sleep 0.2
  done
  if [ ${#missing[@]} -eq 0 ]; then
    ok "$what: every tool is inside the window and a click chooses it"
  else
    not_ok "$what: every tool is inside the window and a click chooses it (not: ${missing[*]})"
  fi
}

# A panel is open while its toggle button is pressed (a closed panel keeps
# the size it last had in the accessibility tree).
panel_open () {
  a11y states "$app" "push button" "$1" | grep -qw -e pressed -e checked
}
open_panel () {
  panel_open "$1" && return 0
  local x y w h
  read -r x y w h <<<"$(a11y find "$app" "push button" "$1" | head -n 1)"
  timeout 5 xdotool mousemove --window "$win" $((x + w / 2)) $((y + h / 2)) click 1
  wait_for 10 panel_open "$1"
}

# ---- 795 pixels, both panels ----------------------------------------------
resize 795
open_panel People
open_panel Chat
if panel_open People && panel_open Chat; then
  ok "at 795 px the People and Chat panels are both open"
else
  not_ok "at 795 px the People and Chat panels are both open"
fi
tools_reachable "795 px, People and Chat open"
shot "$work/795.png"
keep "$work/795.png" narrow-795.png

# ---- 360 pixels ----------------------------------------------------------
# Both panels closed (F9, Ctrl+Shift+C toggle them).
focus_window "$win"
timeout 5 xdotool key F9 ctrl+shift+c
diag "People: $(a11y states "$app" "push button" People)"
no_panel () { ! panel_open People && ! panel_open Chat; }
wait_for 10 no_panel || diag "the panels did not close"
resize 360
look
if [ "$(window_width)" = 360 ] && inside Undo && inside People && inside Chat; then
  ok "the window narrows to 360 px and its header bar fits"
else
  not_ok "the window narrows to 360 px and its header bar fits (width $(window_width))"
fi
tools_reachable "360 px"
shot "$work/360.png"
keep "$work/360.png" narrow-360.png

# One panel at a time: opening Chat closes People.
open_panel People
open_panel Chat
if panel_open Chat && ! panel_open People; then
  ok "at 360 px one side panel shows at a time"
else
  not_ok "at 360 px one side panel shows at a time"
fi
shot "$work/360-chat.png"
keep "$work/360-chat.png" narrow-360-chat.png

# Wide again: everything is back in the header bar.
resize 1000
if wait_for 10 a11y_has "$app" "push button" "Redo" && a11y_has "$app" "push button" "Share"; then
  ok "wide again, Redo and Share are back in the header bar"
else
  not_ok "wide again, Redo and Share are back in the header bar"
fi

focus_window "$win"
quit_cleanly "$app"
exit $tap_failed
