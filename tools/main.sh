#!/usr/bin/env bash
# README's first command: set up ./.venv if needed, then the main job: the MMM report on the project's own demo
# data (data/demo.csv, a simulated panel with known ground truth, written on first use) -> reports/out/demo.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
[ -f data/demo.csv ] || deepcausal-nb simulate data/demo.csv
deepcausal-nb report data/demo.csv --out reports/out/demo.html --force
echo "open reports/out/demo.html in a browser (works offline); true contributions of the demo data: data/demo.truth.json"
