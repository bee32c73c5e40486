#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The built metainfo file passes AppStream's validator with no warning, is
# translated, and points at the desktop file of the same app id.
#   test-metainfo.sh METAINFO-FILE APP-ID
set -u
. "$(dirname "$0")/../tap.sh"
require appstreamcli

metainfo=$1 app_id=$2

# --no-net: the screenshot and URLs cannot be fetched here. Warnings and
# errors fail the check; pedantic remarks (such as the upper-case letters
# that reverse-DNS ids carry) do not.
validate () {
  local output status=0
  output=$(appstreamcli validate --no-net --explain "$1" 2>&1) || status=$?
  printf '%s\n' "$output"
  [ $status -eq 0 ] && ! grep -q -E '^(W|E):' <<<"$output"
}

check "appstreamcli validate --no-net accepts $(basename "$metainfo")" validate "$metainfo"
check "the component id is the app id ($app_id)" grep -q "<id>$app_id</id>" "$metainfo"
check "it launches $app_id.desktop" \
  grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo"
check "it has a release with a date" grep -q -E '<release version="[^"]+" date="[0-9]{4}-[0-9]{2}-[0-9]{2}"' "$metainfo"
check "it has a content rating" grep -q '<content_rating type="oars-1.1">' "$metainfo"
check "summary and description are translated into German" \
  sh -c 'grep -q "<summary xml:lang=\"de\">" "$1" && grep -q "<p xml:lang=\"de\">" "$1"' sh "$metainfo"

broken="${TAFEL_TEST_TMPDIR:-/tmp}/broken.metainfo.xml"
grep -v '<metadata_license>' "$metainfo" >"$broken"
rejects "a metainfo file without a metadata licence is rejected" validate "$broken"
rm -f "$broken"

done_testing
