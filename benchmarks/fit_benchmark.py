"""Fit benchmark: speed, memory, holdout accuracy next to naive baselines, and attribution against simulator truth.

Run from the repo root:  .venv/bin/python benchmarks/fit_benchmark.py [--cases mmm13,mmm8,sim,national]
Each case runs the real CLI (`deepcausal-nb fit`) in its own process, so wall time and peak RSS are the whole fit's.
MMM_Data comes from ../shared/data (never copied into the repo); simulated panels are generated on the fly.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / 'shared' / 'data'
EXE = str(Path(sys.executable).parent / 'deepcausal-nb')


def run_fit(data, out, *extra):
    "Run `deepcausal-nb fit` in a child process; return (wall seconds, peak RSS MB)."
    t0 = time.perf_counter()
    p = subprocess.Popen(
        [EXE, 'fit', str(data), '--out', str(out), '--no-progress', '--force', *map(str, extra)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    out_text, err_text = p.stdout.read(), p.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'fit failed:\n{err_text}')
    return wall, ru.ru_maxrss / 1024, out_text


def metrics_block(m):
    rows = [dict(model='deepcausal_nb', **{k: m['holdout'][k] for k in ('r2', 'r2_within', 'rmse', 'wape')})]
    for name, b in m['baselines'].items():
        rows.append(dict(model=f'naive: {name}', **{k: b['holdout'][k] for k in ('r2', 'r2_within', 'rmse', 'wape')}))
    df = pd.DataFrame(rows).set_index('model')
    ref = m['baselines']['region_mean']['holdout']['rmse']
    df['skill_vs_region_mean'] = 1 - (df['rmse'] / ref) ** 2
    return df


def case_mmm(holdout, tmp):
    data = SHARED / 'deepcausalmmm' / 'MMM_Data.csv'
    if not data.exists():
        print(f'skip: {data} not found')
        return
    wall, rss, _ = run_fit(data, tmp / f'mmm{holdout}', '--holdout-weeks', holdout)
    m = json.loads((tmp / f'mmm{holdout}' / 'metrics.json').read_text())
    r = json.loads((tmp / f'mmm{holdout}' / 'run.json').read_text())
    ch = pd.read_csv(tmp / f'mmm{holdout}' / 'channels.csv')
    print(f'\n## MMM_Data (190 regions x 109 weeks x 13 channels), last {holdout} weeks held out')
    print(
        f'wall {wall:.1f} s for the whole `fit` (fit alone {r["fit_seconds"]:.1f} s, {m["epochs"]} epochs, '
        f'{1000 * r["fit_seconds"] / max(m["epochs"], 1):.0f} ms/epoch), peak RSS {rss:.0f} MB'
    )
    print(metrics_block(m).round(4).to_string())
    print(f'media share {ch.share.sum():.1%}; channel shares {", ".join(f"{s:.1%}" for s in ch.share)}')
    print(
        f'adstock decays {np.round(ch.adstock_decay.to_numpy(), 2).tolist()}; '
        f'Hill slopes {np.round(ch.hill_slope.to_numpy(), 2).tolist()}'
    )


def case_sim(regions, weeks, channels, tmp, holdout=13, seed=1):
    from deepcausal_nb.simulate import simulate, write_simulation

    sim = simulate(regions=regions, weeks=weeks, channels=channels, seed=seed)
    data = tmp / f'sim_{regions}.csv'
    write_simulation(sim, data)
    run = tmp / f'sim_{regions}_run'
    wall, rss, _ = run_fit(data, run, '--holdout-weeks', holdout)
    m = json.loads((run / 'metrics.json').read_text())
    r = json.loads((run / 'run.json').read_text())
    ch = pd.read_csv(run / 'channels.csv')
    truth = sim.truth['channels']
    ch['name'] = ch.channel.str.replace('_impressions', '', regex=False)
    rows = [
        dict(
            channel=r.name,
            share=100 * r.share,
            true_share=100 * truth[r.name]['share'],
            error_pp=100 * abs(r.share - truth[r.name]['share']),
            decay=r.adstock_decay,
            true_decay=truth[r.name]['adstock_decay'],
            half_sat=r.hill_half_saturation,
            true_half_sat=truth[r.name]['hill_half_saturation'],
            slope=r.hill_slope,
            true_slope=truth[r.name]['hill_slope'],
            roi=r.roi,
            true_roi=truth[r.name]['roi'],
        )
        for r in ch.itertuples()
    ]
    t = pd.DataFrame(rows).set_index('channel')
    print(
        f'\n## Simulated panel {regions} regions x {weeks} weeks x {channels} channels (seed {seed}), '
        f'last {holdout} weeks held out'
    )
    print(f'wall {wall:.1f} s, fit {r["fit_seconds"]:.1f} s ({m["epochs"]} epochs), peak RSS {rss:.0f} MB')
    print(metrics_block(m).round(4).to_string())
    print(t.round(2).to_string())
    print(
        f'mean absolute share error: {t.error_pp.mean():.2f} pp; '
        f'media share {ch.share.sum():.1%} (true {sim.truth["media_share"]:.1%})'
    )
    edges = pd.read_csv(run / 'edges.csv')
    top = [
        f'{a.replace("_impressions", "")}->{b.replace("_impressions", "")} {w:+.2f}'
        for a, b, w in edges.head(3).itertuples(index=False)
    ]
    print(
        f'top learned edges: {", ".join(top)}; '
        f'true: {", ".join(e["source"] + "->" + e["target"] for e in sim.truth["edges"])}'
    )


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--cases', default='mmm13,mmm8,sim,national')
    cases = ap.parse_args().cases.split(',')
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if 'mmm13' in cases:
            case_mmm(13, tmp)
        if 'mmm8' in cases:
            case_mmm(8, tmp)
        if 'sim' in cases:
            case_sim(40, 130, 7, tmp)
        if 'national' in cases:
            case_sim(1, 156, 6, tmp)
