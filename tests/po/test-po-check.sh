#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every translation in po/LINGUAS exists and passes msgfmt's checks (header,
# format strings, accelerators).
#   test-po-check.sh PO-DIR
set -u
. "$(dirname "$0")/../tap.sh"
require msgfmt

po=$1
languages=$(grep -v -E '^[[:space:]]*(#|$)' "$po/LINGUAS" | tr -s ' \n' '\n')
check "po/LINGUAS names at least one language" test -n "$languages"

for lang in $languages; do
  check "msgfmt --check --check-format accepts $lang.po" \
    msgfmt --check --check-format --check-accelerators=_ -o /dev/null "$po/$lang.po"
done

# A format string that lost its %s must be caught by the same check.
work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/po.XXXXXX")
cat >"$work/broken.po" <<'PO'
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#, c-format
msgid "“%s” is not a command"
msgstr "kein Befehl"
PO
rejects "a translation that drops a %s is rejected" \
  msgfmt --check --check-format -o /dev/null "$work/broken.po"
rm -rf "$work"

done_testing
