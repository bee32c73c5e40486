#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Export with options, as a person does it: the main menu (F10), Export as
# a format; in the file chooser, the choices under the file list (size,
# transparent background, PDF page), a file name, Export. Then the file
# itself: a PNG at 2× is twice as large as at 1× and has no background in
# its corner; a PDF on "A4, portrait" is an A4 page. And right after an
# export dialog closed, Ctrl+O opens a board (it once did nothing: the
# Export submenu of the main menu left GTK's popover with the keyboard).
set -u
. "$(dirname "$0")/ui-lib.sh"
need_a11y
command -v pdfinfo >/dev/null 2>&1 || skip_all "pdfinfo is not installed (poppler-utils)"

# Under AddressSanitizer, no leak check of the app at its exit in this test.
# GTK's file chooser makes GLib's 2048th quark, and GLib then drops its
# first quark table on purpose (gquark.c: readers without a lock may still
# hold it), 16 KiB that LeakSanitizer reports; GTK 4.8's file chooser also
# loses a few tree paths of its list. GLib and GTK keep no frame pointers,
# so the reports stop at g_malloc: no suppression can name these, and a
# leak of ours would look the same. The export itself runs under
# LeakSanitizer in the unit and cli tests; the window's glue around the
# dialog is the part left unchecked for leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

echo "1..8"
start_display

export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/gtk-4.0"
printf '[io/github/tafel/Tafel]\nlan-discovery=false\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
printf '[Settings]\ngtk-enable-animations=false\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"
out="$work/out"
mkdir -p "$out"

"$tafel" >>"$work/tafel.log" 2>&1 &
app=$!
wait_for 30 window_of "$app" || { sed 's/^/# /' "$work/tafel.log"; bail "no window"; }
win=$(window_of "$app")
focus_window "$win"

window_name_is () {
  [ "$(timeout 5 xdotool getwindowname "$1" 2>/dev/null)" = "$2" ]
}
timeout 5 xdotool key ctrl+n
wait_for 20 window_name_is "$win" "Untitled Board" || { sed "s/^/# /" "$work/tafel.log"; bail "Ctrl+N opened no board (window is “$(xdotool getwindowname "$win")”)"; }

# A stroke to export.
x=220 y=330
timeout 5 xdotool mousemove --window "$win" $x $y mousedown 1
for i in $(seq 1 60); do
  timeout 5 xdotool mousemove --window "$win" $((x + i * 8)) $((y + (i % 12) * 4 - 24))
done
timeout 5 xdotool mouseup 1

# The visible window of the app named NAME, into $dialog.
dialog=
find_window () {
  local w
  for w in $(timeout 5 xdotool search --onlyvisible --pid "$app" 2>/dev/null); do
    if window_name_is "$w" "$1"; then
      dialog=$w
      return 0
    fi
  done
  return 1
}

# click_node ROLE NAME: clicks the middle of the first node with ROLE and
# NAME in the dialog $dialog (a11y boxes are in window coordinates).
click_node () {
  local box
  box=$(a11y find "$app" "$1" "$2" | head -n 1)
  [ -n "$box" ] || return 1
  set -- $box
  timeout 5 xdotool mousemove --window "$dialog" $(($1 + $3 / 2)) $(($2 + $4 / 2)) click 1
}

# list_open SHOWN: a drop-down's list is open: SHOWN is seen twice, on the
# drop-down and in its list.
list_open () {
  [ "$(a11y names "$app" "label" | grep -cxF "$1")" -ge 2 ]
}

