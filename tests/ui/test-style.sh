#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The style chosen in Preferences (GSettings "style": system, light, dark)
# is the window's: dark when set dark at start, light at once when set
# light while Tafel runs. The settings live in a key file that this test
# writes, as Preferences would through GSettings.
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..4"
start_display

export GSETTINGS_BACKEND=keyfile
settings="$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
mkdir -p "$(dirname "$settings")"
printf "[io/github/tafel/Tafel]\nlan-discovery=false\nstyle='dark'\n" >"$settings"

# mean_grey PNG: the mean grey level of the picture, 0 (black) to 1.
mean_grey () {
  convert "$1" -colorspace Gray -format '%[fx:mean]' info: 2>/dev/null
}
is_dark () {
  shot "$work/style.png" || return 1
  awk -v m="$(mean_grey "$work/style.png")" 'BEGIN { exit !(m < 0.35) }'
}
is_light () {
  shot "$work/style.png" || return 1
  awk -v m="$(mean_grey "$work/style.png")" 'BEGIN { exit !(m > 0.75) }'
}

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

if wait_for 15 is_dark; then
  ok "style 'dark': the window is dark (mean grey $(mean_grey "$work/style.png"))"
else
  not_ok "style 'dark': the window is dark (mean grey $(mean_grey "$work/style.png"))"
fi
keep "$work/style.png" style-dark.png

printf "[io/github/tafel/Tafel]\nlan-discovery=false\nstyle='light'\n" >"$settings"
if wait_for 15 is_light; then
  ok "style 'light', set while Tafel runs: the window turns light (mean grey $(mean_grey "$work/style.png"))"
else
  not_ok "style 'light', set while Tafel runs: the window turns light (mean grey $(mean_grey "$work/style.png"))"
fi
keep "$work/style.png" style-light.png

printf "[io/github/tafel/Tafel]\nlan-discovery=false\nstyle='dark'\n" >"$settings"
if wait_for 15 is_dark; then
  ok "style 'dark' again: dark again"
else
  not_ok "style 'dark' again: dark again (mean grey $(mean_grey "$work/style.png"))"
fi

quit_cleanly "$app"
exit $tap_failed
