#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tafel online, end to end, with a real X server, a real mosquitto on
# loopback and tafel-cli peers: Tafel joins a board by its invite link
# (`tafel tafel://…`), finds the board's seed peer through the broker, shows
# who is there, draws the strokes another peer adds, shows a chat message
# with an unread badge and in the chat panel, and shows the link as a QR
# code. A second `tafel LINK` hands the link to the
# running Tafel. All traffic stays on 127.0.0.1.
set -u
. "$(dirname "$0")/ui-lib.sh"

cli="$build_root/src/cli/tafel-cli"
presence_peer=${TAFEL_PRESENCE_PEER:-}
[ -x "$presence_peer" ] || skip_all "the presence-peer helper was not built"
notification_sink=${TAFEL_NOTIFICATION_SINK:-}
[ -x "$notification_sink" ] || skip_all "the notification-sink helper was not built"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || skip_all "mosquitto is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"
shared=${TAFEL_SHARED_DATA:-}

echo "1..21"
start_display

pids=()
together_cleanup () {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  ui_cleanup
}
trap together_cleanup EXIT

# The settings live in this test's XDG_CONFIG_HOME: a name and a green of
# our own (no other colour of the test is near it). No LAN beacon: its
# multicast would leave loopback. Links use loopback only.
export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf "[io/github/tafel/Tafel]\nlan-discovery=false\ndisplay-name='Tess Tester'\ncolor='#26a269'\n" \
  >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
export TAFEL_LOCAL_ADDRESSES=127.0.0.1
net=(--local-address 127.0.0.1 --json)
# Panels appear in the frame that follows the key, not after a slide: a
# screenshot then shows either the old state or the new one.
mkdir -p "$XDG_CONFIG_HOME/gtk-4.0"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

start_mosquitto
pids+=("$mosquitto_pid")

# A board made elsewhere, with the broker in its link; a seed peer keeps it
# online (started once Tafel shows who is there before it).
out=$("$cli" new --data-dir "$work/author" --title "Together" --broker "mqtt://127.0.0.1:$port") ||
  bail "tafel-cli new failed"
link=$(echo "$out" | sed -n 2p)

# dark_pixels PNG AREA: pixels of AREA darker than a quarter grey: ink and
# text, not the grid, not dimmed labels.
dark_pixels () {
  convert "$1" -crop "$2" +repage -colorspace Gray -threshold 25% -negate \
    -format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}

# thin_dark_pixels PNG: dark pixels of the whole picture that belong to
# small shapes (what an opening with a 13×13 square takes away): the modules
# of a QR code, lines, text; not large dark areas (under Xvfb, with no
# compositor, a popover's shadow is a black band).
thin_dark_pixels () {
  convert "$1" -colorspace Gray -threshold 10% -negate \( +clone -morphology Open Square:6 \) \
    -compose difference -composite -format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}

# colour_pixels PNG AREA COLOUR: pixels of AREA close to COLOUR.
colour_pixels () {
  convert "$1" -crop "$2" +repage -fuzz 12% -fill black +opaque "$3" -fill white -opaque "$3" \
    -format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}

# The desktop's notification server, on the test's session bus.
"$notification_sink" >"$work/notifications.log" 2>&1 &
pids+=($!)
wait_for 10 grep -q ready "$work/notifications.log" || bail "the notification sink did not start"

# Joining by link: the window takes the board's title from it.
"$tafel" "$link" >>"$work/tafel.log" 2>&1 &
app=$!
if wait_for 30 window_of "$app"; then
  win=$(window_of "$app")
else
  sed 's/^/# /' "$work/tafel.log"
  bail "no window"
fi
if wait_for 15 window_name_is "$win" "Together"; then
  ok "tafel LINK opens the board the link names"
else
  not_ok "tafel LINK opens the board the link names (window is “$(xdotool getwindowname "$win")”)"
fi
focus_window "$win"
wait_for 20 screenshot_has_content "$win" "$work/first.png" || bail "the window shows nothing"

