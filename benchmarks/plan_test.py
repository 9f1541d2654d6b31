"""The experiment planner judged end to end on confounded panels: plan, run the top test in the simulator, calibrate
with its result, and compare with the truth; against the same test of a channel drawn uniformly from the others.

Demand that the data do not record drives the KPI and the paced channels' spend (`simulate --confounded`), 40 regions
× 130 weeks × 5 channels (`benchmarks/calibration.py`'s design). The tests run inside the training weeks (week 60).

Run from the repo root:
    .venv/bin/python benchmarks/plan_test.py --seeds 0,1,2,3,4,5

Per seed: the top test, whether its channel is paced to demand, share MAE (pp) uncalibrated / with the top test / with
the random channel's test, the predicted lift se against the spread of 20 replicated reads (and against the reads'
error: each read less its replicate's exact lift), the predicted narrowing of
the tested channel's share interval against what calibration gave, and the planning time. `--narrowing-seeds N`
also refits both fits from N other training seeds: the measured narrowing is a ratio of two ensemble interval widths,
and its spread over training seeds says how closely one run can check the prediction.
"""

import argparse
import json
import time
import numpy as np
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.decompose import channel_table
from deepcausal_nb.experiments import ExperimentError, COLUMNS
from deepcausal_nb.planner import plan_experiment, run_test
from deepcausal_nb.recovery import true_contributions, HOLDOUT
from deepcausal_nb.simulate import simulate, CONFOUNDED, _traits
from deepcausal_nb.train import fit, ensemble_interval, _member_shares

DESIGN = dict(regions=40, weeks=130, channels=5, **CONFOUNDED)
START = 60  # the week the tests start


def truth_shares(sim, panel):
    m = panel.mask
    return true_contributions(sim, panel)[m].sum(0) / panel.kpi[m].sum()


def calibrated(design, kw, cfg):
    "Run the design's test in the simulator, fit with its read; share MAE before/after and the calibration table."
    tested = run_test(design, **kw)
    panel = load_panel(tested.data, holdout_weeks=HOLDOUT)
    truth = truth_shares(tested, panel)
    try:
        f = fit(panel, cfg, experiments=tested.experiments)
    except ExperimentError as e:  # a read the wrong way by more than 2 se: the analyst leaves the test out
        f = fit(panel, cfg)
        mae = float(100 * np.abs(channel_table(f, panel).share.to_numpy() - truth).mean())
        print(f'  test left out ({e}): share MAE stays {mae:.2f} pp', flush=True)
        return dict(before=mae, after=mae, lift=float(tested.experiments.lift[0]), table=None, rejected=True)
    cal = f.calibration
    return dict(
        rejected=False,
        before=float(100 * np.abs(cal.share_before - truth).mean()),
        after=float(100 * np.abs(cal.share - truth).mean()),
        lift=float(tested.experiments.lift[0]),
        table=cal,
    )


def refit_narrowing(panel, design, kw, overrides, c: int, train_seed: int) -> float:
    "The same test's narrowing with both fits (planning, calibrated) trained from another seed: the ensemble's noise."
    cfg = load_config(overrides=list(overrides))
    cfg.train.seed, cfg.train.progress = train_seed, False
    g = fit(panel, cfg)
    _, lo, hi = ensemble_interval(_member_shares(g, panel, g.n_train), 0.9)
    table = calibrated(design, kw, cfg)['table']
    return np.nan if table is None else 1 - float(table.share_hi[c] - table.share_lo[c]) / float(hi[c] - lo[c])


