"The installed `deepcausal-nb` command, run as a user runs it (a subprocess)."
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent/'shared'/'data'
EXE = Path(sys.executable).parent/'deepcausal-nb'

def cli(*args, cwd=None):
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)

def test_simulate_then_inspect(tmp_path):
    out = tmp_path/'sub'/'demo.csv'
    r = cli('simulate', out, '--regions', 4, '--weeks', 70, '--channels', 5, '--seed', 3)
    assert r.returncode == 0, r.stderr
    assert out.exists() and (tmp_path/'sub'/'demo.truth.json').exists() and (tmp_path/'sub'/'demo.truth.csv').exists()
    s = json.loads(cli('inspect', out, '--json').stdout)
    assert (s['regions'], s['weeks'], len(s['media']), len(s['spend']), len(s['controls']), s['target']) == (4, 70, 5, 5, 3, 'sales')
    text = cli('inspect', out).stdout
    assert 'regions   4' in text and 'tv_impressions' in text

def test_errors_are_one_line_exit_2(tmp_path):
    bad = tmp_path/'bad.csv'
    bad.write_text('region,date,sales,tv_impressions\nA,2024-01-01,1,5\nA,2024-01-08,2,-1\n')
    r = cli('inspect', bad, '--holdout-weeks', 0)
    assert r.returncode == 2 and r.stdout == ''
    assert r.stderr.strip().count('\n') == 0 and 'Traceback' not in r.stderr
    assert "'tv_impressions' is negative at lines 3" in r.stderr
    r = cli('inspect', tmp_path/'nope.csv')
    assert r.returncode == 2 and 'file not found' in r.stderr
    r = cli('inspect', bad, '--debug', '--holdout-weeks', 0)
    assert r.returncode == 2 and 'Traceback' in r.stderr

@pytest.mark.skipif(not SHARED.exists(), reason='../shared/data not present')
@pytest.mark.parametrize('path,expect', [
    ('deepcausalmmm/MMM_Data.csv', dict(regions=190, weeks=109, media=13, controls=7, target='target_visits', incomplete=6)),
    ('meridian/geo_all_channels.csv', dict(regions=40, weeks=156, media=6, spend=5, target='conversions')),
    ('robyn/dt_simulated_weekly.csv', dict(regions=1, weeks=208, media=5, spend=5, target='revenue')),
])
def test_shared_panels_detected_without_flags(path, expect):
    r = cli('inspect', SHARED/path, '--json')
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s['regions'] == expect['regions'] and s['weeks'] == expect['weeks'] and s['target'] == expect['target']
    assert len(s['media']) == expect['media']
    if 'controls' in expect: assert len(s['controls']) == expect['controls']
    if 'spend' in expect: assert len(s['spend']) == expect['spend']
    if 'incomplete' in expect: assert len(s['incomplete_regions']) == expect['incomplete']
    if path.startswith('robyn'): assert 'events' not in s['controls'] + s['media'] and 'events' in s['ignored']
