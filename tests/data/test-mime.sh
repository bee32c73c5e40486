#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The board file type: shared-mime-info compiles our package, files named
# *.tafel and files that start with the board magic are application/x-tafel.
#   test-mime.sh MIME-PACKAGE-XML
set -u
. "$(dirname "$0")/../tap.sh"
require update-mime-database gio

package=$1
work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/mime.XXXXXX")

# build_db XML DIR: compiles a MIME database that holds only XML. Fails on
# any parse error, which update-mime-database itself only prints.
build_db () {
  local output
  mkdir -p "$2/mime/packages"
  cp "$1" "$2/mime/packages/"
  output=$(update-mime-database "$2/mime" 2>&1 | grep -v -E "not in the search path|XDG_DATA_(HOME|DIRS)|set them|currently searched|^- |^$")
  printf '%s\n' "$output"
  ! grep -q -i -E 'fail|error' <<<"$output" &&
    grep -q '^application/x-tafel$' "$2/mime/types"
}

# content_type FILE: the type GIO guesses for FILE with only our database.
content_type () {
  XDG_DATA_HOME="$work/db" XDG_DATA_DIRS="$work/db" \
    gio info -a standard::content-type "$1" 2>/dev/null |
    sed -n 's/^ *standard::content-type: //p'
}

check "update-mime-database compiles $(basename "$package")" build_db "$package" "$work/db"
check "globs2 maps *.tafel to application/x-tafel" \
  grep -q -E '^[0-9]+:application/x-tafel:\*\.tafel$' "$work/db/mime/globs2"
check "the magic rule matches the board file magic" grep -a -q "$(printf '\211TAFEL\r')" "$work/db/mime/magic"
check "the type has a German comment" \
  grep -q '<comment xml:lang="de">' "$work/db/mime/application/x-tafel.xml"

printf '\211TAFEL\r\n\001\000\000\000' >"$work/sample.tafel"
printf '\211TAFEL\r\n\001\000\000\000' >"$work/no-extension"
printf 'something else entirely\n' >"$work/plain"
check "a file named *.tafel is application/x-tafel" test "$(content_type "$work/sample.tafel")" = application/x-tafel
check "a file that starts with the board file magic is application/x-tafel" \
  test "$(content_type "$work/no-extension")" = application/x-tafel
# A real board file, as tafel-cli writes it, saved without its extension.
cli="${TAFEL_BUILD_ROOT:-}/src/cli/tafel-cli"
if [ -x "$cli" ]; then
  id=$("$cli" new --data-dir "$work/boards" --title "Mime" | head -n 1 | awk '{ print $NF }')
  "$cli" export "$id" --data-dir "$work/boards" -o "$work/exported.tafel" >/dev/null
  cp "$work/exported.tafel" "$work/exported-no-extension"
  check "a board file from tafel-cli is recognised by its content" \
    test "$(content_type "$work/exported-no-extension")" = application/x-tafel
fi
check "another file is not application/x-tafel" test "$(content_type "$work/plain")" != application/x-tafel

head -n 4 "$package" >"$work/broken.xml"
rejects "a truncated MIME package is rejected" build_db "$work/broken.xml" "$work/broken-db"

rm -rf "$work"
done_testing
