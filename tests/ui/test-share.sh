#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Share: on a new board, Ctrl+I shows the invite link as a QR code, and
# Copy puts the link on the clipboard, where another program reads it: a
# link to this very board, with its secret; a toast says it was copied.
set -u
. "$(dirname "$0")/ui-lib.sh"

cli="$build_root/src/cli/tafel-cli"
clipboard_text=${TAFEL_CLIPBOARD_TEXT:-}
[ -x "$clipboard_text" ] || skip_all "the clipboard-text helper was not built"

# The toast is read as a screen reader reads it, where that can be done.
can_read_a11y=
if [ -n "$a11y_python" ] && [ -f /usr/share/dbus-1/services/org.a11y.Bus.service ]; then
  unset GTK_A11Y NO_AT_BRIDGE
  can_read_a11y=1
fi

echo "1..5"
start_display

# No LAN beacon: its multicast would leave loopback.
export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

# GTK 4.8 leaks a few list nodes in its X11 clipboard code each time
# another program reads a clipboard it owns (frames of static functions in
# libgtk only, so no suppression can name them). Under AddressSanitizer,
# this one test runs Tafel without the leak check; the other UI tests keep
# it.
if [ -n "$tafel_asan" ]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
  diag "AddressSanitizer build: leak check off for this test (GTK's X11 clipboard leaks)"
fi

"$tafel" >"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"
wait_for 20 screenshot_has_content "$win" "$work/first.png" || bail "the window shows nothing"

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}
timeout 5 xdotool key ctrl+n
if wait_for 15 window_name_is "$win" "Untitled Board"; then
  ok "Ctrl+N opens a new board"
else
  not_ok "Ctrl+N opens a new board"
fi

# thin_dark_pixels PNG: dark pixels in small shapes (QR modules, text),
# not in large dark areas (a popover's shadow is black with no compositor).
thin_dark_pixels () {
  convert "$1" -colorspace Gray -threshold 10% -negate \( +clone -morphology Open Square:6 \) \
    -compose difference -composite -format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}
timeout 10 import -window root "$work/before.png"
before=$(thin_dark_pixels "$work/before.png")
timeout 5 xdotool key ctrl+i
qr_shown () {
  timeout 10 import -window root "$work/share.png" 2>/dev/null || return 1
  [ "$(thin_dark_pixels "$work/share.png")" -ge $((before + 5000)) ]
}
if wait_for 15 qr_shown; then
  ok "Ctrl+I shows the invite link as a QR code ($before → $(thin_dark_pixels "$work/share.png") dark pixels in small shapes)"
else
  not_ok "Ctrl+I shows the invite link as a QR code ($before → $(thin_dark_pixels "$work/share.png") dark pixels in small shapes)"
fi
[ -n "${TAFEL_KEEP_SCREENSHOTS:-}" ] && cp "$work/share.png" "$TAFEL_KEEP_SCREENSHOTS/share.png"

# The Copy button has the focus: Enter copies.
timeout 5 xdotool key Return
read_link () {
  link=$("$clipboard_text" 2>/dev/null) && [ -n "$link" ]
}
link=
wait_for 15 read_link
id=$(ls "$XDG_DATA_HOME/tafel/boards" 2>/dev/null | head -n 1)
case "$link" in
  "tafel://board/v1/$id"*"#"?*)
    ok "Copy puts the board's invite link on the clipboard (${link%%#*}#…)" ;;
  *)
    not_ok "Copy puts the board's invite link on the clipboard (got “$link”, board $id)" ;;
esac

copied_toast () {
  a11y names "$app" "label" | grep -qxF "Invite link copied"
}
if [ -z "$can_read_a11y" ]; then
  ok "# SKIP no AT-SPI to read the toast with"
elif wait_for 10 copied_toast; then
  ok "Copy says so in a toast (“Invite link copied”)"
else
  not_ok "Copy says so in a toast (“Invite link copied”)"
fi

# Quit once the popover is gone.
timeout 5 xdotool key Escape
one_window () {
  [ "$(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null | wc -l)" = 1 ]
}
wait_for 10 one_window
focus_window "$win"
quit_cleanly "$app" 40

exit $tap_failed