geometry=$(xdotool getwindowgeometry --shell "$win")
width=$(echo "$geometry" | sed -n 's/^WIDTH=//p')
height=$(echo "$geometry" | sed -n 's/^HEIGHT=//p')
header="${width}x46+0+0"
# The board, left of where the side panels open and below the tool bar.
canvas="$((width - 640))x$((height - 260))+40+150"
# The people panel (240 wide) right of the canvas, when the chat is closed.
people="230x300+$((width - 236))+50"
# The chat panel's messages, right of everything.
chat="290x$((height - 160))+$((width - 296))+60"

# The chat panel as it looks with no message yet, for comparison.
timeout 5 xdotool key ctrl+shift+c
empty_chat_shown () {
  shot "$work/chat-empty.png" || return 1
  local n
  n=$(dark_pixels "$work/chat-empty.png" "$chat")
  [ "$n" -lt 400 ] && [ "$(dark_pixels "$work/chat-empty.png" "$header")" -gt 100 ]
}
wait_for 10 empty_chat_shown
chat_empty=$(dark_pixels "$work/chat-empty.png" "$chat")
timeout 5 xdotool key ctrl+shift+c

# The people panel opens with F9; at first only you are in it.
timeout 5 xdotool key F9
people_shown () {
  shot "$work/people-alone.png" || return 1
  local n
  n=$(dark_pixels "$work/people-alone.png" "$people")
  [ "$n" -gt 20 ] && [ "$n" -lt 3000 ]
}
wait_for 10 people_shown
alone=$(dark_pixels "$work/people-alone.png" "$people")
if people_shown; then
  ok "F9 shows the people panel with you in it ($alone dark pixels)"
else
  not_ok "F9 shows the people panel with you in it (${alone:-?} dark pixels)"
fi
keep "$work/people-alone.png" together-people-alone.png

# Tafel finds the seed through the broker and links to it.
"$cli" seed "$link" --data-dir "$work/author" "${net[@]}" >"$work/seed.log" 2>&1 &
pids+=($!)
if wait_for 60 grep -q '"event":"peer-joined"' "$work/seed.log"; then
  ok "Tafel links to the seed peer through the broker"
else
  not_ok "Tafel links to the seed peer through the broker"
  sed 's/^/# /' "$work/seed.log" | tail -n 20
fi

# The seed shows up in the people panel (its presence comes with its
# first keep-alive, within a few seconds).
more_people () {
  shot "$work/people-two.png" || return 1
  [ "$(dark_pixels "$work/people-two.png" "$people")" -gt $((alone + 40)) ]
}
if wait_for 30 more_people; then
  ok "the seed peer is listed in the people panel ($(dark_pixels "$work/people-two.png" "$people") dark pixels)"
else
  not_ok "the seed peer is listed in the people panel ($(dark_pixels "$work/people-two.png" "$people") dark pixels, $alone alone)"
fi
keep "$work/people-two.png" together-people.png

# Another peer draws real strokes; they appear on Tafel's canvas.
shot "$work/before.png"
before=$(dark_pixels "$work/before.png" "$canvas")
if [ -f "$shared/quickdraw-strokes.ndjson" ]; then
  head -n 40 "$shared/quickdraw-strokes.ndjson" >"$work/trace.ndjson"
else
  # Synthetic strokes when the shared traces are not there.
  python3 - >"$work/trace.ndjson" <<'PY'
import json, random
rng = random.Random(40)
for _ in range(40):
    x, y, points = rng.uniform(0, 600), rng.uniform(0, 400), []
    for _ in range(rng.randint(10, 60)):
        x += rng.uniform(-6, 6); y += rng.uniform(-6, 6)
        points.append([round(x, 3), round(y, 3), 0.5])
    print(json.dumps({"color": "#000000", "width": 3.0, "points": points}))
PY
fi
"$cli" draw "$link" --data-dir "$work/drawer" --trace "$work/trace.ndjson" --peers 2 --timeout 90 "${net[@]}" \
  >"$work/draw.log" 2>&1
status=$?
if [ "$status" = 0 ]; then
  ok "tafel-cli draw delivers its strokes to Tafel and the seed"
