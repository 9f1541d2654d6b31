"""Recovery suite: does the fit recover the true contributions? Simulator designs x seeds, against recorded truth.

Run from the repo root:
    .venv/bin/python benchmarks/recovery.py                       # every design, seeds 0 1 2
    .venv/bin/python benchmarks/recovery.py --designs national6,varying --seeds 0,1 --set train.epochs=400
    .venv/bin/python benchmarks/recovery.py --scheduler tcp://host:8786     # every fit a Dask job (--scheduler local, --workers N: a local cluster)

Per design (mean over seeds, spread = max - min over seeds):
- share_mae_pp: mean |learned - true| channel share of the KPI, percentage points (all observed weeks)
- srmse: median over channel x region of RMSE(true weekly contribution - learned) / |mean true| (cells whose channel airs)
- corr: mean over channels of the correlation of learned and true weekly contributions summed over regions
  (for `varying`, `corr_varying` is that of the channel whose effect swings)
- coef_rsd: relative SD over weeks of the learned coefficients (mean over channels); truth is 0 except `varying`
- wape / naive_wape: holdout WAPE of the model and of the best naive forecast (13 weeks held out)
- fit_s: fit time (seconds, this machine)
Each seed sets both the simulated panel and the model's seed.
"""
import argparse, json, sys, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.simulate import simulate
from deepcausal_nb.train import fit

HOLDOUT = 13
DESIGNS = {   # name: simulator settings
    'national2':  dict(regions=1, weeks=156, channels=2),
    'national6':  dict(regions=1, weeks=156, channels=6),
    'regions40':  dict(regions=40, weeks=130, channels=7),
    'varying':    dict(regions=40, weeks=130, channels=5, effect_swing=0.5, varying_channel='search'),
    'sparse':     dict(regions=40, weeks=130, channels=5, sparse=True),
    'steep':      dict(regions=20, weeks=130, channels=5, hill_slope_min=3.5, hill_slope_max=5.0),
    'flat':       dict(regions=20, weeks=130, channels=5, hill_slope_min=0.8, hill_slope_max=1.2),
    'confounded': dict(regions=40, weeks=130, channels=5, confounder=0.1),
    'collinear':  dict(regions=40, weeks=130, channels=5, collinearity=0.9),
    'large':      dict(regions=50, weeks=208, channels=30),
}

def true_contributions(sim, panel) -> np.ndarray:
    "True weekly channel contributions [regions, weeks, channels], in the panel's region/week/channel order."
    c = sim.contributions
    names = [m.removesuffix('_impressions') for m in panel.channels]
    c = c[c.component.isin(names)]
    region = c.region if sim.truth['region_column'] else pd.Series('national', index=c.index)
    wide = c.assign(region=region).pivot_table(index=['region', 'time'], columns='component', values='value', sort=True)[names]
    regions = [str(r) for r in panel.regions] if sim.truth['region_column'] else ['national']
    times = list(pd.DatetimeIndex(panel.times).strftime('%Y-%m-%d'))
    wide = wide.reindex(pd.MultiIndex.from_product([regions, times]))
    return wide.to_numpy().reshape(len(regions), len(times), len(names))

def score(sim, panel, fitted) -> dict:
    "Attribution against truth and holdout accuracy against the naive forecasts."
    comp = fitted.components(panel)
    est, true, m = comp['channels'], true_contributions(sim, panel), panel.mask
    total = panel.kpi[m].sum()
    share_err = np.abs(est[m].sum(0) - true[m].sum(0)) / total                          # [C]
    mean_true = np.where(m[..., None], true, 0).sum(1) / m.sum(1)[:, None]             # [R, C]
    rmse = np.sqrt((np.where(m[..., None], est - true, 0) ** 2).sum(1) / m.sum(1)[:, None])
    airs = np.abs(mean_true) > 1e-9 * np.abs(mean_true).max()
    srmse = rmse[airs] / np.abs(mean_true[airs])
    nat_est, nat_true = np.where(m[..., None], est, 0).sum(0), np.where(m[..., None], true, 0).sum(0)   # [T, C]
    corr = np.array([np.corrcoef(nat_est[:, c], nat_true[:, c])[0, 1] if nat_true[:, c].std() > 0 else np.nan for c in range(est.shape[2])])
    names = [x.removesuffix('_impressions') for x in panel.channels]
    tv = sim.truth['config']
    corr_varying = float(corr[names.index(tv['varying_channel'])]) if tv.get('effect_swing') else None
    coef = comp['coefficients'][:, :fitted.n_train]                                      # [R, T, C]
    coef_rsd = float(np.mean(coef.std(1).mean(0) / np.maximum(coef.mean((0, 1)), 1e-12)))
    ev = fitted.evaluate(panel)
    naive = min(v['holdout']['wape'] for v in ev['baselines'].values())
    pt = fitted.parameters_table()
    return dict(share_mae_pp=100 * share_err.mean(), share_max_pp=100 * share_err.max(), srmse=float(np.median(srmse)),
                srmse_mean=float(srmse.mean()), corr=float(np.nanmean(corr)), corr_varying=corr_varying, coef_rsd=coef_rsd,
                wape=ev['holdout']['wape'], naive_wape=naive, r2_within=ev['holdout']['r2_within'],
                media_share=100 * est[m].sum() / total, true_media_share=100 * true[m].sum() / total,
                slopes=[round(float(x), 2) for x in pt.hill_slope], true_slopes=[round(ch['hill_slope'], 2) for ch in sim.truth['channels'].values()],
                decays=[round(float(x), 2) for x in pt.adstock_decay], true_decays=[round(ch['adstock_decay'], 2) for ch in sim.truth['channels'].values()])

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
    return dict(design=design, seed=seed, fit_s=seconds, epochs=fitted.info.get('epochs'), **score(sim, panel, fitted))

