#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tafel in the lab's network namespaces: peers are real tafel-cli processes
# given only the invite link; each case checks the kind of path the link took
# and that every peer ends with the same board (digest).
#
#   d. two peers on one LAN segment, no broker, no internet → LAN beacon
set -u
. "$(dirname "$0")/lab-lib.sh"
lab_require lan
. "$(dirname "$0")/lab-tafel.sh"
lab_tafel_have seed || skip_all "tafel-cli is not built"
shared=${TAFEL_SHARED_DATA:-}
[ -f "$shared/quickdraw-strokes.ndjson" ] || skip_all "the shared stroke traces are not there"

echo "1..4"
lab_setup_lan

head -n 150 "$shared/quickdraw-strokes.ndjson" >"$LAB_DIR/t1.ndjson"

# The seeds hold their board locked, so digests are read after they stop.
stopped_digest () {
  lab_tafel_digest "$1" "$2" "$3"
}

# d. One room, no broker, no internet.
link=$(lab_tafel_new d-1 lan-1)
lab_tafel_import d-1 lan-1 "$link" "$LAB_DIR/t1.ndjson" >/dev/null
lab_tafel_seed d-1 lan-1 "$link" "${LAB_TAFEL_LAN[@]}"
lab_tafel_seed d-2 lan-2 "$link" "${LAB_TAFEL_LAN[@]}"
if lab_tafel_wait_event d-1 60 peer-joined; then
  check "d: peers on one LAN find each other with no broker" true
  check "d: they link host to host" test "$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)" = host
else
  check "d: peers on one LAN find each other with no broker" false
  check "d: they link host to host" false
fi
check "d: the newcomer syncs the board" lab_tafel_wait_event d-2 60 synced
lab_tafel_stop d-1; lab_tafel_stop d-2
d1=$(stopped_digest d-1 "$link" lan-1); d2=$(stopped_digest d-2 "$link" lan-2)
check "d: both end with the same board" test -n "$d1" -a "$d1" = "$d2"


exit $tap_failed
