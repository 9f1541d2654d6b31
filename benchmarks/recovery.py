"""Recovery suite: does the fit recover the true contributions? Simulator designs x seeds, against recorded truth.

Run from the repo root:
    .venv/bin/python benchmarks/recovery.py                       # every design, seeds 0 1 2
    .venv/bin/python benchmarks/recovery.py --designs national6,varying --seeds 0,1 --set train.epochs=400
    .venv/bin/python benchmarks/recovery.py --scheduler tcp://host:8786     # every fit a Dask job \
(--scheduler local, --workers N: a local cluster)

Per design (mean over seeds, spread = max - min over seeds; the scores are `deepcausal_nb.recovery.score`'s):
- share_mae_pp: mean |learned - true| channel share of the KPI, percentage points (all observed weeks)
- srmse: median over channel x region of RMSE(true weekly contribution - learned) / |mean true| \
(cells whose channel airs)
- corr: mean over channels of the correlation of learned and true weekly contributions summed over regions
  (for `varying`, `corr_varying` is that of the channel whose effect swings)
- coef_rsd: relative SD over weeks of the learned coefficients (mean over channels); truth is 0 except `varying`
- wape / naive_wape: holdout WAPE of the model and of the best naive forecast (13 weeks held out)
- coverage_90: share of the channels (over seeds) whose 90% share interval (ensemble members) holds the true share
- edge_precision / edge_recall / edges_false: the fit's evidence edges (`edges.csv`: evidence) against the true graph
- total_mae_pp / total_max_pp / total_cov_90: the true source channels' total-effect shares (direct + what flows through
  the channels they drive; `channels.csv`: share_total) against the truth, and how often their 90% interval holds it
- fit_s: fit time (seconds, this machine)
Each seed sets both the simulated panel and the model's seed.
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
import numpy as np
import pandas as pd
import torch
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.simulate import simulate
from deepcausal_nb.recovery import HOLDOUT, DESIGNS, score, coverage_score, edge_score, total_score
from deepcausal_nb.train import fit


def fit_design(design: str, seed: int, overrides: list) -> tuple:
    "Simulate `design` with `seed` and fit it (the model seeded alike): (sim, panel, fitted, fit seconds)."
    sim = simulate(seed=seed, **DESIGNS[design])
    cfg = load_config(overrides=[f'train.seed={seed}', *overrides])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        panel = load_panel(sim.data, holdout_weeks=HOLDOUT)
        t0 = time.perf_counter()
        fitted = fit(panel, cfg, progress=False)
    return sim, panel, fitted, time.perf_counter() - t0


def run_one(design: str, seed: int, overrides: list) -> dict:
    sim, panel, fitted, seconds = fit_design(design, seed, overrides)
    inside = coverage_score(sim, panel, fitted)['share_in_0.9']  # does each channel's 90% share interval hold the truth
    return dict(
        design=design,
        seed=seed,
        fit_s=seconds,
        epochs=fitted.info.get('epochs'),
        share_covered=int(sum(inside)),
        share_intervals=len(inside),
        **score(sim, panel, fitted),
        **edge_score(sim, fitted.edges(panel=panel)),  # the graph's evidence edges against the true graph
        **total_score(sim, panel, fitted),  # the true sources' total effects (direct + through their descendants)
    )


def _job(args):
    "One fit as a Dask job: its share of the worker's cores for torch, then `fn(design, seed, overrides)`."
    fn, threads, job = args
    torch.set_num_threads(threads)
    return fn(*job)


def each_run(jobs: list, fn, scheduler=None, workers=None):
    """Yield `fn(design, seed, overrides)` for every job: here, one after another; \
on Dask (a scheduler or local workers) as they finish."""
    if not (scheduler or workers):
        for job in jobs:
            yield fn(*job)
        return
    import cloudpickle
    from deepcausal_nb.cluster import dask_client, run_jobs, local_layout

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not find this script on their path
    with dask_client(None if scheduler == 'local' else scheduler, workers=workers) as (client, where):
        threads = local_layout(workers)['torch_threads'] if where == 'local' else 1
        print(f'running {len(jobs)} fits on {where}', flush=True)
        for _, r in run_jobs(_job, [(fn, threads, j) for j in jobs], client, desc='fits'):
            if 'error' in r:
                raise RuntimeError(r['error'])
            yield r


def suite_arguments(ap: argparse.ArgumentParser, designs: list, seeds: str):
    """The flags every benchmark suite takes: which designs and seeds, config overrides, \
