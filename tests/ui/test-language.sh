#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tafel run from its build tree speaks German with LANGUAGE=de: it takes
# the catalogue the build compiled (build/po), not only the install
# prefix's, where none may be yet (`LANGUAGE=de ./run` stayed English).
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..2"
start_display
export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

# The build's catalogue is the only German one: the install prefix has
# none for this build's strings.
LANGUAGE=de "$tafel" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}
timeout 5 xdotool key ctrl+n
if wait_for 20 window_name_is "$win" "Unbenannte Tafel"; then
  ok "a new board is titled in German (“Unbenannte Tafel”)"
else
  not_ok "a new board is titled in German (the window is “$(xdotool getwindowname "$win")”)"
fi
shot "$work/german.png"
keep "$work/german.png" language-german.png

quit_cleanly "$app"
exit $tap_failed