def _job(args):
    "One fit as a Dask job: its share of the worker's cores for torch, then `fn(design, seed, overrides)`."
    fn, threads, job = args
    torch.set_num_threads(threads)
    return fn(*job)

def each_run(jobs: list, fn, scheduler=None, workers=None):
    "Yield `fn(design, seed, overrides)` for every job: here, one after another; on Dask (a scheduler or local workers) as they finish."
    if not (scheduler or workers):
        for job in jobs: yield fn(*job)
        return
    import cloudpickle
    from deepcausal_nb.cluster import dask_client, run_jobs, local_layout
    cloudpickle.register_pickle_by_value(sys.modules[__name__])   # workers need not find this script on their path
    with dask_client(None if scheduler == 'local' else scheduler, workers=workers) as (client, where):
        threads = local_layout(workers)['torch_threads'] if where == 'local' else 1
        print(f'running {len(jobs)} fits on {where}', flush=True)
        for _, r in run_jobs(_job, [(fn, threads, j) for j in jobs], client, desc='fits'):
            if 'error' in r: raise RuntimeError(r['error'])
            yield r

def suite_arguments(ap: argparse.ArgumentParser, designs: list, seeds: str):
    "The flags every benchmark suite takes: which designs and seeds, config overrides, and where the fits run (`each_run`)."
    ap.add_argument('--designs', default=','.join(designs), help=f"comma-separated subset of {', '.join(DESIGNS)}")
    ap.add_argument('--seeds', default=seeds)
    ap.add_argument('--set', dest='overrides', action='append', default=[], metavar='KEY=VALUE', help='config override (repeatable)')
    ap.add_argument('--scheduler', help="run the fits as Dask jobs on this scheduler (tcp://host:8786), or 'local' for a local cluster")
    ap.add_argument('--workers', type=int, help='local cluster: worker processes (default one per core); implies Dask')

def summary(rows: pd.DataFrame) -> pd.DataFrame:
    g = rows.groupby('design', sort=False)
    out = g[['share_mae_pp', 'share_max_pp', 'srmse', 'corr', 'corr_varying', 'coef_rsd', 'wape', 'naive_wape', 'fit_s']].mean()
    out.insert(1, 'spread_pp', g.share_mae_pp.max() - g.share_mae_pp.min())
    out['wape'] *= 100; out['naive_wape'] *= 100
    return out.rename(columns={'wape': 'wape_%', 'naive_wape': 'naive_wape_%'})

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    suite_arguments(ap, list(DESIGNS), '0,1,2')
    ap.add_argument('--json', help='also write every run (one row per design x seed) to this JSON file')
    a = ap.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    rows = []
    for r in each_run([(d, s, a.overrides) for d in a.designs.split(',') for s in map(int, a.seeds.split(','))], run_one, a.scheduler, a.workers):
        design, seed = r['design'], r['seed']
        rows.append(r)
        varying = '' if r['corr_varying'] is None else f" (varying {r['corr_varying']:.2f})"
        print(f"{design:>10} seed {seed}: share MAE {r['share_mae_pp']:.2f} pp (max {r['share_max_pp']:.2f}), SRMSE {r['srmse']:.3f}, "
              f"corr {r['corr']:.2f}{varying}, coef RSD {r['coef_rsd']:.3f}, "
              f"WAPE {100 * r['wape']:.2f}% (naive {100 * r['naive_wape']:.2f}%), media {r['media_share']:.1f}% (true {r['true_media_share']:.1f}%), "
              f"{r['fit_s']:.1f} s, {r['epochs']} epochs; slopes {r['slopes']} (true {r['true_slopes']})", flush=True)
        if a.json: Path(a.json).write_text(json.dumps(rows, indent=1, default=float))
    print('\n' + summary(pd.DataFrame(rows)).round(3).to_string())