else
  not_ok "tafel-cli draw delivers its strokes to Tafel and the seed (status $status)"
  sed 's/^/# /' "$work/draw.log" | tail -n 20
fi
has_strokes () {
  shot "$work/drawn.png" || return 1
  [ "$(dark_pixels "$work/drawn.png" "$canvas")" -ge $((before + 500)) ]
}
if wait_for 30 has_strokes; then
  ok "the strokes appear on the canvas ($before → $(dark_pixels "$work/drawn.png" "$canvas") dark pixels)"
else
  not_ok "the strokes appear on the canvas ($before → $(dark_pixels "$work/drawn.png" "$canvas") dark pixels)"
fi
keep "$work/drawn.png" together-drawn.png

# A chat message from a peer: an unread badge on the chat button
# (the accent colour in the header bar), then the message in the panel.
accent="#3584e4"
timeout 5 xdotool key F9
shot "$work/no-badge.png"
no_badge=$(colour_pixels "$work/no-badge.png" "$header" "$accent")
"$cli" chat "$link" --data-dir "$work/drawer" --message "Hello from the command line, this is a chat message" \
  --peers 2 --timeout 90 "${net[@]}" >"$work/chat.log" 2>&1
status=$?
if [ "$status" = 0 ]; then
  ok "tafel-cli chat delivers its message"
else
  not_ok "tafel-cli chat delivers its message (status $status)"
  sed 's/^/# /' "$work/chat.log" | tail -n 20
fi
has_badge () {
  shot "$work/badge.png" || return 1
  [ "$(colour_pixels "$work/badge.png" "$header" "$accent")" -ge $((no_badge + 30)) ]
}
if wait_for 20 has_badge; then
  ok "an unread badge appears on the chat button ($no_badge → $(colour_pixels "$work/badge.png" "$header" "$accent") accent pixels)"
else
  not_ok "an unread badge appears on the chat button ($no_badge → $(colour_pixels "$work/badge.png" "$header" "$accent") accent pixels)"
fi
keep "$work/badge.png" together-badge.png

# Opening the panel clears the badge in the same frame; then the panel
# shows more text than it did empty.
timeout 5 xdotool key ctrl+shift+c
badge_gone () {
  shot "$work/chat.png" || return 1
  [ "$(colour_pixels "$work/chat.png" "$header" "$accent")" -le $((no_badge + 5)) ]
}
if wait_for 15 badge_gone; then
  ok "opening the chat clears the badge"
else
  not_ok "opening the chat clears the badge ($(colour_pixels "$work/chat.png" "$header" "$accent") accent pixels)"
fi
chat_shown () {
  shot "$work/chat.png" || return 1
  [ "$(dark_pixels "$work/chat.png" "$chat")" -ge $((chat_empty + 150)) ]
}
if wait_for 15 chat_shown; then
  ok "Ctrl+Shift+C shows the message in the chat panel ($chat_empty → $(dark_pixels "$work/chat.png" "$chat") dark pixels)"
else
  not_ok "Ctrl+Shift+C shows the message in the chat panel ($chat_empty → $(dark_pixels "$work/chat.png" "$chat") dark pixels)"
fi
keep "$work/chat.png" together-chat.png
timeout 5 xdotool key ctrl+shift+c

# A message while the window has the focus needs no notification; one
# while it has not raises a desktop notification.
if grep -q "Hello from the command line" "$work/notifications.log"; then
  not_ok "no desktop notification while the window has the focus"
else
  ok "no desktop notification while the window has the focus"
