"The installed `deepcausal-nb` command, run as a user runs it (a subprocess)."

import json
import os
import subprocess
import sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / 'shared' / 'data'
EXE = Path(sys.executable).parent / 'deepcausal-nb'


def cli(*args, cwd=None):
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_simulate_then_inspect(tmp_path):
    out = tmp_path / 'sub' / 'demo.csv'
    r = cli('simulate', out, '--regions', 4, '--weeks', 70, '--channels', 5, '--seed', 3)
    assert r.returncode == 0, r.stderr
    assert (
        out.exists()
        and (tmp_path / 'sub' / 'demo.truth.json').exists()
        and (tmp_path / 'sub' / 'demo.truth.csv').exists()
    )
    s = json.loads(cli('inspect', out, '--json').stdout)
    assert (s['regions'], s['weeks'], len(s['media']), len(s['spend']), len(s['controls']), s['target']) == (
        4,
        70,
        5,
        5,
        3,
        'sales',
    )
    text = cli('inspect', out).stdout
    assert 'regions   4' in text and 'tv_impressions' in text


def test_errors_are_one_line_exit_2(tmp_path):
    bad = tmp_path / 'bad.csv'
    bad.write_text('region,date,sales,tv_impressions\nA,2024-01-01,1,5\nA,2024-01-08,2,-1\n')
    r = cli('inspect', bad, '--holdout-weeks', 0)
    assert r.returncode == 2 and r.stdout == ''
    assert r.stderr.strip().count('\n') == 0 and 'Traceback' not in r.stderr
    assert "'tv_impressions' is negative at lines 3" in r.stderr
    r = cli('inspect', tmp_path / 'nope.csv')
    assert r.returncode == 2 and 'file not found' in r.stderr
    r = cli('inspect', bad, '--debug', '--holdout-weeks', 0)
    assert r.returncode == 2 and 'Traceback' in r.stderr


@pytest.mark.skipif(not SHARED.exists(), reason='../shared/data not present')
@pytest.mark.parametrize(
    'path,expect',
    [
        (
            'deepcausalmmm/MMM_Data.csv',
            dict(regions=190, weeks=109, media=13, controls=7, target='target_visits', incomplete=6),
        ),
        ('meridian/geo_all_channels.csv', dict(regions=40, weeks=156, media=6, spend=5, target='conversions')),
        ('robyn/dt_simulated_weekly.csv', dict(regions=1, weeks=208, media=5, spend=5, target='revenue')),
    ],
)
def test_shared_panels_detected_without_flags(path, expect):
    r = cli('inspect', SHARED / path, '--json')
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s['regions'] == expect['regions'] and s['weeks'] == expect['weeks'] and s['target'] == expect['target']
    assert len(s['media']) == expect['media']
    if 'controls' in expect:
        assert len(s['controls']) == expect['controls']
    if 'spend' in expect:
        assert len(s['spend']) == expect['spend']
    if 'incomplete' in expect:
        assert len(s['incomplete_regions']) == expect['incomplete']
    if path.startswith('robyn'):
        assert 'events' not in s['controls'] + s['media'] and 'events' in s['ignored']


FAST_FIT = ['--epochs', 60, '--set', 'min_epochs=20', '--set', 'refit_epochs=10', '--holdout-weeks', 6, '--no-progress']


def test_fit_is_reproducible_and_independent_of_row_and_column_order(tmp_path):
    import pandas as pd

    data = tmp_path / 'd.csv'
    assert cli('simulate', data, '--regions', 3, '--weeks', 50, '--channels', 3, '--seed', 4).returncode == 0
    df = pd.read_csv(data)
    media = [c for c in df.columns if c.endswith('_impressions')]
    # same rows shuffled; every column moved except the media columns' relative order (it is the DAG's causal order)
    others = [c for c in df.columns if c not in media]
    cols = others[::-1][:3] + media[:1] + others[::-1][3:] + media[1:]
    df.sample(frac=1, random_state=0)[cols].to_csv(tmp_path / 'shuffled.csv', index=False)
    runs = []
    for i, src in enumerate([data, data, tmp_path / 'shuffled.csv']):
        r = cli('fit', src, '--out', tmp_path / f'run{i}', *FAST_FIT)
        assert r.returncode == 0, r.stderr
        runs.append(tmp_path / f'run{i}')
    assert (runs[0] / 'metrics.json').read_bytes() == (runs[1] / 'metrics.json').read_bytes()
    assert (runs[0] / 'contributions.csv').read_bytes() == (runs[1] / 'contributions.csv').read_bytes()
    assert (runs[0] / 'metrics.json').read_text() == (runs[2] / 'metrics.json').read_text()
    key = ['region', 'time', 'component']
    a = pd.read_csv(runs[0] / 'contributions.csv').sort_values(key).reset_index(drop=True)
    b = pd.read_csv(runs[2] / 'contributions.csv').sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not (runs[0] / 'checkpoint.pt').exists()  # a finished fit removes its checkpoint


