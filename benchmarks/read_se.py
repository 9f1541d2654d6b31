"""Does a planned test's standard error (`placebo_se`) match the spread of its read over worlds the experimenter does
not control? Simulator panels, no fit: the truth stands in for what the fit expects.

For each panel (40 regions × 130 weeks × 5 channels; plain and confounded, `simulate --confounded`), each group size
and each test window: test regions matched on the KPI without its noise (`matched_markets` with `expected`, as the
planner does with the fit's prediction), the standard error from A/A reads as they are and less the KPI the media plan
explains (`planned`: the true contributions of the channels not flagged as moved by a shared driver), both against the
sd of the same read over 20 replicates (`SimConfig.replicate`: each region's demand and the noise drawn anew).

Run from the repo root:
    .venv/bin/python benchmarks/read_se.py --seeds 0,1,2

Prints one line per panel and group (se / replicate sd, raw and planned) and the count within a factor of 1.5.
"""

import argparse
import warnings
import numpy as np
from deepcausal_nb.data import load_panel
from deepcausal_nb.experiments import did_lift
from deepcausal_nb.planner import matched_markets, placebo_se, shared_drivers
from deepcausal_nb.recovery import true_contributions
from deepcausal_nb.simulate import simulate, CONFOUNDED

HOLDOUT, SIZES, WINDOWS = 13, (8, 16), ((60, 71), (80, 91), (100, 111))  # 8-week tests read 4 weeks past their end


def ratios(kw: dict, replicates: int) -> list[tuple]:
    "(size, window, raw se / replicate sd, planned se / replicate sd) for each group of one panel."
    sim = simulate(**kw)
    panel = load_panel(sim.data, holdout_weeks=HOLDOUT)
    n = panel.n_weeks - HOLDOUT
    drivers = shared_drivers(panel, n)
    planned = true_contributions(sim, panel)[..., [c not in drivers for c in panel.channels]].sum(-1)
    noise = sim.contributions.query('component == "noise"').pivot(index='region', columns='time', values='value')
    expected = panel.kpi - noise.to_numpy()  # what a perfect fit expects
    reps = [load_panel(simulate(replicate=r, **kw).data) for r in range(replicates)]
    out = []
    for k in SIZES:
        for w in WINDOWS:
            rs, _ = matched_markets(panel, k, slice(0, n), expected=expected, window=w)
            sd = np.std([did_lift(p, rs, *w)[0] for p in reps], ddof=1)
            out.append((k, w, placebo_se(panel, rs, *w, n) / sd, placebo_se(panel, rs, *w, n, planned=planned) / sd))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--replicates', type=int, default=20)
    a = ap.parse_args()
    warnings.simplefilter('ignore')
    within = {'raw': [], 'planned': []}
    for name, extra in (('plain', {}), ('confounded', CONFOUNDED)):
        for seed in (int(s) for s in a.seeds.split(',')):
            for k, w, raw, plan in ratios(dict(regions=40, weeks=130, channels=5, seed=seed, **extra), a.replicates):
                print(f'{name} seed {seed}: {k} regions, weeks {w[0]}-{w[1]}: se / replicate sd {raw:.2f} raw, '
                      f'{plan:.2f} planned', flush=True)  # fmt: skip
                within['raw'].append(1 / 1.5 <= raw <= 1.5)
                within['planned'].append(1 / 1.5 <= plan <= 1.5)
    for key, v in within.items():
        print(f'{key}: within 1.5x of the replicate spread in {sum(v)} of {len(v)}')


if __name__ == '__main__':
    main()
