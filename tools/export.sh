#!/usr/bin/env bash
# After editing notebooks: clean them, format them with ruff, export the library from them and format it the same
# way (nbdev writes `__all__` and the module index in its own layout). tools/test.sh fails if this would change a file.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
nbdev-clean
ruff format --quiet nbs
nbdev-export
ruff format --quiet deepcausal_nb