def test_extreme_scales_train_stably(tmp_path):
    import pandas as pd
    import numpy as np

    data = tmp_path / 'd.csv'
    assert cli('simulate', data, '--regions', 3, '--weeks', 60, '--channels', 3, '--seed', 5).returncode == 0
    df = pd.read_csv(data)
    big = df.assign(sales=df.sales * 1e5, **{c: df[c] * 1e7 for c in df.columns if c.endswith('_impressions')})
    big.to_csv(tmp_path / 'big.csv', index=False)  # KPI in the billions, impressions in the 1e9s
    for name in (
        'd',
        'big',
    ):  # the plain fit: each ensemble member is scale-free too, but the members' short refit at the
        # full learning rate from a jittered start amplifies float32 rounding beyond this check's 1e-4
        r = cli('fit', tmp_path / f'{name}.csv', '--out', tmp_path / f'run_{name}', *FAST_FIT, '--set', 'members=1')
        assert r.returncode == 0, r.stderr
    m0 = json.loads((tmp_path / 'run_d' / 'metrics.json').read_text())
    m1 = json.loads((tmp_path / 'run_big' / 'metrics.json').read_text())
    assert np.isfinite(m1['holdout']['rmse']) and np.isfinite(m1['train']['r2'])
    for split in ('train', 'holdout'):  # scale-free: the same fit up to float rounding
        assert abs(m1[split]['wape'] - m0[split]['wape']) < 1e-4 and abs(m1[split]['r2'] - m0[split]['r2']) < 1e-4
    c = pd.read_csv(tmp_path / 'run_big' / 'channels.csv')
    assert np.isfinite(c[['contribution', 'share', 'roi']].to_numpy()).all()


def test_killed_fit_leaves_a_loadable_checkpoint(tmp_path):
    import signal
    import time
    import numpy as np
    from deepcausal_nb.data import load_panel
    from deepcausal_nb.train import FittedMMM

    data = tmp_path / 'd.csv'
    assert cli('simulate', data, '--regions', 3, '--weeks', 60, '--channels', 3, '--seed', 6).returncode == 0
    run = tmp_path / 'run'
    p = subprocess.Popen(
        [str(EXE), 'fit', str(data), '--out', str(run), '--epochs', '5000', '--set', 'patience=5000', '--no-progress'],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, OMP_NUM_THREADS='1'),
    )
    try:
        t0 = time.time()
        while not (run / 'checkpoint.pt').exists() and time.time() - t0 < 120 and p.poll() is None:
            time.sleep(0.2)
        time.sleep(0.5)
        assert p.poll() is None, 'the fit ended before it could be killed'
        p.send_signal(signal.SIGKILL)
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
    assert not (run / 'model.pt').exists()
    saved = FittedMMM.load(run / 'checkpoint.pt')  # the last atomic checkpoint: complete, loadable
    assert saved.info['checkpoint_epoch'] >= 49
    assert np.isfinite(saved.predict(load_panel(data, holdout_weeks=8))).all()


@pytest.fixture(scope='module')
def calibrated_run(tmp_path_factory):
    """A confounded panel with 2 lift tests (`simulate --experiments`) and a fit calibrated on them (tests below share
    it)."""
    d = tmp_path_factory.mktemp('calibrated')
    r = cli(
        'simulate',
        d / 'conf.csv',
        '--regions',
        6,
        '--weeks',
        70,
        '--channels',
        3,
        '--seed',
        2,
        '--confounded',
        '--experiments',
        2,
    )
    assert r.returncode == 0, r.stderr
    r = cli(
        'fit',
        d / 'conf.csv',
        '--experiments',
        d / 'conf.experiments.csv',
        '--out',
        d / 'run',
        *FAST_FIT,
        '--set',
        'members=2',
        '--set',
        'member_epochs=10',
    )
    assert r.returncode == 0, r.stderr
    return d, r


