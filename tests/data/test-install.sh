#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `meson install` puts every desktop integration file where the desktop
# looks for it, under the app id of this build.
#   test-install.sh MESON PREFIX BINDIR DATADIR LOCALEDIR APP-ID GUI(true|false)
set -u
. "$(dirname "$0")/../tap.sh"

meson=$1 prefix=$2 bindir=$3 datadir=$4 localedir=$5 app_id=$6 gui=$7
build=${TAFEL_BUILD_ROOT:?}
work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/install.XXXXXX")
# bindir and friends may be relative to the prefix or absolute.
under () { case $1 in /*) echo "$work/root$1" ;; *) echo "$work/root$prefix/$1" ;; esac; }
bin=$(under "$bindir") share=$(under "$datadir") locale=$(under "$localedir")

check "meson install --destdir succeeds" \
  "$meson" install -C "$build" --no-rebuild --quiet --destdir "$work/root"

expect=(
  "$bin/tafel-cli"
  "$share/glib-2.0/schemas/io.github.tafel.Tafel.gschema.xml"
  "$share/mime/packages/$app_id.xml"
  "$locale/de/LC_MESSAGES/tafel.mo"
)
if [ "$gui" = true ]; then
  expect+=(
    "$bin/tafel"
    "$share/applications/$app_id.desktop"
    "$share/metainfo/$app_id.metainfo.xml"
    "$share/icons/hicolor/scalable/apps/$app_id.svg"
    "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
  )
fi
for f in "${expect[@]}"; do
  check "installs ${f#"$work/root"}" test -s "$f"
done

# The installed catalogue is the one a German session gets.
if command -v gettext >/dev/null 2>&1; then
  check "the installed German catalogue translates a message" \
    test "$(LC_ALL=C.UTF-8 LANGUAGE=de TEXTDOMAINDIR="$locale" gettext -d tafel "Tafel board")" = "Tafel-Datei"
fi

if [ "$gui" = true ]; then
  icon=$(sed -n 's/^Icon=//p' "$share/applications/$app_id.desktop")
  check "the desktop file's icon ($icon) is installed" \
    test -s "$share/icons/hicolor/scalable/apps/$icon.svg"
  if command -v appstreamcli >/dev/null 2>&1; then
    check "appstreamcli validate-tree accepts the installed tree" \
      appstreamcli validate-tree --no-net "$(under .)"
  fi
fi

rm -rf "$work"
done_testing
