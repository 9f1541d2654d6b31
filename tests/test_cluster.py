"""Batches on a real Dask cluster: a local cluster of 2 worker processes renders 3 small reports while one worker is
killed mid-batch; every report and the index come out complete, and each report records where it ran."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / 'deepcausal-nb'
PARAMS = dict(
    epochs=40, holdout_weeks=6, overrides=['train.min_epochs=10', 'train.members=2', 'train.member_epochs=10']
)


def _kill_a_busy_worker(client, done: dict):
    "Wait until a worker is running a report, then kill its process (its nanny starts a fresh one)."
    deadline = time.time() + 300
    while time.time() < deadline:
        busy = [w for w, tasks in client.processing().items() if tasks]
        if busy:
            time.sleep(3)  # well inside the report: papermill has started the kernel
            client.run(os._exit, 1, workers=busy[:1], on_error='ignore')
            done['killed'] = busy[0]
            return
        time.sleep(0.2)


def test_batch_survives_a_dead_worker(tmp_path):
    from distributed import Client, LocalCluster
    from deepcausal_nb.simulate import simulate
    from deepcausal_nb.report import render_batch

    data = []
    for i in range(3):
        p = tmp_path / f'brand{i}.csv'
        simulate(regions=2, weeks=50, channels=2, seed=i).data.to_csv(p, index=False)
        data.append(p)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        done = {}
        killer = threading.Thread(target=_kill_a_busy_worker, args=(client, done), daemon=True)
        killer.start()
        res = render_batch(data, tmp_path / 'out', PARAMS, scheduler=cluster.scheduler_address, progress=False)
        killer.join(5)
    assert 'killed' in done, 'no worker was killed: the test did not test anything'
    assert (res.status == 'ok').all(), res[['data', 'status', 'message']]
    index = (tmp_path / 'out' / 'index.html').read_text()
    assert index.rstrip().endswith('</html>') and index.count('href="brand') == 3
    for p in data:
        page = (tmp_path / 'out' / f'{p.stem}.html').read_text()
        assert page.rstrip().endswith('</html>') and 'plotly' in page
        rec = json.loads((tmp_path / 'out' / f'{p.stem}.json').read_text())
        assert rec['scheduler'] == cluster.scheduler_address and rec['worker'].startswith('tcp://')
    assert not list((tmp_path / 'out').glob('.*.tmp'))  # no half-written page left behind


def test_cli_batch_on_a_local_cluster_records_local(tmp_path):
    p = tmp_path / 'solo.csv'
    assert (
        subprocess.run(
            [str(EXE), 'simulate', str(p), '--regions', '2', '--weeks', '50', '--channels', '2', '--seed', '3'],
            capture_output=True,
        ).returncode
        == 0
    )
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env.pop('DASK_SCHEDULER_ADDRESS', None)
    (tmp_path / 'none.txt').write_text('')
    # --list (empty here) makes even one dataset a batch
    r = subprocess.run(
        [
            str(EXE),
            'report',
            str(p),
            '--list',
            str(tmp_path / 'none.txt'),
            '--out-dir',
            str(tmp_path / 'out'),
            '--jobs',
            '1',
            '--no-progress',
            '-p',
            'epochs=40',
            '-p',
            'holdout_weeks=6',
            '--set',
            'train.min_epochs=10',
            '--set',
            'train.members=2',
            '--set',
            'train.member_epochs=10',
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert 'local Dask cluster' in r.stderr
    assert json.loads((tmp_path / 'out' / 'solo.json').read_text())['scheduler'] == 'local'
