#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian/Ubuntu machine:
# the programs the tests fill and render forms with, and vhpdf with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

# ghostscript, mupdf-tools: copies as printing programs make them; tesseract: reading scans
packages=(pdftk-java poppler-utils qpdf ghostscript mupdf-tools tesseract-ocr tesseract-ocr-deu)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)  # pdf.js filler (tests/js)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m pip install -q -e '.[test,ocr]'
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
