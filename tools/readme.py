"""Build README.md from nbs/index.ipynb (Quarto is not available here): execute the notebook, drop
`#| hide` cells and nbdev directives, convert to markdown. `--check` fails if README.md differs."""

import argparse
import re
import sys
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parent.parent
HEADER = '<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n\n'


def directives(src):
    return [line for line in src.splitlines() if line.strip().startswith('#|')]


def build() -> str:
    nb = nbformat.read(ROOT / 'nbs' / 'index.ipynb', as_version=4)
    from deepcausal_nb.report import _kernel_manager_class  # local IPC sockets, no TCP warning in the log

    ExecutePreprocessor(timeout=300, kernel_name='python3', kernel_manager_class=_kernel_manager_class()).preprocess(
        nb, {'metadata': {'path': str(ROOT / 'nbs')}}
    )
    cells = []
    for c in nb.cells:
        if c.cell_type == 'code':
            ds = directives(c.source)
            if any(re.match(r'#\|\s*(hide|export|exporti|default_exp)', d.strip()) for d in ds):
                continue
            c.source = '\n'.join(line for line in c.source.splitlines() if not line.strip().startswith('#|')).strip()

            for o in c.get('outputs', []):
                if 'execution_count' in o:
                    o['execution_count'] = None
            c.execution_count = None
        cells.append(c)
    nb.cells = cells
    body, _ = MarkdownExporter().from_notebook_node(nb)
    return HEADER + re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--check', action='store_true', help='fail if README.md is not what index.ipynb gives')
    a = ap.parse_args()
    text = build()
    readme = ROOT / 'README.md'
    if a.check:
        if not readme.exists() or readme.read_text() != text:
            import difflib

            sys.stdout.writelines(
                list(
                    difflib.unified_diff(
                        readme.read_text().splitlines(True) if readme.exists() else [],
                        text.splitlines(True),
                        'README.md',
                        'from index.ipynb',
                    )
                )[:40]
            )
            sys.exit('FAIL: README.md is out of date: run `.venv/bin/python tools/readme.py` and commit')
        print('README.md in sync with nbs/index.ipynb')
    else:
        readme.write_text(text)
        print(f'wrote {readme}')
