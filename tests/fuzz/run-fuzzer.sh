#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a libFuzzer target for a bounded time, with inputs up to MAX_LEN
# bytes and the format's dictionary, from corpus folders that are read,
# never written: new inputs go to a scratch folder; a crashing input is kept
# in ARTIFACTS (and libFuzzer prints it).
#   run-fuzzer.sh FUZZER SECONDS ARTIFACTS MAX_LEN DICT CORPUS…
set -eu
fuzzer=$1 seconds=$2 artifacts=$3 max_len=$4 dict=$5
shift 5
work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-${TMPDIR:-/tmp}}/fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
# libFuzzer's default failure status is 77, which test harnesses read as
# "skipped": make every failure a failure.
#
# Leaks are checked in a second, deterministic pass: libFuzzer's own leak
# heuristic (more mallocs than frees in one execution) also fires on
# one-time lazy initialisation and is not reproducible; instead every input
# the fuzzer kept, and every corpus input, runs once more in one process
# with LeakSanitizer, where a real per-input leak cannot hide.
"$fuzzer" -max_total_time="$seconds" -max_len="$max_len" -dict="$dict" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -detect_leaks=0 -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$artifacts/" "$work" "$@"
inputs=""
for dir in "$work" "$@"; do
  for f in "$dir"/*; do
    [ -f "$f" ] && inputs="$inputs $f"
  done
done
# shellcheck disable=SC2086 # one argument per input file
"$fuzzer" -runs=1 -detect_leaks=1 -error_exitcode=1 -artifact_prefix="$artifacts/" $inputs >/dev/null
