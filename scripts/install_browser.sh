#!/usr/bin/env bash
# Installs the headless browser the browser tests drive (tests/browser): Debian's
# `chromium` package. Playwright's own browser download needs its CDN; the distribution's
# package works offline from the Debian mirror and is kept patched by apt.
# Does nothing when a Chromium is already there ($CHROMIUM_PATH, or `chromium` on PATH).
set -euo pipefail

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  if [[ -x "$CHROMIUM_PATH" ]]; then exit 0; fi
  echo "install_browser: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser: no 'chromium' on PATH and no apt-get to install it." >&2
  echo "  Install Chromium with your system's package manager, or point CHROMIUM_PATH" >&2
  echo "  at a Chromium or Chrome executable, then run the browser tests again." >&2
  exit 1
fi

if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install_browser: the browser tests need Debian's 'chromium' package, and installing it" >&2
  echo "  needs root. Run:  sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "  (or set CHROMIUM_PATH to a Chromium or Chrome executable)." >&2
  exit 1
fi

echo "install_browser: installing Debian's chromium package (once)"
export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg run (another install, unattended upgrades) to finish.
apt_options=(-o DPkg::Lock::Timeout=600 -qq)
"${as_root[@]}" apt-get "${apt_options[@]}" update
# fonts-liberation: metric-compatible fonts, so screenshots look the same on every machine.
"${as_root[@]}" apt-get "${apt_options[@]}" install -y --no-install-recommends \
  chromium fonts-liberation >/dev/null
command -v chromium >/dev/null 2>&1 || {
  echo "install_browser: apt-get installed chromium but it is not on PATH" >&2
  exit 1
}
echo "install_browser: $(chromium --version 2>/dev/null || echo chromium installed)"