# export_as KEY TITLE FILE [CHOICE…]: opens the main menu's item TITLE… by
# its mnemonic KEY, makes each CHOICE, names the file FILE and exports.
# A CHOICE is "transparent" (the check box) or "SHOWN>STEPS": the drop-down
# showing SHOWN, moved STEPS items down.
export_as () {
  local key=$1 title=$2 file=$3 choice shown steps
  shift 3
  focus_window "$win"
  timeout 5 xdotool key F10
  wait_for 10 a11y_has "$app" "menu item" "$title…" || return 1
  timeout 5 xdotool key "$key"
  wait_for 15 find_window "$title" || return 1
  wait_for 10 a11y_has "$app" "text" "Name:" || return 1
  for choice in "$@"; do
    case $choice in
      transparent)
        click_node "check box" "Transparent background" || { timeout 5 xdotool key Escape; return 1; } ;;
      *)
        # The drop-down's list opens on the item shown.
        shown=${choice%>*} steps=${choice#*>}
        click_node "label" "$shown" || { timeout 5 xdotool key Escape; return 1; }
        wait_for 5 list_open "$shown"
        for _ in $(seq 1 "$steps"); do timeout 5 xdotool key Down; done
        timeout 5 xdotool key Return
        ;;
    esac
  done
  [ -n "${TAFEL_KEEP_SCREENSHOTS:-}" ] &&
    timeout 10 import -window root "$TAFEL_KEEP_SCREENSHOTS/export-$(basename "$file").png"
  click_node "text" "Name:" || return 1
  timeout 5 xdotool key ctrl+a
  timeout 5 xdotool type --delay 20 "$file"
  timeout 5 xdotool key Return
  wait_for 20 test -s "$file"
}

png_size () { identify -format '%w %h' "$1" 2>/dev/null; }
corner_alpha () { convert "$1" -format '%[fx:p{1,1}.a]' info: 2>/dev/null; }

if export_as e "Export as PNG Image" "$out/plain.png"; then
  ok "Export as PNG Image… writes the file ($(png_size "$out/plain.png"))"
else
  not_ok "Export as PNG Image… writes the file"
  sed 's/^/# /' "$work/tafel.log"
fi

if export_as e "Export as PNG Image" "$out/double.png" "Normal (1×)>1" transparent; then
  ok "Export as PNG Image… with Double (2×) and Transparent background writes the file"
else
  not_ok "Export as PNG Image… with Double (2×) and Transparent background writes the file"
fi

read -r w1 h1 <<<"$(png_size "$out/plain.png")"
read -r w2 h2 <<<"$(png_size "$out/double.png")"
if [ -n "${w1:-}" ] && [ -n "${w2:-}" ] && [ $((w2 - 2 * w1)) -ge -2 ] && [ $((w2 - 2 * w1)) -le 2 ] &&
   [ $((h2 - 2 * h1)) -ge -2 ] && [ $((h2 - 2 * h1)) -le 2 ] && [ "$w1" -gt 100 ]; then
  ok "at 2× the picture is twice as large (${w1}×${h1} → ${w2}×${h2})"
else
  not_ok "at 2× the picture is twice as large (${w1:-?}×${h1:-?} → ${w2:-?}×${h2:-?})"
fi

a1=$(corner_alpha "$out/plain.png") a2=$(corner_alpha "$out/double.png")
if [ "$a1" = 1 ] && [ "$a2" = 0 ]; then
  ok "a transparent background has no alpha in the corner (1× white: $a1, transparent: $a2)"
else
  not_ok "a transparent background has no alpha in the corner (1× white: ${a1:-?}, transparent: ${a2:-?})"
fi

if export_as d "Export as PDF Document" "$out/a4.pdf" "The drawing’s size>1"; then
  ok "Export as PDF Document… on A4, portrait writes the file"
else
  not_ok "Export as PDF Document… on A4, portrait writes the file"
fi
page=$(pdfinfo "$out/a4.pdf" 2>/dev/null | sed -n 's/^Page size: *//p')
case $page in
  "595.276 x 841.89 pts (A4)"*) ok "the PDF is an A4 page, portrait ($page)" ;;
  *) not_ok "the PDF is an A4 page, portrait (got “$page”)" ;;
esac

# The window has the keyboard again, as a window manager gives it back.
focus_window "$win"
timeout 5 xdotool key ctrl+o
if wait_for 15 find_window "Open Board"; then
  ok "Ctrl+O right after an export opens the Open Board dialog"
  timeout 5 xdotool key Escape
  wait_for 10 sh -c "! xdotool search --onlyvisible --name '^Open Board\$' >/dev/null"
else
  not_ok "Ctrl+O right after an export opens the Open Board dialog"
fi

focus_window "$win"
quit_cleanly "$app"
exit $tap_failed
