#!/usr/bin/env bash
# The quick tests in a fresh environment with the lowest dependency versions setup.cfg allows
# (tests/constraints-min.txt), so a declared minimum is a tested one.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)/venv
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q -c tests/constraints-min.txt -e '.[test,ocr]'
"$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not slow" \
  tests/test_samples.py tests/test_roundtrip.py tests/test_rules.py tests/test_hostile.py \
  tests/test_generate.py tests/test_unicode.py tests/test_extract_variants.py tests/test_exchange.py \
  tests/test_signature.py tests/test_odd_files.py tests/test_annexes.py tests/test_inputs.py \
  tests/test_objparse.py
