#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tafel starts under a real X server, shows a window with content, and quits
# cleanly on Ctrl+Q.
set -u
. "$(dirname "$0")/ui-lib.sh"

echo "1..4"
start_display

"$tafel" >"$work/tafel.log" 2>&1 &
app=$!

if wait_for 30 window_of "$app"; then
  win=$(window_of "$app")
  ok "the window appears"
else
  not_ok "the window appears"
  cat "$work/tafel.log" | sed 's/^/# /'
  kill "$app"; exit 1
fi

shot="$work/window.png"
# The window maps before GTK paints its first frame; take screenshots until
# one shows content (bounded), which is the real event we wait for.
if wait_for 15 screenshot_has_content "$win" "$shot"; then
  ok "a screenshot of the window is taken"
else
  not_ok "a screenshot of the window is taken"
fi
diag "$(image_stats "$shot")"
if screenshot_has_content "$win" "$shot"; then
  ok "the window is not blank"
else
  not_ok "the window is not blank"
fi
[ -n "${TAFEL_KEEP_SCREENSHOTS:-}" ] && cp "$shot" "$TAFEL_KEEP_SCREENSHOTS/window.png"

# There is no window manager: give the window the focus ourselves, then type
# through XTEST like a real keyboard.
focus_window "$win"
quit_cleanly "$app"

exit $tap_failed
