#!/usr/bin/env bash
# The project's one test command (README, .ci/run): set-up if needed, notebooks clean and library in sync,
# ruff format and lint (pyproject [tool.ruff]), README in sync with nbs/index.ipynb, every notebook's inline tests,
# the documentation site, the installed wheel (tools/wheel_check.sh), then pytest (its summary line ends the run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/browser.sh || echo "no chromium: the report's browser test will be skipped"
export PATH="$PWD/.venv/bin:$PATH" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
snapshot() { find nbs deepcausal_nb -type f \( -name '*.ipynb' -o -name '*.py' \) -not -path '*/.ipynb_checkpoints/*' -print0 | sort -z | xargs -0 sha256sum; }
before=$(snapshot)
bash tools/export.sh
after=$(snapshot)
if [ "$before" != "$after" ]; then
  echo "FAIL: tools/export.sh changed files: notebooks were not clean or formatted, or the library was out of sync:"
  diff <(echo "$before") <(echo "$after") | grep '^[<>]' | awk '{print "  " $3}' | sort -u
  echo "Run: bash tools/export.sh, review, commit."
  exit 1
fi
echo "notebooks clean, library in sync"
# one command per line: under set -e a failure inside an && list does not stop the script
ruff format --check --quiet .
ruff check --quiet .
echo "ruff: formatted, lint clean"
python tools/readme.py --check
nbdev-test --n-workers 2
echo "notebook tests passed"
python tools/docs.py           # the documentation site from the executed notebooks (_docs/; tests/test_docs.py opens it)
bash tools/wheel_check.sh      # the wheel in a fresh virtualenv, every command run from outside the checkout
python -m pytest -rs tests
