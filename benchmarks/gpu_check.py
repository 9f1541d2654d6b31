"""Same fit on CUDA and on the CPU (run on a machine with a GPU; the library picks the device itself).

Panels are simulated at the size of the benchmark data (MMM_Data: 190 regions x 109 weeks x 13 channels) and the
attribution benchmark size (40 x 130 x 7), so nothing from ../shared is needed on the GPU machine.
Usage: python benchmarks/gpu_check.py [--cpu-threads N]
"""

import argparse
import time
import numpy as np
import torch
from deepcausal_nb.simulate import simulate
from deepcausal_nb.data import load_panel
from deepcausal_nb.config import load_config
from deepcausal_nb.train import fit, resolve_device

ap = argparse.ArgumentParser()
ap.add_argument('--cpu-threads', type=int, default=2)
args = ap.parse_args()
print(
    'auto device:',
    resolve_device('auto'),
    '|',
    torch.__version__,
    '|',
    torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU',
)
for R, T, C in [(190, 109, 8), (40, 130, 7)]:
    sim = simulate(regions=R, weeks=T, channels=C, seed=1)
    panel = load_panel(sim.data, holdout_weeks=13)
    for device in (['cuda'] if torch.cuda.is_available() else []) + ['cpu']:
        torch.set_num_threads(args.cpu_threads)
        cfg = load_config(overrides=[f'train.device={device}', 'progress=false'])
        t0 = time.perf_counter()
        f = fit(panel, cfg)
        wall = time.perf_counter() - t0
        ev = f.evaluate(panel)
        share = f.components(panel)['channels'][panel.mask].sum(0) / panel.kpi[panel.mask].sum()
        true = np.array([sim.truth['channels'][c.replace('_impressions', '')]['share'] for c in panel.channels])
        print(
            f'{R}x{T}x{C} on {f.info["device"]:5s}: {wall:6.1f} s, {f.info["epochs"]} epochs, '
            f'{1000 * wall / f.info["epochs"]:.1f} ms/epoch; '
            f'holdout R2 {ev["holdout"]["r2"]:.4f} WAPE {ev["holdout"]["wape"]:.4f}; '
            f'share error {100 * np.abs(share - true).mean():.2f} pp'
        )
