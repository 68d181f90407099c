#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing.
#   runtime: WeasyPrint (Pango, HarfBuzz subsetting, fonts); building psycopg2 (libpq, gcc)
#   gettext: compiling the Dutch/English admin translations
#   poppler-utils: pdftoppm, PNG pictures of letters kept as test artefacts
#   wrk: the HTTP load of `make bench` (bench/web.py) and its tiny run in `make test`
#   clamav-daemon: clamd, the virus scanner of attachments; the tests start their own
#     with a signature database they make (tests/cases/test_attachment_antivirus.py).
#     On a machine with systemd, Debian also starts its clamav-daemon and freshclam
#     services; the tests do not need them (`systemctl disable --now clamav-daemon
#     clamav-freshclam` if unwanted).
#   browser (only with the argument `browser`, for the tests): chromium and
#     chromium-driver, driven by Selenium in tests/workbench/.
# Usage: scripts/system-deps.sh [browser]   (root, or sudo available)
set -euo pipefail

PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  fonts-dejavu-core fonts-liberation
  libpq-dev gcc python3-dev
  gettext
  poppler-utils
  wrk
  clamav-daemon
)

if [ "${1:-}" = "browser" ]; then
  PACKAGES=(chromium chromium-driver)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# python3-dev is only needed when the interpreter in use has no headers of its own.
if python3 -c 'import sysconfig,os,sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)'; then
  missing=("${missing[@]/python3-dev}")
fi
read -r -a missing <<< "${missing[*]}"

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
