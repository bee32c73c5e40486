#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Text typed in place, left every way a person leaves it: Enter, Escape, a
# click elsewhere on the board, a click on a header button (the focus goes
# there), another tool, another text box, a change from another peer
# arriving meanwhile, closing the window and quitting; each with and
# without typed text. After each, Tafel must answer at once (its main loop
# replies on D-Bus), and the board must hold exactly the texts typed,
# nothing more, nothing less (read from the board's log by board-texts).
# All traffic stays on 127.0.0.1.
set -u
. "$(dirname "$0")/ui-lib.sh"

cli="$build_root/src/cli/tafel-cli"
board_texts=${TAFEL_BOARD_TEXTS:-}
[ -x "$board_texts" ] || skip_all "the board-texts helper was not built"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || skip_all "mosquitto is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v gdbus >/dev/null || skip_all "gdbus is not installed"

echo "1..23"
start_display

pids=()
leave_cleanup () {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  ui_cleanup
}
trap leave_cleanup EXIT

# Settings outlive the app (it is started three times): no LAN beacon, no
# animations (a panel is there in the frame after the click).
export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"
export TAFEL_LOCAL_ADDRESSES=127.0.0.1
net=(--local-address 127.0.0.1 --json)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
[ "$(id -u)" = 0 ] && echo "user root" >>"$work/mosquitto.conf"
"$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" ||
  bail "mosquitto did not start: $(cat "$work/mosquitto.log")"

out=$("$cli" new --data-dir "$work/author" --title "Texts" --broker "mqtt://127.0.0.1:$port") ||
  bail "tafel-cli new failed"
board=$(echo "$out" | sed -n 1p)
link=$(echo "$out" | sed -n 2p)
data_dir="$XDG_DATA_HOME/tafel"

# One stroke another peer adds while a text is open, on screen but away
# from the texts.
printf '{"color":"#000000","width":4.0,"points":[[860,520,0.5],[900,560,0.5],[960,540,0.5]]}\n' \
  >"$work/remote.ndjson"

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}

app=
start_tafel () {
  "$tafel" "$link" >>"$work/tafel.log" 2>&1 &
  app=$!
  wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
  win=$(window_of "$app")
  focus_window "$win"
  wait_for 15 window_name_is "$win" "Texts" || bail "the board did not open"
  wait_for 20 screenshot_has_content "$win" "$work/first.png" || bail "the window shows nothing"
}

# responsive: Tafel's main loop answers a D-Bus call within 5 s. (GDBus
# runs exported objects' methods in the thread that exported them, the
# main loop; a frozen window cannot answer.)
bus_name=
responsive () {
  kill -0 "$app" 2>/dev/null || return 1
  if [ -z "$bus_name" ]; then
    bus_name=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.ListNames | grep -o "io\.github\.tafel\.Tafel[A-Za-z.]*" | head -n 1)
    [ -n "$bus_name" ] || return 1
  fi
  timeout 10 gdbus call --session --timeout 5 --dest "$bus_name" \
    --object-path "/$(echo "$bus_name" | tr . /)" --method org.gtk.Actions.List >/dev/null 2>&1
}

# The texts typed so far, one a line, as board-texts prints them.
expected=()
stored () {
  "$board_texts" "$data_dir" "$board" 2>>"$work/board-texts.log"
}
stored_as_typed () {
  [ "$(stored)" = "$(printf '%s\n' "${expected[@]}" | sed '/^$/d')" ]
}

# check WHAT: one TAP line: Tafel answers and stores exactly what was typed.
check () {
  if responsive && wait_for 15 stored_as_typed; then
    ok "$1"
  else
    not_ok "$1 (responsive: $(responsive && echo yes || echo no))"
    diag "expected: ${expected[*]}"
    stored | sed 's/^/# stored: /'
    tail -n 5 "$work/tafel.log" | sed 's/^/# /'
  fi
}

# Where the boxes open: two columns of rows on the board, below the tool
# bar, clear of the zoom buttons and of the remote stroke.
slot=0
next_spot () {
  local col=$((slot / 10)) row=$((slot % 10))
  spot_x=$((90 + col * 310))
  spot_y=$((150 + row * 48))
  slot=$((slot + 1))
}

# open_box [TEXT]: the text tool, a click on an empty spot, TEXT typed.
open_box () {
  next_spot
  timeout 5 xdotool key t
  timeout 5 xdotool mousemove --window "$win" "$spot_x" "$spot_y" click 1
  if [ -n "${1:-}" ]; then
    timeout 10 xdotool type --delay 15 "$1"
  fi
}

# Window coordinates of what the tests click: the pen in the tool bar (the
# second tool; the bar is centred at the top of the board) and the People
# button in the header bar (a toggle that takes the focus when clicked).
geometry=
pen_x= pen_y=85
people_x= people_y=28
measure_window () {
  local width
  geometry=$(xdotool getwindowgeometry --shell "$win")
  width=$(echo "$geometry" | sed -n 's/^WIDTH=//p')
  pen_x=$((width / 2 - 157))
  people_x=$((width - 262))
}

start_tafel
measure_window
ok "Tafel opens the board"

# A German keyboard, so that xdotool types ö and ß as keys of the layout:
# a keysym it has to map in first arrives too late for GTK. (Set while
# Tafel runs: GTK follows the change; set before, xdotool's mapping still
# loses them here.)
umlauts="Größe"
if ! timeout 10 setxkbmap de >/dev/null 2>&1; then
  umlauts="Grosse"
  diag "setxkbmap de failed: the text beyond ASCII is typed as ASCII"
fi

# ---- Enter and Escape -------------------------------------------------------

open_box "Enter one"
timeout 5 xdotool key Return
expected+=("Enter one")
check "Enter stores the text"

