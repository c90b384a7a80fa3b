#!/usr/bin/env bash
# Installs the system packages the test suite drives for real, from Debian: Chromium for the
# browser tests (through playwright-core; `npx playwright install` cannot download here) and a
# colour emoji font, so the dashboard's country flags render in the screenshots.
set -euo pipefail
wanted=(chromium fonts-noto-color-emoji)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
