#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The app icon and its symbolic variant render to real pictures of the right
# size, and the symbolic one keeps to what GTK can recolour.
#   test-icons.sh APP-ICON-SVG SYMBOLIC-ICON-SVG
set -u
. "$(dirname "$0")/../tap.sh"
require rsvg-convert convert

app_icon=$1 symbolic_icon=$2
work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/icons.XXXXXX")

# renders SVG SIZE MIN-COVERAGE: rsvg-convert draws SVG at its own size, the
# picture is SIZE×SIZE, and at least MIN-COVERAGE of it is not transparent.
renders () {
  local png="$work/$(basename "$1").png" size coverage
  rsvg-convert "$1" -o "$png" || return 1
  size=$(convert "$png" -format '%wx%h' info:)
  coverage=$(convert "$png" -alpha extract -format '%[fx:mean]' info:)
  echo "size $size, coverage $coverage"
  [ "$size" = "$2x$2" ] && awk -v c="$coverage" -v min="$3" 'BEGIN { exit !(c >= min) }'
}

# Symbolic icons are recoloured by GTK through their fill, so every shape is
# filled with the one reference colour and nothing is drawn with a stroke.
symbolic_style () {
  local colours
  colours=$(grep -o -i -E '#[0-9a-f]{6}\b|#[0-9a-f]{3}\b' "$1" | tr 'A-F' 'a-f' | sort -u | tr '\n' ' ')
  echo "colours: $colours"
  [ "$colours" = "#241f31 " ] && ! grep -q -E 'stroke|<text|<image' "$1"
}

check "the app icon renders at 128×128" renders "$app_icon" 128 0.5
check "the app icon uses more than one colour" \
  test "$(convert "$work/$(basename "$app_icon").png" -format '%k' info:)" -gt 16
check "the symbolic icon renders at 16×16" renders "$symbolic_icon" 16 0.2
check "the symbolic icon is filled with #241f31 only" symbolic_style "$symbolic_icon"

printf '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect' >"$work/broken.svg"
rejects "a truncated SVG is rejected" renders "$work/broken.svg" 16 0.2
printf '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"/>\n' >"$work/empty.svg"
rejects "an empty SVG is rejected" renders "$work/empty.svg" 16 0.2

rm -rf "$work"
done_testing
