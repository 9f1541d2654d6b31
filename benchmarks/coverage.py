"""Coverage benchmark: how often do the ensemble's intervals contain the truth? Simulated panels with known contributions.

Run from the repo root:
    .venv/bin/python benchmarks/coverage.py                          # 9 designs x seeds 0-5 = 54 panels
    .venv/bin/python benchmarks/coverage.py --designs national2,flat --seeds 0,1 --set train.members=12
    .venv/bin/python benchmarks/coverage.py --scheduler tcp://host:8786      # every fit a Dask job (--scheduler local, --workers N: a local cluster)

For each panel (the recovery designs, `deepcausal_nb.recovery.DESIGNS`, without the slow `large` one) the default fit
(an ensemble of `train.members`) gives, per channel, a share of the KPI and an ROI with intervals at 50/80/90/95 %
(`ensemble_interval`). Printed per nominal level, over every channel of every panel:
- share: fraction of channels whose true share lies inside, and the mean interval width (percentage points)
- roi: the same for the true ROI (contribution per unit of spend), width relative to the true ROI
- weekly: the same for each channel's true weekly contribution summed over regions (width relative to its mean)
- holdout: fraction of held-out region-weeks whose actual KPI lies inside the prediction interval (`prediction_interval`)
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
from deepcausal_nb.recovery import DESIGNS, true_contributions
from deepcausal_nb.train import ensemble_interval
from deepcausal_nb.decompose import prediction_interval

LEVELS = (0.5, 0.8, 0.9, 0.95)
DEFAULT_DESIGNS = [d for d in DESIGNS if d != 'large']


def _inside(truth, lo, hi) -> np.ndarray:
    return (truth >= lo) & (truth <= hi)


def score(sim, panel, fitted) -> dict:
    "Per level: coverage and widths of shares, ROIs, weekly contributions and holdout predictions; plus point accuracy."
    comp = fitted.components(panel, members=True)
    est, true, m = comp['channels'], true_contributions(sim, panel), panel.mask  # est [M, R, T, C]
    total = panel.kpi[m].sum()
    share, true_share = est[:, m].sum(1) / total, true[m].sum(0) / total  # [M, C], [C]
    spend = np.nansum(panel.spend[m], 0)
    roi, true_roi = est[:, m].sum(1) / spend, true[m].sum(0) / spend
    week = np.where(m[None, ..., None], est, 0).sum(1)[:, : fitted.n_train]  # [M, T, C] summed over regions
    true_week = np.where(m[..., None], true, 0).sum(0)[: fitted.n_train]
    scale_week = np.abs(true_week).mean(0)  # [C]
    n = fitted.n_train
    out = dict(
        share_mae_pp=100 * np.abs(share.mean(0) - true_share).mean(),
        member0_mae_pp=100 * np.abs(share[0] - true_share).mean(),
        channels=len(true_share),
    )
    for level in LEVELS:
        _, lo, hi = ensemble_interval(share, level)
        out[f'share_in_{level}'] = _inside(true_share, lo, hi).tolist()
        out[f'share_width_{level}'] = (100 * (hi - lo)).tolist()
        _, lo, hi = ensemble_interval(roi, level)
        out[f'roi_in_{level}'] = _inside(true_roi, lo, hi).tolist()
        out[f'roi_width_{level}'] = ((hi - lo) / np.abs(true_roi)).tolist()
        _, lo, hi = ensemble_interval(week, level)
        out[f'week_in_{level}'] = float(_inside(true_week, lo, hi).mean())
        out[f'week_width_{level}'] = float(((hi - lo) / scale_week).mean())
        _, lo, hi = prediction_interval(fitted, panel, comp, level)
        h = m[:, n:]
        out[f'holdout_in_{level}'] = float(_inside(panel.kpi[:, n:], lo[:, n:], hi[:, n:])[h].mean())
    return out


def run_one(design: str, seed: int, overrides: list) -> dict:
    sim, panel, fitted, seconds = fit_design(design, seed, overrides)
    return dict(design=design, seed=seed, fit_s=seconds, members=fitted.members, **score(sim, panel, fitted))


def table(rows: list[dict]) -> pd.DataFrame:
    "One row per nominal level: coverage and mean width over every channel (share, ROI), week and holdout cell."
    cat = lambda k: np.concatenate([np.asarray(r[k], dtype=float).ravel() for r in rows])
    return pd.DataFrame(
        [
            dict(
                level=f'{int(100 * l)}%',
                share_coverage=cat(f'share_in_{l}').mean(),
                share_width_pp=cat(f'share_width_{l}').mean(),
                roi_coverage=cat(f'roi_in_{l}').mean(),
                roi_width_rel=np.median(cat(f'roi_width_{l}')),
                weekly_coverage=cat(f'week_in_{l}').mean(),
                weekly_width_rel=cat(f'week_width_{l}').mean(),
                holdout_coverage=cat(f'holdout_in_{l}').mean(),
            )
            for l in LEVELS
        ]
    ).set_index('level')


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
                f'{design:>10} seed {seed}: 90% share coverage {np.mean(r["share_in_0.9"]):.2f} (width {np.mean(r["share_width_0.9"]):.2f} pp), '
                f'share MAE {r["share_mae_pp"]:.2f} pp (member 0: {r["member0_mae_pp"]:.2f}), {r["fit_s"]:.1f} s',
                flush=True,
            )
            if a.json:
                Path(a.json).write_text(json.dumps(rows, indent=1, default=float))
    print(f'\n{len(rows)} panels, {sum(r["channels"] for r in rows)} channels')
    print(table(rows).round(3).to_string())
    print('\n' + by_design(rows).round(3).to_string())
