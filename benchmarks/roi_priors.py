"""Oracle check of the business priors: on the confounded calibration design, an ROI prior at each channel's TRUE ROI.

Demand that the data do not record drives the KPI and the always-on channels' spend (`calibration.py`'s DESIGN, no lift
tests); the fit is run without priors and with `model.roi_prior` set, per channel, at the simulator's true ROI over the
training weeks (true contributions / spend), sd 0.5 on the log. The priors come from the truth, so this measures whether
the mechanism can fix the split when the business knows the answer, not how good a real prior would be.

Run from the repo root:
    .venv/bin/python benchmarks/roi_priors.py --seeds 0,1 --set train.members=1
"""

import argparse
import sys
import time
import warnings
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from deepcausal_nb.recovery import true_contributions, HOLDOUT
from calibration import DESIGN
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.simulate import simulate
from deepcausal_nb.train import fit


def run(seed: int, overrides: list, sd: float = 0.5) -> dict:
    "True shares and share errors (pp, training weeks) without and with the oracle ROI priors."
    sim = simulate(seed=seed, **DESIGN)
    panel = load_panel(sim.data, holdout_weeks=HOLDOUT)
    true = true_contributions(sim, panel)
    cells = panel.mask.copy()
    cells[:, panel.n_weeks - HOLDOUT :] = False  # the training weeks
    total, spend = panel.kpi[cells].sum(), np.nan_to_num(panel.spend)[cells].sum(0)
    truth, roi = true[cells].sum(0) / total, true[cells].sum(0) / spend
    priors = ','.join(f'{c}={r:.6g}:{sd}' for c, r in zip(panel.channels, roi))
    out = dict(seed=seed, channels=[c.removesuffix('_impressions') for c in panel.channels], true=truth)
    for name, extra in (('without', []), ('with', [f'model.roi_prior={priors}'])):
        cfg = load_config(overrides=overrides + extra)
        cfg.train.seed = seed
        cfg.train.progress = False
        t0 = time.perf_counter()
        f = fit(panel, cfg)
        out[name] = 100 * (f.components(panel)['channels'][cells].sum(0) / total - truth)
        out[f'{name}_seconds'] = time.perf_counter() - t0
    return out


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', default='0,1')
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE', help='setting override (repeatable)')
    a = ap.parse_args()
    warnings.filterwarnings('ignore')
    print('| seed | channel | true share % | error without (pp) | error with (pp) |\n|---|---|---|---|---|')
    rows = []
    for seed in map(int, a.seeds.split(',')):
        r = run(seed, a.set)
        rows.append(r)
        for c, name in enumerate(r['channels']):
            row = f'| {seed} | {name} | {100 * r["true"][c]:.2f} | {r["without"][c]:+.2f} | {r["with"][c]:+.2f} |'
            print(row, flush=True)
    print('\n| seed | share MAE without (pp) | with (pp) | fit s without | with |\n|---|---|---|---|---|')
    for r in rows:
        mae = [np.abs(r[k]).mean() for k in ('without', 'with')]
        print(f'| {r["seed"]} | {mae[0]:.2f} | {mae[1]:.2f} | {r["without_seconds"]:.0f} | {r["with_seconds"]:.0f} |')
