#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What the header bar says about who is here, read as a screen reader
# reads it, with a real mosquitto on loopback and tafel-cli peers:
#  - a board nobody else has open says so ("Online · nobody else here
#    yet"), also after a while, never "Connecting…";
#  - with no broker and no local network search it looks for the others
#    and says why;
#  - someone joins: 2 people; they quit: their goodbye takes effect at once
#    (alone again within 3 s; the dead-peer timeout is 10 s), with a toast
#    that names them (tests/ui/presence-peer.c, a peer with a name);
#  - closing the board does not tell you that the others left;
#  - quitting Tafel says goodbye: the other peer sees it leave within 3 s.
set -u
. "$(dirname "$0")/ui-lib.sh"
need_a11y

cli="$build_root/src/cli/tafel-cli"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || skip_all "mosquitto is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"
presence_peer=${TAFEL_PRESENCE_PEER:-}
[ -x "$presence_peer" ] || skip_all "the presence-peer helper was not built"

echo "1..12"
start_display

pids=()
status_cleanup () {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  ui_cleanup
}
trap status_cleanup EXIT

export GSETTINGS_BACKEND=keyfile
settings="$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
mkdir -p "$(dirname "$settings")"
export TAFEL_LOCAL_ADDRESSES=127.0.0.1
net=(--local-address 127.0.0.1 --json)
mkdir -p "$XDG_CONFIG_HOME/gtk-4.0"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"

# status PID: what the header bar's status says.
status_of () {
  a11y names "$1" "status bar" | head -n 1
}
status_is () {
  [ "$(status_of "$1")" = "$2" ]
}
window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}

# ---- No broker, no local network: looking, and why ------------------------
printf "[io/github/tafel/Tafel]\nlan-discovery=false\ndisplay-name='Tess Tester'\n" >"$settings"
"$tafel" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
timeout 5 xdotool key ctrl+n
wait_for 20 window_name_is "$win" "Untitled Board" || bail "Ctrl+N opened no board"
if wait_for 15 status_is "$app" "Looking for the others…"; then
  ok "with nothing to search, the status says it is looking for the others"
else
  not_ok "with nothing to search, the status says it is looking for the others (it says “$(status_of "$app")”)"
fi
shot "$work/searching.png"
keep "$work/searching.png" status-searching.png
# The reason is the status's description (its tooltip).
reason=$(a11y descriptions "$app" "status bar" | head -n 1)
case $reason in
  "No broker is set"*) ok "… and says why: “$reason”" ;;
  *) not_ok "… and says why: no broker is set (the description is “$reason”)" ;;
esac
quit_cleanly "$app"

# ---- A broker, and a board nobody else has open --------------------------
start_mosquitto
pids+=("$mosquitto_pid")

out=$("$cli" new --data-dir "$work/author" --title "Status" --broker "mqtt://127.0.0.1:$port") ||
  bail "tafel-cli new failed"
link=$(echo "$out" | sed -n 2p)

"$tafel" "$link" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
alone="Online · nobody else here yet"
if wait_for 20 status_is "$app" "$alone"; then
  ok "a link nobody hosts: “$alone”"
else
  not_ok "a link nobody hosts: “$alone” (it says “$(status_of "$app")”)"
fi
# Several announce intervals later, nobody has come, and it says so still.
said=()
for i in $(seq 1 12); do
  said+=("$(status_of "$app")")
  sleep 0.5
done
if printf '%s\n' "${said[@]}" | grep -qv "^$alone\$"; then
  not_ok "it stays “$alone” while nobody comes (said: $(printf '%s\n' "${said[@]}" | sort -u | tr '\n' '|'))"
else
  ok "it stays “$alone” while nobody comes (${#said[@]} looks over 6 s)"
fi
shot "$work/alone.png"
keep "$work/alone.png" status-alone.png

