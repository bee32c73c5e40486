#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Without a D-Bus session bus Tafel starts anyway and says why in one line:
# with the bus address pointing nowhere, and pointing at a socket that
# takes the connection and never answers (Tafel used to wait on it for
# ever, with no window and no word). Started as a person would start it:
# with the accessibility bridge on, which looks for its bus through the
# session bus. A chat message while the window is not focused raises no
# desktop notification then (there is no server to reach), and nothing
# complains (the tests run with fatal warnings).
set -u
. "$(dirname "$0")/ui-lib.sh"

cli="$build_root/src/cli/tafel-cli"
command -v python3 >/dev/null || skip_all "python3 is not installed"

echo "1..9"
start_display
unset GTK_A11Y NO_AT_BRIDGE

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

pids=()
no_bus_cleanup () {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  ui_cleanup
}
trap no_bus_cleanup EXIT

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}

# start_without_bus ADDRESS LOG: starts Tafel with the session bus at
# ADDRESS; sets app and win, or reports that no window came.
start_without_bus () {
  DBUS_SESSION_BUS_ADDRESS=$1 "$tafel" "${@:3}" >"$2" 2>&1 &
  app=$!
  win=
  # The deadline of the bus check (5 s) and a start on a busy machine.
  wait_for 40 window_of "$app" && win=$(window_of "$app")
}

# says_why LOG: the log is one line, which says there is no session bus.
says_why () {
  [ "$(wc -l <"$1")" = 1 ] && grep -q "^tafel: no D-Bus session bus (.*); starting anyway" "$1"
}

# ---- The address points nowhere -------------------------------------------
start_without_bus "unix:path=$work/nobody-here" "$work/nowhere.log"
if [ -n "$win" ]; then
  ok "bus address pointing nowhere: the window shows"
else
  not_ok "bus address pointing nowhere: the window shows"
fi
if says_why "$work/nowhere.log"; then
  ok "bus address pointing nowhere: one line says why ($(cat "$work/nowhere.log"))"
else
  not_ok "bus address pointing nowhere: one line says why"
  sed 's/^/# /' "$work/nowhere.log"
fi
if [ -n "$win" ]; then
  focus_window "$win"
  timeout 5 xdotool key ctrl+n
  if wait_for 20 window_name_is "$win" "Untitled Board"; then
    ok "bus address pointing nowhere: Ctrl+N opens a board"
  else
    not_ok "bus address pointing nowhere: Ctrl+N opens a board"
  fi
  shot "$work/nowhere.png"
  keep "$work/nowhere.png" no-bus.png
  cp "$work/nowhere.log" "$work/tafel.log"
  quit_cleanly "$app"
else
  not_ok "bus address pointing nowhere: Ctrl+N opens a board (no window)"
  not_ok "Ctrl+Q quits with status 0 (no window)"
  kill -9 "$app" 2>/dev/null
fi

# ---- A bus that never answers ------------------------------------------------
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
print("listening", flush=True)
time.sleep(600)
' "$work/deaf" >"$work/deaf.out" 2>&1 &
pids+=($!)
wait_for 10 grep -q listening "$work/deaf.out" || bail "the deaf socket did not start"
start_without_bus "unix:path=$work/deaf" "$work/deaf.log"
if [ -n "$win" ]; then
  ok "a bus that never answers: the window shows"
else
  not_ok "a bus that never answers: the window shows"
fi
if says_why "$work/deaf.log" && grep -q "did not answer" "$work/deaf.log"; then
  ok "a bus that never answers: one line says why ($(cat "$work/deaf.log"))"
else
  not_ok "a bus that never answers: one line says why"
  sed 's/^/# /' "$work/deaf.log"
fi
if [ -n "$win" ]; then
  focus_window "$win"
  cp "$work/deaf.log" "$work/tafel.log"
  quit_cleanly "$app"
