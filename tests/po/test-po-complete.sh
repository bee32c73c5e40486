#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every translation in po/LINGUAS is complete: the template is extracted
# afresh from the files in po/POTFILES.in (as meson's tafel-pot target does,
# with the glib preset), merged with each .po, and every untranslated or
# fuzzy message is printed.
#   test-po-complete.sh SOURCE-ROOT
set -u
. "$(dirname "$0")/../tap.sh"
require xgettext msgmerge msgattrib

root=$1
work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/po.XXXXXX")

# The arguments of meson's i18n 'glib' preset.
glib_preset=(
  --from-code=UTF-8 --add-comments
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format
)
grep -v -E '^[[:space:]]*(#|$)' "$root/po/POTFILES.in" >"$work/POTFILES"
check "xgettext extracts the template from po/POTFILES.in" \
  xgettext "${glib_preset[@]}" --package-name=tafel -D "$root" -f "$work/POTFILES" -o "$work/tafel.pot"
check "the template has messages" grep -q '^msgid "[^"]' "$work/tafel.pot"

for lang in $(grep -v -E '^[[:space:]]*(#|$)' "$root/po/LINGUAS"); do
  # No fuzzy matching: a new message shows up as missing under its own
  # msgid, not as a guess borrowed from a similar one.
  msgmerge --quiet --no-fuzzy-matching -o "$work/$lang.po" "$root/po/$lang.po" "$work/tafel.pot"
  untranslated=$(msgattrib --untranslated --no-obsolete --no-wrap "$work/$lang.po" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$work/$lang.po" | grep -c '^msgid ' || true)
  # msgattrib prints the header entry too (msgid ""), when it prints anything.
  untranslated=$(( untranslated > 0 ? untranslated - 1 : 0 ))
  fuzzy=$(( fuzzy > 0 ? fuzzy - 1 : 0 ))
  if [ "$untranslated" -eq 0 ]; then
    ok "$lang.po translates every message"
  else
    not_ok "$lang.po translates every message ($untranslated missing)"
    diag "Untranslated in po/$lang.po:" \
      "$(msgattrib --untranslated --no-obsolete --no-wrap "$work/$lang.po" | sed '1,/^$/d' | grep -E '^(#:|msgctxt|msgid)')"
  fi
  if [ "$fuzzy" -eq 0 ]; then
    ok "$lang.po has no fuzzy message"
  else
    not_ok "$lang.po has no fuzzy message ($fuzzy fuzzy)"
    diag "Fuzzy in po/$lang.po:" \
      "$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$work/$lang.po" | sed '1,/^$/d' | grep -E '^(#:|msgctxt|msgid)')"
  fi
done

rm -rf "$work"
done_testing
