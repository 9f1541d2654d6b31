"""Analysis from a saved model, timed: decomposition exactness, response curves, optimiser, and a plan forecast.
Usage: .venv/bin/python benchmarks/analysis_benchmark.py MODEL.pt DATA.csv   (e.g. the NAME.model.pt a report saved)"""

import sys
import time
import numpy as np
import pandas as pd
from deepcausal_nb.train import FittedMMM
from deepcausal_nb.data import extend_panel
from deepcausal_nb.decompose import contributions_frame, predictions_frame
from deepcausal_nb.response import response_curves
from deepcausal_nb.optimize import plan_budget

model, data = sys.argv[1:3]
t = time.perf_counter()
f = FittedMMM.load(model)
c = f.columns
panel = f.read_panel(data)
print(
    f'load model + data: {time.perf_counter() - t:.2f} s '
    f'({panel.n_regions} regions x {panel.n_weeks} weeks x {panel.n_channels} channels)'
)
t = time.perf_counter()
comp = f.components(panel)
contrib = contributions_frame(f, panel, comp)
pred = predictions_frame(f, panel, comp)
s = contrib.groupby(['region', 'time'], sort=False).value.sum()
p = pred.set_index(['region', 'time']).predicted.loc[s.index]
print(
    f'decomposition: {time.perf_counter() - t:.2f} s; '
    f'components sum to the prediction within {np.abs(s - p).max() / np.abs(p).max():.1e} (relative)'
)
t = time.perf_counter()
curves = response_curves(f, panel)
print(
    f'response curves, {len(curves)} channels (one batched pass + Hill fits): {time.perf_counter() - t:.2f} s; '
    f'median fit R2 {np.nanmedian([cv.fit_r2 for cv in curves]):.4f}'
)
t = time.perf_counter()
plan = plan_budget(f, panel, curves=curves)
print(
    f'optimiser + model check: {time.perf_counter() - t:.2f} s; unit {plan.unit}; '
    f'lift {plan.lift:+,.0f} ({plan.lift_pct:+.2f}%)'
    + (f'; held outside the budget: {", ".join(plan.held)}' if plan.held else '')
)
df = pd.read_csv(data)
tcol = pd.to_datetime(df[c.time]) if not pd.api.types.is_numeric_dtype(df[c.time]) else df[c.time]
last = df[tcol > tcol.max() - (pd.Timedelta(weeks=4) if not pd.api.types.is_numeric_dtype(tcol) else 4)].copy()
last[c.time] = (
    (pd.to_datetime(last[c.time]) + pd.Timedelta(weeks=4)).dt.strftime('%Y-%m-%d')
    if not pd.api.types.is_numeric_dtype(tcol)
    else last[c.time] + 4
)
t = time.perf_counter()
ext = extend_panel(panel, last.drop(columns=[c.target]))
fp = predictions_frame(f, ext)
print(
    f'plan of the last 4 weeks repeated: {time.perf_counter() - t:.2f} s; '
    f'predicted {c.target} {fp[fp.split == "future"].predicted.sum():,.0f} '
    f'vs {pred[pred.time.isin(pred.time.unique()[-4:])].actual.sum():,.0f} observed in the last 4 weeks'
)
