#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# po/POTFILES.in lists every file with translatable strings: each source file
# under src/ that marks a string (_(), N_(), C_(), NC_(), ngettext or
# translatable="yes"), each data/*.in file and each GSettings schema; and
# every file it lists exists.
#   test-potfiles.sh SOURCE-ROOT
set -u
. "$(dirname "$0")/../tap.sh"

root=$1
potfiles="$root/po/POTFILES.in"
listed=$(grep -v -E '^[[:space:]]*(#|$)' "$potfiles" | sed 's/[[:space:]]*$//' | sort -u)

# A marker is a gettext call that is not the tail of a longer name (so
# g_autoptr_(…) or FOO_(…) do not count).
marked=$(cd "$root" && {
  grep -r -l -E '(^|[^[:alnum:]_])(N|C|NC|Q)?_ ?\(|(^|[^[:alnum:]_])(g_d?n?gettext|ngettext) ?\(' \
    --include='*.c' --include='*.h' src
  grep -r -l 'translatable="yes"' --include='*.ui' --include='*.blp' --include='*.xml' src
  ls data/*.in data/*.gschema.xml 2>/dev/null
} | sort -u)

missing=$(comm -23 <(printf '%s\n' "$marked") <(printf '%s\n' "$listed") | sed '/^$/d')
if [ -z "$missing" ]; then
  ok "every file with translatable strings is in po/POTFILES.in"
else
  not_ok "every file with translatable strings is in po/POTFILES.in"
  diag "Add these lines to po/POTFILES.in:" $missing
fi

gone=$(while read -r f; do [ -n "$f" ] && [ ! -f "$root/$f" ] && echo "$f"; done <<<"$listed")
if [ -z "$gone" ]; then
  ok "every file in po/POTFILES.in exists"
else
  not_ok "every file in po/POTFILES.in exists"
  diag "po/POTFILES.in lists files that do not exist:" $gone
fi

done_testing
