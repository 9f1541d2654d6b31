#!/usr/bin/env bash
# Set up the project in ./.venv: the CPU build of torch first (an unpinned torch would pull a multi-GB
# CUDA build), then the package with its dev tools. Idempotent: a second run only checks a stamp.
# Override the torch pin with TORCH_SPEC (e.g. TORCH_SPEC="torch==2.5.1") on machines without 2.13.0.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
stamp="$VENV/.deepcausal-setup"
want=$(cat pyproject.toml tools/setup.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log=$(mktemp)
  echo "setting up $VENV (log: $log) ..."
  if ! "$VENV/bin/python" -c "import torch" 2>/dev/null; then
    "$VENV/bin/pip" install --disable-pip-version-check "${TORCH_SPEC:-torch==2.13.0}" >"$log" 2>&1 || { tail -20 "$log"; exit 1; }
  fi
  "$VENV/bin/pip" install --disable-pip-version-check -e '.[dev]' >>"$log" 2>&1 || { tail -20 "$log"; exit 1; }
  echo "$want" > "$stamp"
  echo "set-up done: $("$VENV/bin/python" -c 'import torch, deepcausal_nb; print("deepcausal_nb", deepcausal_nb.__version__, "torch", torch.__version__)')"
fi