def run(seed: int, replicates: int = 20, overrides=(), narrowing_seeds: int = 0) -> dict:
    kw = dict(seed=seed, **DESIGN)
    sim = simulate(**kw)
    panel = load_panel(sim.data, holdout_weeks=HOLDOUT)
    cfg = load_config(overrides=list(overrides))
    cfg.train.seed, cfg.train.progress = seed, False
    f = fit(panel, cfg)
    t0 = time.perf_counter()
    plan = plan_experiment(f, panel, start=panel.times[START], progress=False)
    seconds = time.perf_counter() - t0
    top = plan.table.iloc[0]
    design = plan.design()
    out = dict(seed=seed, channel=top.channel, kind=top.kind, weeks=int(top.weeks), regions=int(top.n_regions))
    out['paced'] = _traits(top.channel.removesuffix('_impressions'))['pattern'] != 'flighted'
    out['plan_seconds'] = seconds
    own = calibrated(design, kw, cfg)
    out.update(mae_uncalibrated=own['before'], mae_top=own['after'])
    c = panel.channels.index(top.channel)
    # the narrowing against the planning fit's interval: the width the calibrated fit leaves, over the width before
    width = float(top.share_hi - top.share_lo)
    after = np.nan if own['table'] is None else float(own['table'].share_hi[c] - own['table'].share_lo[c])
    out.update(predicted_narrowing=float(top.narrowing), actual_narrowing=1 - after / width)
    # the measured narrowing is a ratio of two ensemble interval widths: its spread over other training seeds
    others = [refit_narrowing(panel, design, kw, overrides, c, 1000 * (i + 1) + seed) for i in range(narrowing_seeds)]
    out['actual_narrowing_seeds'] = [out['actual_narrowing'], *others]
    out.update(predicted_width_pp=100 * float(top.share_hi_after - top.share_lo_after), actual_width_pp=100 * after)
    out.update(lift=own['lift'], expected_lift=float(top.expected_lift), rejected=own['rejected'])
    tests = [run_test(design, replicate=r, **kw) for r in range(replicates)]
    reads = [t.experiments.lift[0] for t in tests]
    # each replicate's demand also changes the exact lift (a go-dark removes what that replicate spent): the read's
    # error is its distance to its own replicate's exact lift
    errors = [t.experiments.lift[0] - t.truth['experiments'][0]['exact_lift'] for t in tests]
    out.update(predicted_se=float(top.lift_se), replicate_sd=float(np.std(reads, ddof=1)))
    out.update(error_rms=float(np.sqrt(np.mean(np.square(errors)))))
    # the same test (kind, weeks, regions) of a channel drawn uniformly from the others
    rng = np.random.default_rng([seed, 7])
    r = int(rng.choice([k for k in range(panel.n_channels) if k != c]))
    spend = np.nan_to_num(panel.spend[..., r])
    rs = [panel.regions.index(x) for x in top.regions.split(';')]
    cells = spend[rs, START : START + int(top.weeks)].sum()
    rand = design.assign(channel=panel.channels[r], spend_change=(top.factor - 1) * cells)[COLUMNS]
    out['random_channel'] = panel.channels[r]
    out['mae_random'] = calibrated(rand, kw, cfg)['after']
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--json', help='write the rows as JSON here')
    ap.add_argument('--set', action='append', default=[], help='settings override, e.g. train.members=2')
    ap.add_argument(
        '--narrowing-seeds', type=int, default=0, help='also measure the narrowing with fits trained from N other seeds'
    )
    args = ap.parse_args()
    rows = []
    for s in (int(x) for x in args.seeds.split(',')):
        r = run(s, overrides=args.set, narrowing_seeds=args.narrowing_seeds)
        rows.append(r)
        print(
            f'seed {s}: top {r["channel"]} {r["kind"]} {r["weeks"]}wk×{r["regions"]} (paced {r["paced"]}); '
            f'MAE pp uncal {r["mae_uncalibrated"]:.2f} top {r["mae_top"]:.2f} random({r["random_channel"]}) '
            f'{r["mae_random"]:.2f}; se pred/replicates {r["predicted_se"] / r["replicate_sd"]:.2f} '
            f'(/read error {r["predicted_se"] / r["error_rms"]:.2f}); narrowing '
            f'pred {r["predicted_narrowing"]:.2f} actual {r["actual_narrowing"]:.2f} (width after, pp: pred '
            f'{r["predicted_width_pp"]:.2f} actual {r["actual_width_pp"]:.2f}); plan {r["plan_seconds"]:.1f}s'
            + (
                f'; narrowing over training seeds {" ".join(f"{x:.2f}" for x in r["actual_narrowing_seeds"])} '
                f'(mean {np.nanmean(r["actual_narrowing_seeds"]):.2f})'
                if args.narrowing_seeds
                else ''
            ),
            flush=True,
        )
    beats = sum(r['mae_top'] < r['mae_random'] for r in rows)
    reduces = sum(r['mae_top'] < r['mae_uncalibrated'] for r in rows)
    paced = sum(r['paced'] for r in rows)
    print(
        f'top beats random on {beats}/{len(rows)}; reduces MAE on {reduces}/{len(rows)}; '
        f'paced top pick {paced}/{len(rows)}'
    )
    if args.json:
        json.dump(rows, open(args.json, 'w'), indent=1, default=str)


if __name__ == '__main__':
    main()
