#!/usr/bin/env bash
# Installs Debian's Chromium for the extension's end-to-end test (extension-tests, ExtensionE2EIT),
# when missing (idempotent, quiet). puppeteer-core drives it with executablePath /usr/bin/chromium;
# no browser is ever downloaded by a tool. Fonts: DejaVu, so screenshots show text.
set -euo pipefail

log() { echo "browser: $*" >&2; }

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing chromium (Debian)"
  # a failure here is reported by ExtensionE2EIT (under CI=true it fails, naming this script)
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core) >/dev/null \
    || log "apt-get could not install chromium"
else
  log "chromium missing and cannot apt-get install it here; the extension test is skipped outside CI"
fi
