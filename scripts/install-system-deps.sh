#!/usr/bin/env bash
# Installs the system packages the test suite drives for real: Debian's Chromium (the browser
# tests use it through playwright-core; `npx playwright install` cannot download here).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
