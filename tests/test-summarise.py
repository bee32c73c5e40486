#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The closing line of `./run test` (tests/summarise.py) on made-up test
logs: skipped TAP points count as skipped, not as passes (test-export once
skipped 3 of 7 and the summary said all was well)."""

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarise import summarise  # noqa: E402

n = 0
failed = False


def check(description, got, expected):
    global n, failed
    n += 1
    if got == expected:
        print(f"ok {n} - {description}")
    else:
        failed = True
        print(f"not ok {n} - {description}")
        for line in f"expected: {expected!r}\n     got: {got!r}".splitlines():
            print(f"# {line}")


def build(root, name, entries):
    logs = Path(root) / name / "meson-logs"
    logs.mkdir(parents=True)
    with open(logs / "testlog.json", "w", encoding="utf-8") as f:
        for entry in entries:
            f.write(json.dumps(entry) + "\n")
    return str(Path(root) / name)


# What GLib's TAP output looks like for test-export with three points
# skipped: meson calls the whole program OK.
export = {
    "name": "tafel:unit / export",
    "result": "OK",
    "stdout": "# random seed: R02S\n1..7\n# Start of tafel tests\n"
              "ok 1 /tafel/export/png\n"
              "ok 2 /tafel/export/svg # SKIP The shared stroke traces (TAFEL_SHARED_DATA) are not there\n"
              "ok 3 /tafel/export/pdf\n"
              "ok 4 /tafel/export/tafel # SKIP rsvg-convert (librsvg2-bin) and pdftoppm (poppler-utils) are needed\n"
              "ok 5 /tafel/export/empty\n"
              "ok 6 /tafel/export/refuse\n"
              "ok 7 /tafel/export/real # SKIP The shared stroke traces (TAFEL_SHARED_DATA) are not there\n"
              "# End of tafel tests\n",
}
# A shell test's points (tests/ui/ui-lib.sh) and a whole program skipped.
shell = {
    "name": "tafel:ui / together",
    "result": "OK",
    "stdout": "ok 1 - the window opens\nok 2 - # SKIP no window manager runs here\nok 3 - it links\n1..3\n",
}
skip_all = {"name": "tafel:lab / lab-nat", "result": "SKIP", "stdout": "1..0 # SKIP the lab needs root\n"}
# Not TAP at all, and a program that crashed after its points passed.
plain = {"name": "tafel:unit / plain", "result": "OK", "stdout": "whatever it says\n"}
crashed = {"name": "tafel:net / sync", "result": "FAIL", "stdout": "1..3\nok 1 /a\nok 2 /b\n"}
one_failed = {"name": "tafel:net / link", "result": "FAIL", "stdout": "1..3\nok 1 /a\nnot ok 2 /b\nok 3 /c\n"}
todo = {"name": "tafel:unit / todo", "result": "OK", "stdout": "1..2\nok 1 /a\nnot ok 2 /b # TODO not yet\n"}

with tempfile.TemporaryDirectory() as root:
    lines = summarise([build(root, "export", [export])])
    check("skipped points of a passing program count as skipped",
          lines[-1], "tests: 4 passed, 0 failed, 3 skipped")
    check("each skipped point is listed with its reason", lines[:-1], [
        "skipped: tafel:unit / export: /tafel/export/svg: The shared stroke traces (TAFEL_SHARED_DATA) are not there",
        "skipped: tafel:unit / export: /tafel/export/tafel: rsvg-convert (librsvg2-bin) and pdftoppm (poppler-utils) are needed",
        "skipped: tafel:unit / export: /tafel/export/real: The shared stroke traces (TAFEL_SHARED_DATA) are not there",
    ])

    lines = summarise([build(root, "shell", [shell, skip_all, plain])])
    check("shell points, a skipped program and a non-TAP program",
          lines[-1], "tests: 3 passed, 0 failed, 2 skipped")
    check("a skipped shell point and a skipped program are listed", lines[:-1], [
        "skipped: tafel:ui / together: 2: no window manager runs here",
        "skipped: tafel:lab / lab-nat (all of it): the lab needs root",
    ])

    lines = summarise([build(root, "failing", [crashed, one_failed, todo])])
    check("a program that failed after passing points counts a failure; TODO points pass",
          lines, ["tests: 6 passed, 2 failed, 0 skipped"])

    lines = summarise([build(root, "plain-a", [export]), build(root, "plain-b", [shell]),
                       str(Path(root) / "never-built")])
    check("build folders add up; one without a log adds nothing",
          lines[-1], "tests: 6 passed, 0 failed, 4 skipped")

    check("the closing line is the plain 'N passed, N failed, N skipped'",
          summarise([])[-1], "tests: 0 passed, 0 failed, 0 skipped")

print(f"1..{n}")
sys.exit(1 if failed else 0)
