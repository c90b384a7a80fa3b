#!/usr/bin/env bash
# Installs the system packages the test suite drives for real, from Debian: Chromium for the
# browser tests (through playwright-core; `npx playwright install` cannot download here) and a
# colour emoji font, so the dashboard's country flags render in the screenshots; and ClickHouse
# (Debian's 18.16), which the ClickHouse engine's tests start as a plain process on a free port
# with a temporary data directory (never as a system service).
set -euo pipefail
wanted=(chromium fonts-noto-color-emoji clickhouse-server clickhouse-client)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  # `npm test` runs this first (pretest): say what to run rather than wait at a password prompt.
  if ! sudo -n true 2>/dev/null; then
    echo "footfall: the tests need Debian packages that are missing (${missing[*]}); run: sudo bash scripts/install-system-deps.sh" >&2
    exit 1
  fi
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
