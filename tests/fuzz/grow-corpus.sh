#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Grows the corpus kept in the repository: runs a fuzz target for SECONDS
# from its kept corpus and the fixtures, then merges into
# tests/fuzz/corpus/NAME only the inputs that add coverage. Commit what it
# adds.
#   tests/fuzz/grow-corpus.sh BUILD-DIR NAME SECONDS
set -eu
build=$1 name=$2 seconds=$3
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures
fuzzer=$build/tests/fuzz/$name
corpus=$here/corpus/$name
max_len=$(sed -n "s/.*'$name': .*'max_len': '\([0-9]*\)'.*/\1/p" "$here/meson.build")
[ -n "$max_len" ] || max_len=$(grep -A1 "'$name'" "$here/meson.build" | sed -n "s/.*'max_len': '\([0-9]*\)'.*/\1/p")
dict=$here/${name#fuzz-}.dict
seeds=""
case $name in
  fuzz-record) seeds=$fixtures/records ;;
  fuzz-tafel-file) seeds=$fixtures/tafel ;;
  fuzz-invite) seeds=$fixtures/invites ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086 # seeds is one folder or none
"$fuzzer" -max_total_time="$seconds" -max_len="$max_len" -dict="$dict" -timeout=10 \
  -rss_limit_mb=2048 -detect_leaks=0 "$work" "$corpus" $seeds
# shellcheck disable=SC2086
"$fuzzer" -merge=1 -max_len="$max_len" -detect_leaks=0 "$corpus" "$work" $seeds
