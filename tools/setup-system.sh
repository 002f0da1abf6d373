#!/usr/bin/env bash
# What the test suite needs beyond Python packages, set up the same way on a laptop and in CI:
# `make test` runs this before pytest, and .ci/run is just `make test`.
#
#   chromium   Debian's browser at /usr/bin/chromium, which Playwright drives in tests/e2e (Playwright is
#              told to use it, so it downloads no browser of its own).
#
# The charts need no system font: the Python package mplfonts ships Noto Sans CJK SC. (Chinese in the
# browser's screenshots, MONITOR_SCREENSHOTS=docs/img, needs a CJK font for fontconfig: fonts-noto-cjk.
# No test looks at glyphs, so it is not installed here.)
#
# Quick when everything is there (no apt-get at all). As root it installs what is missing with apt-get
# and fails if it cannot; as another user it says what to install and returns 0, so the rest of the
# suite runs (the browser test is then skipped).
set -uo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
((${#missing[@]})) || exit 0

what="${missing[*]}"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: /usr/bin/chromium is missing, so the browser test (tests/e2e) will be skipped." >&2
  echo "setup-system: to run it, install Debian's $what: sudo apt-get install $what (or run make test as root)" >&2
  exit 0
fi
echo "setup-system: installing $what with apt-get (for the browser test, tests/e2e)" >&2
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  exit 0
fi
echo "setup-system: apt-get could not install $what; see its messages above" >&2
exit 1