fi
# A window loses the focus only where a window manager says which window
# has it (_NET_WM_STATE_FOCUSED); without one, GTK counts its window as
# focused whatever happens. So a window manager runs for this step alone
# (the other steps measure the window as it is without one).
wm_runs () { timeout 5 xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q "window id"; }
if command -v metacity >/dev/null 2>&1; then
  GSETTINGS_BACKEND=memory metacity --sm-disable >"$work/metacity.log" 2>&1 &
  wm=$!
  pids+=($wm)
  wait_for 10 wm_runs || bail "metacity did not start: $(cat "$work/metacity.log")"
  wait_for 10 sh -c "xprop -id $win _NET_WM_STATE | grep -q _NET_WM_STATE_FOCUSED" ||
    focus_window "$win"
  root=$(timeout 5 xdotool search --maxdepth 0 --name "" | head -n 1)
  timeout 5 xdotool windowfocus "$root"
  if wait_for 10 sh -c "! xprop -id $win _NET_WM_STATE | grep -q _NET_WM_STATE_FOCUSED"; then
    "$cli" chat "$link" --data-dir "$work/drawer" --message "Are you there?" \
      --peers 2 --timeout 90 "${net[@]}" >"$work/chat2.log" 2>&1
    if wait_for 20 grep -q "Are you there?" "$work/notifications.log"; then
      ok "a message while the window is not focused raises a desktop notification"
    else
      not_ok "a message while the window is not focused raises a desktop notification"
      sed 's/^/# /' "$work/notifications.log" "$work/chat2.log" | tail -n 20
    fi
  else
    not_ok "a message while the window is not focused raises a desktop notification (the window manager keeps the focus on it: $(xprop -id "$win" _NET_WM_STATE))"
  fi
  kill "$wm"
  wait "$wm" 2>/dev/null
  wait_for 10 sh -c '! xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q "window id"'
  focus_window "$win"
else
  ok "# SKIP a message while the window is not focused raises a desktop notification: metacity is not installed, and without a window manager GTK counts its window as always focused"
fi

# Someone with a Tafel window: their pointer, their view and a stroke in
# progress, far from what Tafel shows. Clicking them in the people panel
# follows their view: their stroke in progress and their named pointer
# come into sight.
"$presence_peer" "$link" "$work/ada" >"$work/ada.log" 2>&1 &
ada=$!
pids+=($ada)
red="#e01b24"
purple="#9141ac"
board_area="$((width - 280))x$((height - 130))+10+110"
if wait_for 60 grep -q linked "$work/ada.log"; then
  ok "a peer with a view, a pointer and a stroke in progress links"
else
  not_ok "a peer with a view, a pointer and a stroke in progress links"
  sed 's/^/# /' "$work/ada.log"
fi
timeout 5 xdotool key F9
ada_listed () {
  shot "$work/ada-listed.png" || return 1
  [ "$(colour_pixels "$work/ada-listed.png" "$people" "$purple")" -ge 30 ]
}
wait_for 30 ada_listed
if [ "$(colour_pixels "$work/ada-listed.png" "$board_area" "$red")" -le 5 ]; then
  ok "their stroke in progress is out of sight before following"
else
  not_ok "their stroke in progress is out of sight before following ($(colour_pixels "$work/ada-listed.png" "$board_area" "$red") red pixels)"
fi
# Their row: where their colour is in the panel.
swatch=$(convert "$work/ada-listed.png" -crop "$people" +repage -fuzz 12% -fill black +opaque "$purple" \
  -fill white -opaque "$purple" -trim -format '%X %Y %w %h' info: 2>/dev/null)
