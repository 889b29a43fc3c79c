#!/usr/bin/env bash
# Installs the Debian packages the platform needs, only when one is missing.
# Fonts (Vietnamese-complete serif/sans for PDFs), Pango (WeasyPrint), poppler-utils (pdfsig,
# pdftotext in tests), softhsm2 + opensc (PKCS#11 token tests), postgresql-client (pg_dump,
# pgbench), chromium (the Playwright browser tests drive Debian's build), nodejs + npm (axe-core
# for the browser tests' accessibility checks, installed by `npm ci`), gettext, xmlsec1 (the
# independent verifier of the edXML messages' XML signatures in the exchange tests).
set -euo pipefail
PACKAGES=(
  fonts-liberation fonts-liberation2 fonts-noto-core fonts-dejavu-core
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  poppler-utils softhsm2 opensc gettext postgresql-client wrk xmlsec1
  chromium
)
# Node may come from elsewhere (NodeSource's nodejs bundles npm): only the commands matter.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
