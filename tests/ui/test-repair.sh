#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A board whose saved log is damaged (one bit flipped in its last frame,
# a 200-stroke import): Tafel neither opens it empty nor changes the file,
# but asks with a Repair action; repairing keeps the damaged log as a
# backup, and the board opens with what is intact.
set -u
. "$(dirname "$0")/ui-lib.sh"

cli="$build_root/src/cli/tafel-cli"
echo "1..6"
start_display

# Tafel reopens the boards of the keyfile's open-boards; no LAN beacon
# (its multicast would leave loopback).
data="$XDG_DATA_HOME/tafel"
out=$("$cli" new --data-dir "$data" --title "Damaged") || bail "tafel-cli new failed"
id=${out%%$'\n'*}
for i in $(seq 0 199); do
  echo "{\"points\":[[$i,0],[$((i + 3)),7],[$((i + 5)),9]]}"
done >"$work/200.ndjson"
"$cli" import "$id" --trace "$work/200.ndjson" --data-dir "$data" >/dev/null || bail "tafel-cli import failed"
n_records () {
  "$cli" info "$id" --json --data-dir "$data" 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["records"])' 2>/dev/null
}
before=$(n_records)
[ -n "$before" ] || bail "tafel-cli info failed"
log="$data/boards/$id/log"
python3 -c '
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) - 100] ^= 0x10
open(p, "wb").write(b)' "$log" || bail "could not damage the log"
cp "$log" "$work/damaged-log"

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf "[io/github/tafel/Tafel]\nlan-discovery=false\nopen-boards=['%s']\n" "$id" \
  >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

"$tafel" >>"$work/tafel.log" 2>&1 &
app=$!

# window_named NAME: the id of the app's visible window titled NAME.
window_named () {
  local w
  for w in $(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null); do
    [ "$(timeout 5 xdotool getwindowname "$w" 2>/dev/null)" = "$1" ] && { echo "$w"; return 0; }
  done
  return 1
}
heading="This Board’s Saved Copy Is Damaged"
if wait_for 30 window_named "$heading"; then
  ok "a dialog says the board’s saved copy is damaged"
else
  not_ok "a dialog says the board’s saved copy is damaged"
  for w in $(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null); do
    diag "window $w: “$(timeout 5 xdotool getwindowname "$w" 2>/dev/null)”"
  done
  sed 's/^/# /' "$work/tafel.log"
fi

backups () { ls "$data/boards/$id" | grep -c '^log\.damaged-'; }
if cmp -s "$log" "$work/damaged-log" && [ "$(backups)" = 0 ]; then
  ok "until the person chooses, the damaged log is left as it is"
else
  not_ok "until the person chooses, the damaged log is left as it is"
fi

# Return takes the dialog's default response, Repair.
dialog=$(window_named "$heading") && focus_window "$dialog" && timeout 5 xdotool key Return

has_backup () { [ "$(backups)" = 1 ]; }
if wait_for 20 has_backup && cmp -s "$data/boards/$id/$(ls "$data/boards/$id" | grep '^log\.damaged-')" \
     "$work/damaged-log"; then
  ok "Repair keeps the damaged log as a backup, byte for byte"
else
  not_ok "Repair keeps the damaged log as a backup, byte for byte"
  ls -l "$data/boards/$id" | sed 's/^/# /'
fi

if wait_for 20 window_named "Damaged"; then
  ok "the repaired board opens"
else
  not_ok "the repaired board opens"
  sed 's/^/# /' "$work/tafel.log"
fi

win=$(window_named "Damaged") || win=$(window_of "$app")
focus_window "$win"
quit_cleanly "$app"

# What was intact: every record up to the last signature stored before
# the damaged byte, which an import stores at least every 32 records.
records=$(n_records)
if [ -n "$records" ] && [ "$records" -lt "$before" ] && [ "$records" -ge $((before - 32)) ]; then
  ok "the repaired board keeps what was intact ($records of $before records)"
else
  not_ok "the repaired board keeps what was intact (${records:-no} of $before records)"
fi

exit $tap_failed