and where the fits run (`each_run`)."""
    ap.add_argument('--designs', default=','.join(designs), help=f'comma-separated subset of {", ".join(DESIGNS)}')
    ap.add_argument('--seeds', default=seeds)
    ap.add_argument(
        '--set', dest='overrides', action='append', default=[], metavar='KEY=VALUE', help='config override (repeatable)'
    )
    ap.add_argument(
        '--scheduler',
        help="run the fits as Dask jobs on this scheduler (tcp://host:8786), or 'local' for a local cluster",
    )
    ap.add_argument('--workers', type=int, help='local cluster: worker processes (default one per core); implies Dask')


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    g = rows.groupby('design', sort=False)
    out = g[
        ['share_mae_pp', 'share_max_pp', 'srmse', 'corr', 'corr_varying', 'coef_rsd', 'wape', 'naive_wape', 'fit_s']
    ].mean()
    out.insert(1, 'spread_pp', g.share_mae_pp.max() - g.share_mae_pp.min())
    out.insert(2, 'coverage_90', g.share_covered.sum() / g.share_intervals.sum())  # per design, over seeds x channels
    # evidence edges pooled over seeds (NaN: nothing found / nothing to find)
    out['edge_precision'] = g.edges_hit.sum() / g.edges_found.sum().replace(0, float('nan'))
    out['edge_recall'] = g.edges_hit.sum() / g.edges_true.sum().replace(0, float('nan'))
    out['edges_false'] = g.edges_found.sum() - g.edges_hit.sum()
    errs = g.total_err_pp.sum()  # lists joined over seeds: one entry per true source
    out['total_mae_pp'] = errs.map(lambda e: float(np.mean(np.abs(e))) if e else float('nan'))
    out['total_max_pp'] = errs.map(lambda e: float(np.max(np.abs(e))) if e else float('nan'))
    out['total_cov_90'] = g['total_in_0.9'].sum().map(lambda v: float(np.mean(v)) if v else float('nan'))
    out['wape'] *= 100
    out['naive_wape'] *= 100
    return out.rename(columns={'wape': 'wape_%', 'naive_wape': 'naive_wape_%'})


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    suite_arguments(ap, list(DESIGNS), '0,1,2')
    ap.add_argument('--json', help='also write every run (one row per design x seed) to this JSON file')
    a = ap.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    rows = []
    for r in each_run(
        [(d, s, a.overrides) for d in a.designs.split(',') for s in map(int, a.seeds.split(','))],
        run_one,
        a.scheduler,
        a.workers,
    ):
        design, seed = r['design'], r['seed']
        rows.append(r)
        varying = '' if r['corr_varying'] is None else f' (varying {r["corr_varying"]:.2f})'
        print(
            f'{design:>10} seed {seed}: share MAE {r["share_mae_pp"]:.2f} pp (max {r["share_max_pp"]:.2f}), '
            f'SRMSE {r["srmse"]:.3f}, '
            f'corr {r["corr"]:.2f}{varying}, coef RSD {r["coef_rsd"]:.3f}, '
            f'WAPE {100 * r["wape"]:.2f}% (naive {100 * r["naive_wape"]:.2f}%), '
            f'media {r["media_share"]:.1f}% (true {r["true_media_share"]:.1f}%), '
            f'90% share intervals hold the truth for {r["share_covered"]}/{r["share_intervals"]}, '
            f'evidence edges {r["edges_hit"]} of {r["edges_true"]} true, {r["edges_found"] - r["edges_hit"]} false, '
            f'total effect errors {[round(e, 2) for e in r["total_err_pp"]]} pp, '
            f'{r["fit_s"]:.1f} s, {r["epochs"]} epochs; slopes {r["slopes"]} (true {r["true_slopes"]})',
            flush=True,
        )
        if a.json:
            Path(a.json).write_text(json.dumps(rows, indent=1, default=float))
    print('\n' + summary(pd.DataFrame(rows)).round(3).to_string())
