"""Batch benchmark: a batch of reports on a local Dask cluster, one worker (sequential) against several.

Run from the repo root:
    .venv/bin/python benchmarks/batch_benchmark.py [--reports 6] [--workers 1,2] [--epochs 200] [--scheduler ADDRESS]

Each run is the real CLI (`deepcausal-nb report --list ... --jobs N`) on simulated panels (3 regions x 80 weeks x 3
channels). Printed per run: wall time and the peak memory of the whole process tree (the CLI, the Dask scheduler,
workers and their papermill kernels), sampled every 0.2 s with psutil.
"""

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
import psutil

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).parent / 'deepcausal-nb')


def tree_rss(p: psutil.Process) -> int:
    total = 0
    for q in [p, *p.children(recursive=True)]:
        try:
            total += q.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(cmd: list) -> tuple[float, float, int]:
    "Run `cmd`; (wall seconds, peak tree RSS in MB, exit code)."
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ps, peak, done = psutil.Process(proc.pid), [0], threading.Event()

    def sample():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], tree_rss(ps))
            except psutil.Error:
                pass
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    err = proc.communicate()[1]
    done.set()
    th.join()
    if proc.returncode != 0:
        print(err[-2000:], file=sys.stderr)
    return time.perf_counter() - t0, peak[0] / 2**20, proc.returncode


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--reports', type=int, default=6)
    ap.add_argument('--workers', default='1,2', help='local cluster sizes to compare (1 = one report at a time)')
    ap.add_argument('--epochs', type=int, default=200)
    ap.add_argument('--scheduler', help='also run the batch on this Dask scheduler')
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        for i in range(a.reports):
            subprocess.run(
                [
                    EXE,
                    'simulate',
                    str(d / f'brand{i}.csv'),
                    '--regions',
                    '3',
                    '--weeks',
                    '80',
                    '--channels',
                    '3',
                    '--seed',
                    str(i),
                ],
                check=True,
                capture_output=True,
            )
        (d / 'list.txt').write_text('\n'.join(str(d / f'brand{i}.csv') for i in range(a.reports)))
        base = [EXE, 'report', '--list', str(d / 'list.txt'), '--no-progress', '--force', '-p', f'epochs={a.epochs}']
        runs = [(f'local cluster, {w} worker(s)', ['--jobs', w, '--scheduler', 'local']) for w in a.workers.split(',')]
        if a.scheduler:
            runs.append((f'scheduler {a.scheduler}', ['--scheduler', a.scheduler]))
        print(f'{a.reports} reports (3 regions x 80 weeks x 3 channels, {a.epochs} epochs)')
        for label, extra in runs:
            wall, rss, code = run(
                [*base, '--out-dir', str(d / label.replace(' ', '_').replace(',', '')), *map(str, extra)]
            )
            print(
                f'{label:>32}: wall {wall:6.1f} s, peak RSS of the process tree {rss:6.0f} MB'
                + ('' if code == 0 else f'  (exit {code})'),
                flush=True,
            )
