#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The GSettings schemas in data/ compile under --strict and hold the keys
# the app and the peer read.
#   test-schema.sh DATA-DIR SCHEMA-ID
set -u
. "$(dirname "$0")/../tap.sh"
require glib-compile-schemas gsettings

data=$1 schema_id=$2
work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/schema.XXXXXX")

compiles () { glib-compile-schemas --strict --dry-run "$1"; }

check "glib-compile-schemas --strict accepts $data" compiles "$data"

glib-compile-schemas --strict --targetdir="$work" "$data"
keys=$(GSETTINGS_SCHEMA_DIR="$work" GSETTINGS_BACKEND=memory gsettings list-keys "$schema_id" 2>&1)
for key in display-name color broker-url stun-server turn-server turn-username turn-password \
           window-width window-height window-maximized; do
  check "the schema has the key $key" grep -q -x -- "$key" <<<"$keys"
done

# A default of the wrong type must fail the same check.
mkdir "$work/broken"
sed '0,/<default>.*<\/default>/s//<default>42<\/default>/' "$data/$schema_id.gschema.xml" \
  >"$work/broken/$schema_id.gschema.xml"
rejects "a schema with a default of the wrong type is rejected" compiles "$work/broken"

rm -rf "$work"
done_testing
