#!/usr/bin/env bash
# The package as a user installs it, not as the checkout runs it: build the wheel from a copy of the project's files,
# install it into a fresh virtualenv (the CPU build of torch first, then the wheel with its dependencies) and, from a
# folder outside the project, run simulate, fit, optimize, forecast and report on a small panel. Any command that
# fails fails the check, with its output. tools/test.sh runs it; alone: `bash tools/wheel_check.sh`.
# The virtualenv is always new (a reused one could hide a missing dependency): ~1 min to install, ~1.5 GB, removed
# at the end. TORCH_SPEC overrides the torch pin (as in tools/setup.sh); KEEP=1 keeps the work folder to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/dcnb-wheel.XXXXXX")
cleanup() { if [ -n "${KEEP:-}" ]; then echo "wheel check: work folder kept: $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
fail() { echo "FAIL (wheel check): $*" >&2; exit 1; }
log=$work/step.log
quiet() {  # run a command, its output to the log; on failure show the log's end and fail
  "$@" >"$log" 2>&1 || { local rc=$?; tail -40 "$log" >&2; fail "$* (exit $rc)"; }
}

copy_sources() {  # what a fresh clone has (tracked files, new ones git does not ignore): no .venv, data, build output
  mkdir -p "$work/src"
  if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$repo" ls-files -z --cached --others --exclude-standard \
      | tar -C "$repo" --null --ignore-failed-read -T - -cf - | tar -C "$work/src" -xf -
  else
    tar -C "$repo" --exclude=./.venv --exclude=./data --exclude=./runs --exclude=./reports/out --exclude=./build \
        --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$work/src" -xf -
  fi
}

echo "wheel check: fresh virtualenv, ${TORCH_SPEC:-torch==2.13.0} (CPU), the wheel and its dependencies ..."
copy_sources
venv=$work/venv
quiet "${PYTHON:-python3}" -m venv "$venv"
quiet "$venv/bin/pip" install --disable-pip-version-check "${TORCH_SPEC:-torch==2.13.0}"
quiet "$venv/bin/pip" wheel --disable-pip-version-check --no-deps -w "$work/dist" "$work/src"
wheel=$(ls "$work"/dist/deepcausal_nb-*.whl)
shipped=deepcausal_nb/templates/mmm_report.ipynb
"$venv/bin/python" -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' \
  "$wheel" "$shipped" || fail "$wheel does not ship the report template ($shipped)"
quiet "$venv/bin/pip" install --disable-pip-version-check "$wheel"
echo "wheel check: installed $(basename "$wheel") in $((SECONDS - started)) s"

# From here on nothing of the checkout is reachable: another folder, no PYTHONPATH, the demo data in a private cache.
mkdir -p "$work/elsewhere" "$work/cache"
cd "$work/elsewhere"
unset PYTHONPATH
export PATH="$venv/bin:$PATH" XDG_CACHE_HOME="$work/cache" OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
py=$venv/bin/python
cli=$venv/bin/deepcausal-nb
found='import deepcausal_nb.report as r; print(r.__file__, r.default_template(), r.source_checkout(), r.demo_data())'
where=$("$py" -c "$found") ||
  fail "the installed package does not import, or finds no template or demo data"
read -r module template checkout demo <<<"$where"
case "$module:$template" in
  "$venv"/*:"$venv"/*) ;;
  *) fail "module $module and template $template are not the installed ones";;
esac
[ "$checkout" = None ] || fail "the installed package takes $checkout for a source checkout"
[ "$demo" = "$work/cache/deepcausal_nb/demo.csv" ] || fail "demo data went to $demo, not the user's cache"

FAST=(--set min_epochs=10 --set refit_epochs=5 --set members=2 --set member_epochs=5)
run_cli() {  # one installed command; its output is shown when it fails
  local t0=$SECONDS
  "$cli" "$@" >"$log" 2>&1 || { local rc=$?; cat "$log" >&2; fail "deepcausal-nb $* (exit $rc)"; }
  echo "wheel check: deepcausal-nb $1 ok ($((SECONDS - t0)) s): $(tail -1 "$log")"
}
run_cli simulate d.csv --regions 3 --weeks 50 --channels 2 --seed 1
run_cli fit d.csv --out run --epochs 40 --holdout-weeks 6 --no-progress "${FAST[@]}"
run_cli optimize run --budget 110%
"$py" - <<'EOF' || fail "could not write the forecast plan"
import pandas as pd
hist = pd.read_csv('d.csv', parse_dates=['date'])
last = hist[hist.date > hist.date.max() - pd.Timedelta(weeks=2)]          # the last 2 weeks, moved 2 weeks on
plan = last.assign(date=(last.date + pd.Timedelta(weeks=2)).dt.strftime('%Y-%m-%d')).drop(columns='sales')
plan.to_csv('plan.csv', index=False)
EOF
run_cli forecast run plan.csv
run_cli report d.csv --out report/d.html --no-progress -p epochs=40 -p holdout_weeks=6 "${FAST[@]}"
"$py" - <<'EOF' || fail "an output is missing or does not load"
import json
from pathlib import Path
import pandas as pd
outputs = ['run/model.pt', 'run/allocation.json', 'run/forecast.csv', 'report/d.html', 'report/d.json',
           'report/d.model.pt']
for f in outputs:
    assert Path(f).is_file(), f"{f} was not written"
alloc = pd.read_csv('run/allocation.csv')
assert all(pd.api.types.is_float_dtype(t) for t in alloc.drop(columns='channel').dtypes), alloc.dtypes
assert json.loads(Path('run/allocation.json').read_text())['verdict'].startswith('expected lift')
assert Path('report/d.html').stat().st_size > 100_000, 'the report page is too small to hold its charts'
EOF
echo "wheel check passed in $((SECONDS - started)) s: the installed wheel ran simulate, fit, optimize, forecast, report"
