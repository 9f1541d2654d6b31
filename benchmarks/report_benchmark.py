"""Wall time of the main job's report (`deepcausal-nb report`) on the demo panel and on the DeepCausalMMM paper's
MMM_Data panel (../shared), with the headline numbers each report states. Target: each under 3 minutes on the
2-core CI machine. Usage: .venv/bin/python benchmarks/report_benchmark.py [--skip-mmm]"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / 'deepcausal-nb'
SHARED = ROOT.parent / 'shared' / 'data'


def report(data, out):
    t0 = time.perf_counter()
    r = subprocess.run(
        [str(EXE), 'report', str(data), '--out', str(out), '--force', '--no-progress'], capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    if r.returncode:
        sys.exit(f'report failed: {r.stderr.strip().splitlines()[-1]}')
    h = json.loads(out.with_suffix('.json').read_text())
    ho, bl = h['holdout'], h['baseline']
    print(
        f'{Path(data).name}: {h["regions"]} regions x {h["weeks"]} weeks x {len(h["channels"])} channels '
        f'-> report in {wall:.1f} s '
        f'({out.stat().st_size / 1e6:.1f} MB HTML)'
    )
    print(
        f'  holdout {h["holdout_weeks"]} w: R2 {ho["r2"]:.4f}, within-region R2 {ho["r2_within"]:.3f}, '
        f'WAPE {ho["wape"]:.4f}, RMSE {ho["rmse"]:,.0f}'
    )
    names = h['best_baseline_names']  # the best naive forecast on each metric
    print(
        f'  best naive: R2 {bl["r2"]:.4f} ({names["r2"]}), '
        f'within-region R2 {bl["r2_within"]:.3f} ({names["r2_within"]}), '
        f'WAPE {bl["wape"]:.4f} ({names["wape"]}), RMSE {bl["rmse"]:,.0f} ({names["rmse"]})'
        f' -> model beats naive: {h["beats_baselines"]}'
    )
    if h.get('plan'):
        print(f'  recommended plan lift {h["plan"]["lift_pct"]:+.2f}% (model-checked)')
    return wall


if __name__ == '__main__':
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        demo = d / 'demo.csv'
        subprocess.run([str(EXE), 'simulate', str(demo)], check=True, capture_output=True)
        report(demo, d / 'demo.html')
        mmm = SHARED / 'deepcausalmmm' / 'MMM_Data.csv'
        if '--skip-mmm' not in sys.argv and mmm.exists():
            report(mmm, d / 'mmm.html')