else
  not_ok "Ctrl+Q quits with status 0 (no window)"
  kill -9 "$app" 2>/dev/null
fi

# ---- A chat message while the window is not focused ------------------------
# A window loses the focus only where a window manager says so (see
# test-together.sh); a broker on loopback brings the message.
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if ! command -v metacity >/dev/null 2>&1 || [ ! -x "$mosquitto" ]; then
  ok "# SKIP a chat message while unfocused, without a bus, counted by the badge: needs metacity and mosquitto"
  ok "# SKIP a chat message while unfocused, without a bus, tries no notification: needs metacity and mosquitto"
  exit $tap_failed
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
[ "$(id -u)" = 0 ] && echo "user root" >>"$work/mosquitto.conf"
"$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" ||
  bail "mosquitto did not start: $(cat "$work/mosquitto.log")"
export TAFEL_LOCAL_ADDRESSES=127.0.0.1
net=(--local-address 127.0.0.1 --json)
out=$("$cli" new --data-dir "$work/author" --title "Quiet" --broker "mqtt://127.0.0.1:$port") ||
  bail "tafel-cli new failed"
link=$(echo "$out" | sed -n 2p)

start_without_bus "unix:path=$work/nobody-here" "$work/tafel.log" "$link"
[ -n "$win" ] || bail "no window for the link"
wait_for 20 window_name_is "$win" "Quiet" || bail "the link did not open its board"
wm_runs () { timeout 5 xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q "window id"; }
GSETTINGS_BACKEND=memory metacity --sm-disable >"$work/metacity.log" 2>&1 &
pids+=($!)
wait_for 10 wm_runs || bail "metacity did not start: $(cat "$work/metacity.log")"
wait_for 10 sh -c "xprop -id $win _NET_WM_STATE | grep -q _NET_WM_STATE_FOCUSED" || focus_window "$win"
root=$(timeout 5 xdotool search --maxdepth 0 --name "" | head -n 1)
timeout 5 xdotool windowfocus "$root"
wait_for 10 sh -c "! xprop -id $win _NET_WM_STATE | grep -q _NET_WM_STATE_FOCUSED" ||
  diag "the window manager keeps the focus on the window"
# The message arrives: the Chat button's unread badge counts it, in the
# accent colour of an unfocused window's header bar.
accent="#98bfef"
width=$(xdotool getwindowgeometry --shell "$win" | sed -n 's/^WIDTH=//p')
header="${width}x46+0+0"
colour_pixels () {
  convert "$1" -crop "$2" +repage -fuzz 12% -fill black +opaque "$3" -fill white -opaque "$3" \
    -format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}
shot "$work/no-badge.png"
no_badge=$(colour_pixels "$work/no-badge.png" "$header" "$accent")
has_badge () {
  shot "$work/badge.png" || return 1
  [ "$(colour_pixels "$work/badge.png" "$header" "$accent")" -ge $((no_badge + 30)) ]
}
"$cli" chat "$link" --data-dir "$work/author" --message "Anyone?" \
  --peers 1 --timeout 90 "${net[@]}" >"$work/chat.log" 2>&1 ||
  sed "s/^/# chat: /" "$work/chat.log"
if wait_for 20 has_badge; then
  ok "a chat message while unfocused, without a bus: the unread badge counts it"
else
  not_ok "a chat message while unfocused, without a bus: the unread badge counts it"
fi
keep "$work/badge.png" no-bus-badge.png
# The message was handled (the badge shows it): Tafel is still there, and
# its log still holds only the one line.
if kill -0 "$app" 2>/dev/null && [ "$(wc -l <"$work/tafel.log")" = 1 ]; then
  ok "a chat message while unfocused, without a bus: no notification is tried, nothing is logged"
else
  not_ok "a chat message while unfocused, without a bus: no notification is tried, nothing is logged"
  sed 's/^/# /' "$work/tafel.log" | head -n 20
fi
kill "$app" 2>/dev/null
exit $tap_failed
