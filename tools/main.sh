#!/usr/bin/env bash
# README's first command: set up ./.venv if needed, then run the main job on the project's own demo data
# (a simulated panel with known ground truth, data/demo.csv): inspect it, fit the model, write runs/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
[ -f data/demo.csv ] || deepcausal-nb simulate data/demo.csv
deepcausal-nb inspect data/demo.csv
deepcausal-nb fit data/demo.csv --out runs/demo --force
echo "true channel shares of the demo data: data/demo.truth.json; learned: runs/demo/channels.csv"
