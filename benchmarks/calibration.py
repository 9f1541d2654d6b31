"""Lift-test calibration on confounded panels: share error without and with geo experiments, against recorded truth.

Demand that the data do not record drives both the KPI and the always-on channels' spend (`simulate --confounded`),
and the panel holds N geo experiments (go-dark / heavy-up) on those channels with their measured lifts.

Run from the repo root:
    .venv/bin/python benchmarks/calibration.py                      # seeds 0 1 2 with 2, 3, 4 tests
    .venv/bin/python benchmarks/calibration.py --seeds 0,1,2,3,4,5 --set train.members=1
    .venv/bin/python benchmarks/calibration.py --seeds 0,1,2,3,4,5 --design heavyup   # TV heavied-up, not paced

Per panel and channel: true share, share error (pp) without and with the tests; per panel: share MAE, the
tested channels' largest error, holdout WAPE next to the best naive forecast, conflicts, and how many channels the
calibration moved outside their uncalibrated 90% interval (each one is flagged in the run).
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
import numpy as np
from deepcausal_nb.recovery import true_contributions, HOLDOUT
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.simulate import simulate, CONFOUNDED
from deepcausal_nb.train import fit
from deepcausal_nb.decompose import activity_check
from deepcausal_nb.metrics import regression_metrics, baseline_metrics

DESIGNS = {
    # demand drives the KPI and the paced channels' spend; the tests go to the paced channels first
    'confounded': dict(regions=40, weeks=130, channels=5, **CONFOUNDED),
    # the same, with TV (not paced) heavied-up between go-darks of search and social: a test of its margin only
    'heavyup': dict(regions=40, weeks=130, channels=5, experiment_channels='search,tv,social', **CONFOUNDED),
}


def shares(fitted, panel, m, total):
    return fitted.components(panel)['channels'][m].sum(0) / total


def run(seed: int, n_tests: int, overrides: list, save: str | None = None, design: str = 'confounded') -> dict:
    sim = simulate(seed=seed, experiments=n_tests, **DESIGNS[design])
    panel = load_panel(sim.data, holdout_weeks=HOLDOUT)
    true = true_contributions(sim, panel)
    m = panel.mask
    total = panel.kpi[m].sum()
    truth = true[m].sum(0) / total
    cfg = load_config(overrides=overrides)
    cfg.train.seed = seed
    cfg.train.progress = False
    out = dict(
        seed=seed,
        design=design,
        tests=n_tests,
        channels=[c.removesuffix('_impressions') for c in panel.channels],
        true=truth.tolist(),
        tested=sorted(set(c.removesuffix('_impressions') for c in sim.experiments.channel)),
    )
    for name, tests in (('without', None), ('with', sim.experiments)):
        t0 = time.perf_counter()
        f = fit(panel, cfg, experiments=tests)  # with tests: the fit without them first, which anchors the rest
        n = f.n_train
        base = baseline_metrics(panel.kpi, panel.mask, n)
        seconds = time.perf_counter() - t0
        if save:
            Path(save).mkdir(parents=True, exist_ok=True)
            f.save(Path(save) / f'seed{seed}_{name}.pt')
        check = activity_check(
            f, panel
        )  # does each channel's contribution follow its activity (a saturated stand-in does not)
        out[name] = dict(
            error_pp=(100 * (shares(f, panel, m, total) - truth)).tolist(),
            seconds=seconds,
            elasticity=check.elasticity.tolist(),
            activity_share=check.activity_share.tolist(),
            variation=check.variation.tolist(),
            flagged=check.baseline_like.tolist(),
            wape=regression_metrics(panel.kpi[:, n:], f.predict(panel)[:, n:], panel.mask[:, n:])['wape'],
            naive_wape=min(v['holdout']['wape'] for v in base.values()),
            conflicts=int(f.experiments.conflict.sum()) if f.experiments is not None else 0,
            # channels whose calibrated share left their uncalibrated interval (each is flagged in the run's notes)
            moved=f.calibration.moved.tolist() if f.calibration is not None else [],
        )
    return out


def table(results: list) -> str:
    lines = [
        (
            '| seed | tests | channel | tested | true share % | error without (pp) | error with (pp) '
            '| elasticity without | with | activity share without | with | variation without | with '
            '| flagged without | with |'
        ),
        '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ]
    for r in results:
        for c, name in enumerate(r['channels']):
            lines.append(
                f'| {r["seed"]} | {r["tests"]} | {name} | {"yes" if name in r["tested"] else ""} '
                f'| {100 * r["true"][c]:.2f} | '
                f'{r["without"]["error_pp"][c]:+.2f} | {r["with"]["error_pp"][c]:+.2f} '
                f'| {r["without"]["elasticity"][c]:.2f} | {r["with"]["elasticity"][c]:.2f} | '
                f'{r["without"]["activity_share"][c]:.2f} | {r["with"]["activity_share"][c]:.2f} '
                f'| {r["without"]["variation"][c]:.2f} | {r["with"]["variation"][c]:.2f} '
                f'| {"yes" if r["without"]["flagged"][c] else ""} | {"yes" if r["with"]["flagged"][c] else ""} |'
            )
    lines += [
        '',
        (
            '| seed | tests | share MAE without | with | tested max abs error without | with '
            '| untested max abs error without | with | holdout WAPE without | with | best naive | conflicts '
            '| moved (flagged) | fit s (with) |'
        ),
        '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ]
    for r in results:
        w, v = np.abs(r['without']['error_pp']), np.abs(r['with']['error_pp'])
        tested = np.array([n in r['tested'] for n in r['channels']])
        lines.append(
            f'| {r["seed"]} | {r["tests"]} | {w.mean():.2f} | {v.mean():.2f} '
            f'| {w[tested].max():.2f} | {v[tested].max():.2f} | '
            f'{w[~tested].max() if (~tested).any() else float("nan"):.2f} '
            f'| {v[~tested].max() if (~tested).any() else float("nan"):.2f} | '
            f'{100 * r["without"]["wape"]:.2f} | {100 * r["with"]["wape"]:.2f} | {100 * r["with"]["naive_wape"]:.2f} '
            f'| {r["with"]["conflicts"]} | {sum(r["with"].get("moved", []))} | {r["with"]["seconds"]:.0f} |'
        )
    return '\n'.join(lines)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--design', default='confounded', choices=list(DESIGNS))
    ap.add_argument('--tests', default='', help='tests per panel, one per seed (default 2, 3, 4, 2, ...)')
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE', help='setting override (repeatable)')
    ap.add_argument('--json', help='also write the results here')
    ap.add_argument(
        '--save', metavar='DIR', help='also save every fitted model there (seed{S}_without.pt, seed{S}_with.pt)'
    )
    a = ap.parse_args()
    warnings.filterwarnings('ignore')
    seeds = [int(s) for s in a.seeds.split(',')]
    counts = [int(n) for n in a.tests.split(',')] if a.tests else [2 + i % 3 for i in range(len(seeds))]
    results = []
    for seed, n in zip(seeds, counts):
        results.append(run(seed, n, a.set, a.save, a.design))
        print(f'seed {seed}: {n} tests done', file=sys.stderr, flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    print(table(results))
