#!/usr/bin/env bash
# Debian's chromium for the report's browser test (tests/test_report.py drives it with playwright; playwright's
# own browser download does not work offline). Installed only where it is missing and apt can be used.
set -uo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then exit 1; fi
log=$(mktemp)
echo "installing chromium for the browser test (log: $log) ..."
apt-get install -y --no-install-recommends chromium >"$log" 2>&1 \
  || { apt-get update >>"$log" 2>&1 && apt-get install -y --no-install-recommends chromium >>"$log" 2>&1; } \
  || { tail -5 "$log"; exit 1; }
command -v chromium >/dev/null 2>&1