open_box
timeout 5 xdotool key Return
check "Enter on an empty box stores nothing"

open_box "Escape two"
timeout 5 xdotool key Escape
expected+=("Escape two")
check "Escape keeps what was typed"

open_box
timeout 5 xdotool key Escape
check "Escape on an empty box stores nothing"

# Shift+Enter starts a second line; letters beyond ASCII stay what they are.
open_box "Zwei"
timeout 5 xdotool key shift+Return
timeout 10 xdotool type --delay 15 "$umlauts"
timeout 5 xdotool key Return
expected+=("Zwei\\n$umlauts")
check "Shift+Enter starts a new line, and the text is stored as typed"

# ---- Clicks elsewhere -------------------------------------------------------

# On the board, with the text tool: the text is stored and a new box opens
# where the click landed (left with Escape, empty).
open_box "Click three"
next_spot
timeout 5 xdotool mousemove --window "$win" "$spot_x" "$spot_y" click 1
timeout 5 xdotool key Escape
expected+=("Click three")
check "a click elsewhere on the board stores the text"

open_box
next_spot
timeout 5 xdotool mousemove --window "$win" "$spot_x" "$spot_y" click 1
timeout 5 xdotool key Escape
check "a click elsewhere on the board leaves an empty box"

# On a header button, which takes the keyboard focus: this is what froze
# Tafel (the box went away while GTK moved the focus out of it).
open_box "Header four"
timeout 5 xdotool mousemove --window "$win" "$people_x" "$people_y" click 1
expected+=("Header four")
check "a click on a header button stores the text"
timeout 5 xdotool mousemove --window "$win" "$people_x" "$people_y" click 1

open_box
timeout 5 xdotool mousemove --window "$win" "$people_x" "$people_y" click 1
check "a click on a header button leaves an empty box"
timeout 5 xdotool mousemove --window "$win" "$people_x" "$people_y" click 1

# ---- Another tool, another box ----------------------------------------------

open_box "Tool five"
timeout 5 xdotool mousemove --window "$win" "$pen_x" "$pen_y" click 1
expected+=("Tool five")
check "switching the tool stores the text"

open_box
timeout 5 xdotool mousemove --window "$win" "$pen_x" "$pen_y" click 1
check "switching the tool leaves an empty box"

open_box "Box six"
next_spot
timeout 5 xdotool mousemove --window "$win" "$spot_x" "$spot_y" click 1
timeout 10 xdotool type --delay 15 "Box seven"
timeout 5 xdotool key Return
expected+=("Box six" "Box seven")
check "opening another box stores the first text, then the second"

open_box
next_spot
timeout 5 xdotool mousemove --window "$win" "$spot_x" "$spot_y" click 1
next_spot
timeout 5 xdotool mousemove --window "$win" "$spot_x" "$spot_y" click 1
timeout 5 xdotool key Escape
check "opening boxes without typing stores nothing"

# ---- A change from another peer arrives meanwhile ---------------------------

# remote_draw NAME: another peer adds a stroke; returns once Tafel has it.
remote_draw () {
  "$cli" draw "$link" --data-dir "$work/$1" --trace "$work/remote.ndjson" --peers 1 --timeout 90 \
    "${net[@]}" >"$work/$1.log" 2>&1
}

open_box "Remote"
if remote_draw drawer1; then
  ok "another peer's stroke reaches Tafel while a text is typed"
else
  not_ok "another peer's stroke reaches Tafel while a text is typed"
  tail -n 20 "$work/drawer1.log" | sed 's/^/# /'
fi
timeout 10 xdotool type --delay 15 " eight"
timeout 5 xdotool key Return
expected+=("Remote eight")
check "the text typed before and after a remote change is stored"

open_box
if ! remote_draw drawer2; then
  diag "the second remote stroke did not arrive:"
  tail -n 3 "$work/drawer2.log" | sed 's/^/# /'
fi
timeout 5 xdotool key Escape
check "an empty box left after a remote change stores nothing"

# ---- Closing the window and quitting ----------------------------------------

# closes KEY WHAT: KEY closes Tafel's only window; Tafel exits with status 0.
closes () {
  timeout 5 xdotool key "$1"
  wait_exit "$app" 20
  if [ "$wait_status" = 0 ]; then
    ok "$2 ends Tafel with status 0"
  else
    not_ok "$2 ends Tafel with status 0 (got $wait_status)"
    tail -n 20 "$work/tafel.log" | sed 's/^/# /'
  fi
}

open_box "Closing nine"
closes ctrl+w "closing the window with a text open"
expected+=("Closing nine")
if wait_for 15 stored_as_typed; then
  ok "closing the window stores the text"
else
  not_ok "closing the window stores the text"
  stored | sed 's/^/# stored: /'
fi

# Started again, Tafel shows the whole board: the view moves down, past
# the texts, before the next box opens.
away () {
  timeout 5 xdotool mousemove --window "$win" 500 400
  for i in $(seq 1 20); do timeout 5 xdotool click 5; done
}

start_tafel
away
open_box
closes ctrl+w "closing the window with an empty box"

start_tafel
away
open_box "Quit ten"
closes ctrl+q "quitting with a text open"
expected+=("Quit ten")
if wait_for 15 stored_as_typed; then
  ok "quitting stores the text, and every text is there as typed"
else
  not_ok "quitting stores the text, and every text is there as typed"
  diag "expected: ${expected[*]}"
  stored | sed 's/^/# stored: /'
fi

if grep -E "CRITICAL|WARNING" "$work/tafel.log" >/dev/null; then
  not_ok "Tafel logged no warning"
  grep -E -m 5 "CRITICAL|WARNING" "$work/tafel.log" | sed 's/^/# /'
else
  ok "Tafel logged no warning"
fi

exit $tap_failed