# ---- Someone comes and goes ------------------------------------------------
# A peer with a presence (a name, a pointer), as a person's Tafel has.
timeout 5 xdotool key F9
their_name="Ada Remote"
"$presence_peer" "$link" "$work/ada1" >"$work/ada1.log" 2>&1 &
ada=$!
pids+=($ada)
listed () { a11y names "$app" "list item" | grep -qxF "$their_name"; }
if wait_for 60 status_is "$app" "2 people" && wait_for 20 listed; then
  ok "someone joins: “2 people”, “$their_name” in the people panel"
else
  not_ok "someone joins: “2 people”, “$their_name” in the people panel (it says “$(status_of "$app")”)"
fi

kill -TERM "$ada"
left_at=$(date +%s%N)
if wait_for 3 status_is "$app" "$alone"; then
  ok "they quit: “$alone” again in $(( ($(date +%s%N) - left_at) / 1000000 )) ms"
else
  not_ok "they quit: “$alone” again within 3 s (it says “$(status_of "$app")”)"
fi
toast_left () { a11y names "$app" "label" | grep -qxF "$their_name left"; }
if wait_for 5 toast_left; then
  ok "a toast names who left (“$their_name left”)"
else
  not_ok "a toast names who left (“$their_name left”)"
  a11y names "$app" "label" | sed 's/^/# /'
fi
wait_exit "$ada" 10

# ---- Closing the board: nobody is said to have left ------------------------
"$presence_peer" "$link" "$work/ada2" >"$work/ada2.log" 2>&1 &
pids+=($!)
wait_for 60 status_is "$app" "2 people" || diag "the peer did not come (“$(status_of "$app")”)"
wait_for 20 listed || diag "“$their_name” is not listed"
# The toast from the leaving above is gone (toasts last 5 s).
no_left_toast () { ! a11y names "$app" "label" | grep -q " left$"; }
wait_for 15 no_left_toast
focus_window "$win"
timeout 5 xdotool key F10
wait_for 10 a11y_has "$app" "menu item" "Close Board" || diag "F10 showed no menu"
# Menu items are placed in the popover's own surface: press the item's
# mnemonic (Close _Board) rather than click where it is.
timeout 5 xdotool key b
if wait_for 10 window_name_is "$win" "Tafel"; then
  told=no
  for i in $(seq 1 6); do
    if ! no_left_toast; then told=yes; break; fi
  done
  if [ "$told" = no ]; then
    ok "closing the board does not tell you that the others left"
  else
    not_ok "closing the board does not tell you that the others left ($(a11y names "$app" "label" | grep " left$"))"
  fi
else
  not_ok "closing the board does not tell you that the others left (the board did not close)"
fi
shot "$work/closed.png"
keep "$work/closed.png" status-closed.png
# The other sees this one leave at once.
if wait_for 3 grep -q unlinked "$work/ada2.log"; then
  ok "the other sees the board closed at once"
else
  not_ok "the other sees the board closed at once"
fi

# ---- Quitting says goodbye -------------------------------------------------
"$cli" seed "$link" --data-dir "$work/seed" "${net[@]}" >"$work/seed.log" 2>&1 &
pids+=($!)
"$tafel" "$link" >>"$work/tafel.log" 2>&1 &
wait_for 60 status_is "$app" "3 people" || diag "Tafel did not link to the seed again (“$(status_of "$app")”)"
joins=$(grep -c '"event":"peer-joined"' "$work/seed.log")
lefts=$(grep -c '"event":"peer-left"' "$work/seed.log")
focus_window "$win"
quit_cleanly "$app"
more_left () { [ "$(grep -c '"event":"peer-left"' "$work/seed.log")" -gt "$lefts" ]; }
if wait_for 3 more_left; then
  ok "quitting Tafel says goodbye: the other peer sees it leave within 3 s ($joins joins)"
else
  not_ok "quitting Tafel says goodbye: the other peer sees it leave within 3 s ($joins joins)"
  tail -n 5 "$work/seed.log" | sed 's/^/# /'
fi

if [ $tap_failed -ne 0 ]; then
  diag "--- tafel.log"; sed 's/^/# /' "$work/tafel.log" | tail -n 30
fi
exit $tap_failed