def test_confounded_simulation_and_calibrated_fit(calibrated_run, tmp_path):
    import pandas as pd

    d, fitted = calibrated_run
    data, tests = d / 'conf.csv', d / 'conf.experiments.csv'
    tab = pd.read_csv(tests)
    assert (
        list(tab.columns)
        == ['channel', 'start', 'end', 'regions', 'spend_change', 'lift', 'lift_se', 'measure_weeks_after']
        and len(tab) == 2
    )
    assert 'control_demand' not in pd.read_csv(data, nrows=1).columns  # the demand is not in the data
    assert 'control_demand' in json.loads((d / 'conf.truth.json').read_text())['controls']
    bad = tmp_path / 'bad.csv'
    tab.assign(channel=['serch_impressions', tab.channel[1]]).to_csv(bad, index=False)
    r = cli('fit', data, '--experiments', bad, '--out', tmp_path / 'badrun', *FAST_FIT)
    assert r.returncode == 2 and "row 1: channel 'serch_impressions'" in r.stderr and 'did you mean' in r.stderr
    assert not (tmp_path / 'badrun' / 'model.pt').exists()
    assert (
        sum(line.startswith('lift test ') for line in fitted.stdout.splitlines()) == 2
        and 'before calibration' in fitted.stdout
    )
    run = json.loads((d / 'run' / 'run.json').read_text())['experiments']
    assert run['file'] == str(tests.resolve()) and len(run['tests']) == 2
    assert set(run['calibrated_channels']) | {c['channel'] for c in run['conflicts']} == set(tab.channel)
    out = pd.read_csv(d / 'run' / 'experiments.csv')
    assert {'lift', 'model_lift', 'model_lift_lo', 'model_lift_hi', 'lift_before', 'z', 'conflict'} <= set(out.columns)
    shares = pd.read_csv(d / 'run' / 'calibration.csv')  # every channel's share before and after, printed too
    assert list(shares.channel) == list(pd.read_csv(d / 'run' / 'channels.csv').channel)
    assert 'share of the KPI before -> after calibration' in fitted.stdout
    assert sum(line.startswith('  ') and ' -> ' in line for line in fitted.stdout.splitlines()) == len(shares)
    assert (shares.share_before_lo <= shares.share_before).all() and (
        shares.share_before <= shares.share_before_hi
    ).all()
    assert (
        set(shares.held) <= {'both ways', 'from above', 'free'}
        and (shares.held[shares.test == 'average'] == 'free').all()
    )
    assert out.share.tolist() == shares.set_index('channel').share[out.channel].tolist()


def plain_table(path):
    """Read a CSV the tool wrote with plain `pandas.read_csv` and check it is one table: no column mixes numbers and
    text."""

    import pandas as pd

    table = pd.read_csv(path)
    assert len(table) and len(table.columns) > 1, path
    for name, column in table.items():
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        numbers = pd.to_numeric(column, errors='coerce').notna()
        assert not numbers.any(), f'{path.name}: column {name!r} mixes numbers and text ({column[~numbers].iloc[-1]!r})'
    return table


# Columns that must come out as numbers, per file the CLI writes (simulate, fit with lift tests, optimize, forecast).
NUMERIC = {
    'conf.csv': ['sales', 'tv_impressions', 'tv_spend'],
    'conf.truth.csv': ['value'],
    'conf.experiments.csv': ['spend_change', 'lift', 'lift_se'],
    'contributions.csv': ['value'],
    'predictions.csv': ['actual', 'predicted', 'predicted_lo', 'predicted_hi'],
    'channels.csv': ['contribution', 'share', 'roi', 'roi_lo', 'roi_hi'],
    'edges.csv': ['weight', 'weight_lo', 'weight_hi', 'p_value', 'partial_r2'],
    'experiments.csv': ['lift', 'lift_se', 'model_lift', 'model_lift_lo', 'model_lift_hi', 'share_before', 'share'],
    'calibration.csv': ['share_before', 'share_before_lo', 'share_before_hi', 'share', 'share_lo', 'share_hi'],
    'allocation.csv': ['current', 'optimal', 'lower', 'upper', 'marginal_roi', 'lift', 'lift_lo', 'lift_hi'],
    'forecast.csv': ['predicted'],
}


def test_every_csv_the_cli_writes_loads_with_plain_read_csv(calibrated_run):
    import pandas as pd

    d, _ = calibrated_run
    run = d / 'run'
    optimized = cli('optimize', run, '--budget', '110%', '--force')
    assert optimized.returncode == 0, optimized.stderr
    hist = pd.read_csv(d / 'conf.csv', parse_dates=['date'])
    plan = hist[hist.date > hist.date.max() - pd.Timedelta(weeks=2)]  # the last 2 weeks, moved 2 weeks on
    plan.assign(date=plan.date + pd.Timedelta(weeks=2)).drop(columns='sales').to_csv(d / 'plan.csv', index=False)
    r = cli('forecast', run, d / 'plan.csv', '--force')
    assert r.returncode == 0, r.stderr
    written = {p.name: p for p in [*d.glob('conf*.csv'), *run.glob('*.csv')]}
    assert set(NUMERIC) <= set(written), sorted(set(NUMERIC) - set(written))
    for name, path in written.items():
        table = plain_table(path)
        numeric = NUMERIC.get(name, [])
        assert all(pd.api.types.is_numeric_dtype(table[c]) for c in numeric), (name, table.dtypes.to_dict())
    verdict = json.loads((run / 'allocation.json').read_text())  # the plan's verdict: beside the table
    assert verdict['verdict'] == optimized.stdout.strip().splitlines()[-1]  # the line the console ends with
    assert verdict['lift_lo'] <= verdict['lift'] <= verdict['lift_hi'] and 0 <= verdict['p_better'] <= 1
    assert {'lift_pct', 'budget', 'current_total', 'weeks'} <= set(verdict)


