# SPDX-License-Identifier: GPL-3.0-or-later
# A few TAP helpers for the shell tests. Source this from a test script.

tap_n=0
tap_failed=0
tap_out=$(mktemp "${TMPDIR:-/tmp}/tafel-tap.XXXXXX")
trap 'rm -f "$tap_out"' EXIT

ok ()       { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok ()   { tap_n=$((tap_n + 1)); tap_failed=1; echo "not ok $tap_n - $*"; }
diag ()     { printf '%s\n' "$@" | sed 's/^/# /'; }
skip_all () { echo "1..0 # SKIP $*"; exit 77; }

# require PROGRAM…: skips the whole test when a program is missing.
require () {
  for prog in "$@"; do
    command -v "$prog" >/dev/null 2>&1 || skip_all "$prog is not installed"
  done
}

# check DESCRIPTION COMMAND…: one test point that passes when COMMAND
# succeeds; its output is shown only when it fails.
check () {
  local description=$1; shift
  if "$@" >"$tap_out" 2>&1; then
    ok "$description"
  else
    not_ok "$description"
    diag "$(cat "$tap_out")"
  fi
}

# rejects DESCRIPTION COMMAND…: one test point that passes when COMMAND
# fails. Used to show that a validation can fail at all.
rejects () {
  local description=$1; shift
  if "$@" >"$tap_out" 2>&1; then
    not_ok "$description"
    diag "accepted although it should have been rejected:" "$(cat "$tap_out")"
  else
    ok "$description"
  fi
}

# Call last: prints the plan and exits with the result.
done_testing () {
  echo "1..$tap_n"
  exit $tap_failed
}
