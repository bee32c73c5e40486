#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The built desktop file is valid, translated, and names the app, its icon
# and the types it opens.
#   test-desktop.sh DESKTOP-FILE APP-ID
set -u
. "$(dirname "$0")/../tap.sh"
require desktop-file-validate

desktop=$1 app_id=$2

# desktop-file-validate exits 0 on warnings; we want none either.
validate () {
  local output status=0
  output=$(desktop-file-validate "$1" 2>&1) || status=$?
  printf '%s\n' "$output"
  [ $status -eq 0 ] && ! grep -q -i 'warning:' <<<"$output"
}

key () { grep -E "^$1=" "$desktop" | head -n 1 | cut -d= -f2-; }

check "desktop-file-validate accepts $(basename "$desktop")" validate "$desktop"
check "Exec is “tafel %U”" test "$(key Exec)" = "tafel %U"
check "Icon is the app id ($app_id)" test "$(key Icon)" = "$app_id"
check "MimeType has the invite link scheme and the board file" \
  test "$(key MimeType)" = "x-scheme-handler/tafel;application/x-tafel;"
check "Categories are set" test -n "$(key Categories)"
check "Keywords are set" test -n "$(key Keywords)"
for k in Name Comment Keywords; do
  check "$k is translated into German" grep -q "^$k\[de\]=" "$desktop"
done

# The same check must catch a broken file: one without its Type is invalid.
broken="${TAFEL_TEST_TMPDIR:-/tmp}/broken.desktop"
grep -v '^Type=' "$desktop" >"$broken"
rejects "a desktop file without Type= is rejected" validate "$broken"
rm -f "$broken"

done_testing
