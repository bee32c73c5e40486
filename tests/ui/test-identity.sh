#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One identity on two devices, as a person meets it in the app: Tafel opens
# a board from a data folder that a second device (tafel-cli, a copy of the
# folder) also writes from, and a seed on a real mosquitto on loopback holds
# the other device's strokes where Tafel's own should be. Read as a screen
# reader reads it:
#  - a note says in plain words that another device uses this identity,
#    with the explanation behind Details, and stays until read;
#  - the key file in Tafel's folder is a new identity;
#  - a note says how many of its changes went out again under it, and the
#    note about the move comes back after it;
#  - the seed ends up with every stroke either device drew;
#  - drawing and undo go on under the new identity.
# (docs/identity.md)
set -u
. "$(dirname "$0")/ui-lib.sh"
need_a11y

cli="$build_root/src/cli/tafel-cli"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || skip_all "mosquitto is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"

echo "1..9"
start_display

pids=()
identity_cleanup () {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  ui_cleanup
}
trap identity_cleanup EXIT

export GSETTINGS_BACKEND=keyfile
settings="$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
mkdir -p "$(dirname "$settings")"
printf "[io/github/tafel/Tafel]\nlan-discovery=false\ndisplay-name='Tess Tester'\n" >"$settings"
export TAFEL_LOCAL_ADDRESSES=127.0.0.1
net=(--local-address 127.0.0.1 --json)

# strokes N SEED OUT: N random strokes as NDJSON.
strokes () {
  python3 - "$1" "$2" >"$3" <<'EOF'
import json, random, sys
rng = random.Random(sys.argv[2])
for _ in range(int(sys.argv[1])):
    x, y, points = rng.uniform(0, 800), rng.uniform(0, 600), []
    for _ in range(20):
        x += rng.uniform(-6, 6); y += rng.uniform(-6, 6)
        points.append([round(x, 3), round(y, 3), 0.5])
    print(json.dumps({"color": "#1c71d8", "width": 2.0, "points": points}))
EOF
}

start_mosquitto
pids+=("$mosquitto_pid")

# Both devices share 5 strokes; then each draws its own under the same
# identity: 4 in Tafel's folder (offline), 6 by the other device, online,
# into the seed. The seed keeps the other device's at those seqs.
app_dir="$XDG_DATA_HOME/tafel"
out=$("$cli" new --data-dir "$app_dir" --title "Two devices" --broker "mqtt://127.0.0.1:$port") ||
  bail "tafel-cli new failed"
id=$(echo "$out" | head -n 1)
link=$(echo "$out" | sed -n 2p)
strokes 5 before "$work/before.ndjson"
strokes 4 app "$work/app.ndjson"
strokes 6 other "$work/other.ndjson"
"$cli" import "$id" --data-dir "$app_dir" --trace "$work/before.ndjson" >/dev/null || bail "import failed"
cp -a "$app_dir" "$work/other"
cp "$app_dir/identity" "$work/identity.before"
"$cli" import "$id" --data-dir "$app_dir" --trace "$work/app.ndjson" >/dev/null || bail "import failed"

"$cli" seed "$link" --data-dir "$work/seed" "${net[@]}" >"$work/seed.log" 2>&1 &
pids+=($!)
seed=$!
"$cli" draw "$link" --data-dir "$work/other" --trace "$work/other.ndjson" --timeout 60 "${net[@]}" \
  >"$work/other.log" 2>&1 || bail "the other device could not draw into the seed: $(tail -n 5 "$work/other.log")"

"$tafel" "$link" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"

labels () { a11y names "$app" "label"; }
noted () { labels | grep -qxF "$1"; }
# A toast lasts 5 s, which the checks below may outlast: every label the
# window shows is also collected as it goes, until the app quits.
( while kill -0 "$app" 2>/dev/null; do labels >>"$work/seen-labels"; sleep 0.2; done ) &
pids+=($!)
seen () { grep -qxF "$1" "$work/seen-labels" 2>/dev/null; }
title="Another device is using your identity"
if wait_for 60 noted "$title"; then
  ok "a note says so in plain words (“$title”)"
else
  not_ok "a note says so in plain words (“$title”)"
  labels | sed 's/^/# /'
fi
shot "$work/identity.png"
keep "$work/identity.png" identity-moved.png
# The explanation is behind the note's Details button.
if labels | grep -qxF "Details"; then
  ok "the note offers its explanation (Details)"
else
  not_ok "the note offers its explanation (Details)"
  labels | sed 's/^/# /'
fi

if ! cmp -s "$app_dir/identity" "$work/identity.before"; then
  ok "Tafel's data folder holds a new identity"
else
  not_ok "Tafel's data folder holds a new identity"
fi

# Its 4 strokes, and the profile (Tess Tester) it wrote on opening the
# board, before it heard from the seed.
reissued="5 changes were sent again under your new identity"
if wait_for 60 seen "$reissued"; then
  ok "a note says what went out again (“$reissued”)"
else
  not_ok "a note says what went out again (“$reissued”)"
  sort -u "$work/seen-labels" | sed 's/^/# /'
fi

# The note about the move comes back after it: it stays until read.
if wait_for 20 noted "$title"; then
  ok "the note about the move stays until read"
else
  not_ok "the note about the move stays until read"
  labels | sed 's/^/# /'
fi

# The seed holds every stroke: 5 shared, the other device's 6, Tafel's 4.
seed_strokes () {
  [ "$("$cli" info "$id" --data-dir "$work/seed" --json 2>/dev/null |
       python3 -c 'import json, sys; print(json.load(sys.stdin)["visible"])' 2>/dev/null)" = 15 ]
}
# info reads the seed's log file while the seed runs: it flushes as it goes.
if wait_for 60 seed_strokes; then
  ok "the seed shows every stroke either device drew (15)"
else
  not_ok "the seed shows every stroke either device drew (15)"
  sed 's/^/# /' "$work/seed.log" | tail -n 20
fi

# Drawing goes on under the new identity, and so does undo: a stroke
# reaches the seed, Ctrl+Z takes it away there too.
seed_visible_is () {
  [ "$("$cli" info "$id" --data-dir "$work/seed" --json 2>/dev/null |
       python3 -c 'import json, sys; print(json.load(sys.stdin)["visible"])' 2>/dev/null)" = "$1" ]
}
focus_window "$win"
x=220 y=330
timeout 5 xdotool mousemove --window "$win" $x $y mousedown 1
for i in $(seq 1 40); do
  timeout 5 xdotool mousemove --window "$win" $((x + i * 8)) $((y + (i % 12) * 4 - 24))
done
timeout 5 xdotool mouseup 1
if wait_for 30 seed_visible_is 16; then
  ok "a stroke drawn after the move reaches the seed (16)"
else
  not_ok "a stroke drawn after the move reaches the seed (16)"
fi
timeout 5 xdotool key ctrl+z
if wait_for 30 seed_visible_is 15; then
  ok "Ctrl+Z undoes it under the new identity (15 again)"
else
  not_ok "Ctrl+Z undoes it under the new identity (15 again)"
fi

quit_cleanly "$app"
kill -TERM "$seed" 2>/dev/null
[ $tap_failed -ne 0 ] && sed 's/^/# /' "$work/tafel.log" | tail -n 30
exit $tap_failed
