"""Coverage benchmark: how often do the ensemble's intervals contain the truth? \
Simulated panels with known contributions.

Run from the repo root:
    .venv/bin/python benchmarks/coverage.py                          # 9 designs x seeds 0-5 = 54 panels
    .venv/bin/python benchmarks/coverage.py --designs national2,flat --seeds 0,1 --set train.members=12
    .venv/bin/python benchmarks/coverage.py --scheduler tcp://host:8786      # every fit a Dask job \
(--scheduler local, --workers N: a local cluster)

For each panel (the recovery designs, `deepcausal_nb.recovery.DESIGNS`, without the slow `large` one) the default fit
(an ensemble of `train.members`) gives, per channel, a share of the KPI and an ROI with intervals at 50/80/90/95 %
(`ensemble_interval`). Printed per nominal level, over every channel of every panel:
- share: fraction of channels whose true share lies inside, and the mean interval width (percentage points)
- roi: the same for the true ROI (contribution per unit of spend), width relative to the true ROI
- weekly: the same for each channel's true weekly contribution summed over regions (width relative to its mean)
- holdout: fraction of held-out region-weeks whose actual KPI lies inside the prediction interval \
(`prediction_interval`)
and the accuracy of the ensemble's mean next to member 0 alone (the plain fit): share MAE in percentage points.
Each seed sets both the simulated panel and the model's seed.
"""

import argparse
import json
import sys
from pathlib import Path
import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cloudpickle
import recovery
from recovery import each_run, fit_design, suite_arguments
from deepcausal_nb.recovery import DESIGNS, coverage_score, coverage_table

DEFAULT_DESIGNS = [d for d in DESIGNS if d != 'large']


def run_one(design: str, seed: int, overrides: list) -> dict:
    sim, panel, fitted, seconds = fit_design(design, seed, overrides)
    return dict(design=design, seed=seed, fit_s=seconds, members=fitted.members, **coverage_score(sim, panel, fitted))


def by_design(rows: list[dict], level: float = 0.9) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    g = df.groupby('design', sort=False)
    return pd.DataFrame(
        {
            f'share_cov_{int(100 * level)}': g[f'share_in_{level}'].apply(
                lambda s: np.mean(np.concatenate(s.tolist()))
            ),
            'width_pp': g[f'share_width_{level}'].apply(lambda s: np.mean(np.concatenate(s.tolist()))),
            'mae_pp (ensemble)': g.share_mae_pp.mean(),
            'mae_pp (member 0)': g.member0_mae_pp.mean(),
            'fit_s': g.fit_s.mean(),
        }
    )


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    suite_arguments(ap, DEFAULT_DESIGNS, '0,1,2,3,4,5')
    ap.add_argument(
        '--json', help='also write every run to this JSON file (rows can be merged across runs with --from-json)'
    )
    ap.add_argument('--from-json', nargs='*', help='only print the tables of runs saved with --json')
    a = ap.parse_args()
    if a.from_json:
        rows = [r for f in a.from_json for r in json.loads(Path(f).read_text())]
    else:
        torch.set_num_threads(max(1, torch.get_num_threads()))
        rows = []
        if a.scheduler or a.workers:
            cloudpickle.register_pickle_by_value(recovery)  # the workers need not find these scripts
        for r in each_run(
            [(d, s, a.overrides) for d in a.designs.split(',') for s in map(int, a.seeds.split(','))],
            run_one,
            a.scheduler,
            a.workers,
        ):
            design, seed = r['design'], r['seed']
            rows.append(r)
            print(
                f'{design:>10} seed {seed}: 90% share coverage {np.mean(r["share_in_0.9"]):.2f} '
                f'(width {np.mean(r["share_width_0.9"]):.2f} pp), '
                f'share MAE {r["share_mae_pp"]:.2f} pp (member 0: {r["member0_mae_pp"]:.2f}), {r["fit_s"]:.1f} s',
                flush=True,
            )
            if a.json:
                Path(a.json).write_text(json.dumps(rows, indent=1, default=float))
    print(f'\n{len(rows)} panels, {sum(r["channels"] for r in rows)} channels')
    print(coverage_table(rows).round(3).to_string())
    print('\n' + by_design(rows).round(3).to_string())