read -r sx sy sw sh <<<"$swatch"
row_x=$(( width - 236 + ${sx#+} + sw / 2 + 60 ))
row_y=$(( 50 + ${sy#+} + sh / 2 ))
timeout 5 xdotool mousemove --window "$win" "$row_x" "$row_y" click 1
following () {
  shot "$work/following.png" || return 1
  [ "$(colour_pixels "$work/following.png" "$board_area" "$red")" -ge 300 ]
}
if wait_for 15 following; then
  ok "clicking them follows their view: their stroke in progress shows live ($(colour_pixels "$work/following.png" "$board_area" "$red") red pixels)"
else
  not_ok "clicking them follows their view: their stroke in progress shows live ($(colour_pixels "$work/following.png" "$board_area" "$red") red pixels; clicked $row_x,$row_y)"
fi
keep "$work/following.png" together-following.png
if [ "$(colour_pixels "$work/following.png" "$board_area" "$purple")" -ge 150 ]; then
  ok "their pointer shows in their colour with their name ($(colour_pixels "$work/following.png" "$board_area" "$purple") purple pixels)"
else
  not_ok "their pointer shows in their colour with their name ($(colour_pixels "$work/following.png" "$board_area" "$purple") purple pixels)"
fi
# Lifted with no record (a cancelled stroke): it goes away.
kill -USR1 "$ada"
lifted () {
  shot "$work/lifted.png" || return 1
  [ "$(colour_pixels "$work/lifted.png" "$board_area" "$red")" -le 5 ]
}
if wait_for 15 lifted; then
  ok "a stroke lifted without a record goes away"
else
  not_ok "a stroke lifted without a record goes away ($(colour_pixels "$work/lifted.png" "$board_area" "$red") red pixels)"
fi
kill -TERM "$ada" 2>/dev/null
timeout 5 xdotool key F9
focus_window "$win"

# Share: Ctrl+I shows the link as a QR code. The popover is a window of
# its own: screenshots of the screen.
screen_shot () {
  timeout 10 import -window root "$1" 2>/dev/null
}
screen_shot "$work/before-share.png"
thin_before=$(thin_dark_pixels "$work/before-share.png")
timeout 5 xdotool key ctrl+i
qr_shown () {
  screen_shot "$work/share.png" || return 1
  [ "$(thin_dark_pixels "$work/share.png")" -ge $((thin_before + 5000)) ]
}
if wait_for 15 qr_shown; then
  ok "Ctrl+I shows the invite as a QR code ($thin_before → $(thin_dark_pixels "$work/share.png") dark pixels in small shapes)"
else
  not_ok "Ctrl+I shows the invite as a QR code ($thin_before → $(thin_dark_pixels "$work/share.png") dark pixels in small shapes)"
fi
keep "$work/share.png" together-share.png

# (Copying the link to the clipboard is test-share.sh's.)
timeout 5 xdotool key Escape

# A second `tafel LINK` hands the link to the running Tafel and exits;
# the board's window comes forward, no other window appears.
one_window () {
  [ "$(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null | wc -l)" = 1 ]
}
wait_for 10 one_window
windows_before=$(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null | wc -l)
"$tafel" "$link" >>"$work/tafel2.log" 2>&1 &
second=$!
wait_exit "$second" 20
second_status=$wait_status
# A window that should not come: watched for a bounded while.
more_windows () {
  [ "$(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null | wc -l)" -gt "$windows_before" ]
}
if wait_for 3 more_windows; then extra=yes; else extra=no; fi
windows_after=$(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null | wc -l)
if [ "$second_status" = 0 ] && [ "$extra" = no ]; then
  ok "a second tafel LINK hands the link to the running one and exits"
else
  not_ok "a second tafel LINK hands the link to the running one and exits (status $second_status, $windows_before → $windows_after windows)"
  sed 's/^/# /' "$work/tafel2.log"
fi

# Quitting keeps what arrived: Tafel's copy of the board holds the
# drawer's records.
focus_window "$win"
quit_cleanly "$app"
records () { "$cli" info "$1" --data-dir "$2" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])'; }
id=$(echo "$out" | head -n 1)
app_records=$(records "$id" "$XDG_DATA_HOME/tafel")
drawer_records=$(records "$id" "$work/drawer")
# The drawer's strokes and message, and Tafel's own profile record.
if [ "${app_records:-0}" -ge "$(( $(wc -l <"$work/trace.ndjson") + 2 ))" ]; then
  ok "Tafel's copy of the board keeps what it received ($app_records records; the drawer has $drawer_records)"
else
  not_ok "Tafel's copy of the board keeps what it received (${app_records:-?} records; the drawer has $drawer_records)"
fi

if [ $tap_failed -ne 0 ]; then
  diag "--- tafel.log"; sed 's/^/# /' "$work/tafel.log" | tail -n 30
  diag "--- seed.log"; sed 's/^/# /' "$work/seed.log" | tail -n 15
fi
exit $tap_failed
