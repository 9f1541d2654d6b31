"Project-level checks: packaging metadata agrees with itself, settings.ini agrees with the typed config."

import re
import tomllib
from pathlib import Path
import yaml
from deepcausal_nb.config import load_config, MMMConfig, config_keys

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {'pytorch': 'torch'}  # conda package name -> PyPI name


def _split(req: str):
    m = re.match(r'\s*([A-Za-z0-9_.\-]+)\s*(.*)', req)
    return m.group(1).lower().replace('_', '-'), m.group(2).replace(' ', '')


def test_environment_yml_lists_pyproject_runtime_requirements():
    deps = dict(_split(d) for d in tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['dependencies'])
    env = yaml.safe_load((ROOT / 'environment.yml').read_text())['dependencies']
    conda = {}
    for d in env:
        if not isinstance(d, str):
            continue
        name, spec = _split(d)
        if name in ('python', 'pip', 'cpuonly'):
            continue
        conda[CONDA_NAMES.get(name, name)] = spec
    assert conda == deps


def test_settings_ini_mirrors_the_typed_defaults():
    assert load_config(ROOT / 'settings.ini') == MMMConfig()
    text = (ROOT / 'settings.ini').read_text()
    for key in config_keys():
        section, name = key.split('.')
        assert re.search(rf'^{name}\s*=', text, re.M), f'settings.ini lacks {key}'


def test_jupyterlab_is_installed_to_open_the_notebooks():
    import subprocess
    import sys

    jupyter = Path(sys.executable).parent / 'jupyter'
    r = subprocess.run([str(jupyter), 'lab', '--version'], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and int(r.stdout.strip().split('.')[0]) >= 4, r.stderr