def test_unpaid_channel_fit_optimize_and_reuse_in_a_report(tmp_path):
    "A panel where one channel has no spend column (an organic channel): fit, reload, optimise and reuse the model."
    import pandas as pd

    data = tmp_path / 'organic.csv'
    assert cli('simulate', data, '--regions', 3, '--weeks', 50, '--channels', 3, '--seed', 4).returncode == 0
    pd.read_csv(data).drop(columns='social_spend').to_csv(data, index=False)  # social: impressions, no spend
    s = json.loads(cli('inspect', data, '--json').stdout)
    assert s['channel_spend']['social_impressions'] is None and len(s['media']) == 3
    run = tmp_path / 'run'
    r = cli('fit', data, '--out', run, *FAST_FIT, '--set', 'members=2', '--set', 'member_epochs=10')
    assert r.returncode == 0, r.stderr
    r = cli('optimize', run, '--budget', '100%')  # re-reads the data with the saved map
    assert r.returncode == 0, r.stderr
    assert 'allocation written to' in r.stdout and 'expected lift' in r.stdout
    assert 'outside the budget (no spend column and no cost_per_unit): social' in r.stdout  # said, not silently dropped
    plan = pd.read_csv(run / 'allocation.csv')
    assert json.loads((run / 'allocation.json').read_text())['held'] == ['social_impressions']
    assert {'tv_impressions', 'search_impressions'} <= set(plan.channel) and 'social_impressions' not in set(
        plan.channel
    )
    out = tmp_path / 'report' / 'organic.html'
    r = cli('report', data, '--out', out, '--no-progress', '-p', f'model={run / "model.pt"}', '-p', 'holdout_weeks=6')
    assert r.returncode == 0, r.stderr
    assert out.exists() and 'no spend for' not in r.stderr


def test_plan_test_loop(tmp_path):
    "The README's loop: fit, plan-test, run the top test in the simulator, fit with its read."
    import pandas as pd

    sim = ['--regions', 12, '--weeks', 80, '--channels', 3, '--seed', 2, '--confounded']
    assert cli('simulate', tmp_path / 'sim.csv', *sim).returncode == 0
    run = tmp_path / 'run'
    r = cli('fit', tmp_path / 'sim.csv', '--out', run, *FAST_FIT, '--set', 'members=2', '--set', 'member_epochs=10')
    assert r.returncode == 0, r.stderr
    start = pd.read_csv(tmp_path / 'sim.csv').date.unique()[40]
    r = cli('plan-test', run, '--start', start, '--out', tmp_path / 'tests.csv', '--no-progress')
    assert r.returncode == 0, r.stderr
    tests = plain_table(tmp_path / 'tests.csv')
    assert len(tests) == 3 * 2 * 2 * 2 and tests['rank'].tolist() == list(range(1, len(tests) + 1))
    top = tests.channel.iloc[0].removesuffix('_impressions')
    assert top in r.stdout.splitlines()[1] and f'Test {top} next' in r.stdout
    assert all(pd.api.types.is_numeric_dtype(tests[c]) for c in ['expected_lift', 'lift_se', 'power', 'narrowing'])
    design = pd.read_csv(run / 'next_test.csv')
    assert design.channel[0] == tests.channel[0] and design.lift.isna().all()
    r = cli('fit', tmp_path / 'sim.csv', '--experiments', run / 'next_test.csv', '--out', tmp_path / 'x', *FAST_FIT)
    assert r.returncode == 2 and 'lift and lift_se are empty' in r.stderr
    r = cli('simulate', tmp_path / 'tested.csv', *sim, '--run-test', run / 'next_test.csv')
    assert r.returncode == 0, r.stderr
    read = pd.read_csv(tmp_path / 'tested.experiments.csv')
    assert read.lift.notna().all() and (read.lift_se > 0).all() and read.regions[0] == design.regions[0]
    r = cli(
        'fit', tmp_path / 'tested.csv', '--experiments', tmp_path / 'tested.experiments.csv', '--out', tmp_path / 'cal',
        *FAST_FIT, '--set', 'members=2', '--set', 'member_epochs=10',
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert 'tested (a cut)' in r.stdout or 'tested (heavy-ups)' in r.stdout or 'conflict' in r.stdout
