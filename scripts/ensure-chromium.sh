#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing.
# The tests drive /usr/bin/chromium through playwright-core, which never
# downloads a browser of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need /usr/bin/chromium. Install Debian's chromium package (apt-get install chromium) and run the tests again." >&2
  exit 1
fi

echo "Installing Debian's chromium package for the browser tests..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
