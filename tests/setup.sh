#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian/Ubuntu machine:
# the programs the tests fill and render forms with, and vhpdf with its test extras into the
# active virtual environment (README: python3 -m venv .venv && . .venv/bin/activate && bash tests/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# ghostscript, mupdf-tools: copies as printing programs make them; tesseract: reading scans
packages=(pdftk-java poppler-utils qpdf ghostscript mupdf-tools tesseract-ocr tesseract-ocr-deu)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)  # pdf.js filler (tests/js)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# chromium: the HTML report's screen and print test; Ubuntu ships it only as a snap, so only
# where apt has a real package (elsewhere tests/test_html_print.py skips and says why)
want_chromium=0
command -v chromium >/dev/null 2>&1 || want_chromium=1
if ((${#missing[@]} || want_chromium)); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  if ((want_chromium)) && apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    missing+=(chromium)
  fi
  if ((${#missing[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
if [[ -z "${VIRTUAL_ENV:-}" ]]; then
  echo "tests/setup.sh: bitte zuerst eine virtuelle Umgebung anlegen und aktivieren:" >&2
  echo "  python3 -m venv .venv && . .venv/bin/activate && bash tests/setup.sh" >&2
  exit 2
fi
python -m pip install -q -e '.[test,ocr]'
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
