"""Build the documentation site from the executed notebooks, offline: `_docs/index.html` (from nbs/index.ipynb) and one
page per chapter, in the order of the README's notebook table, with a sidebar and previous/next links.

Quarto (nbdev's own docs builder) is not installable here, so the site is nbconvert's HTML exporter (already a
dependency) over notebooks executed in-process by execnb, the engine `nbdev-test` uses: the same cells run
(`#| notest` and `#| eval: false` are shown, not run), and a failing cell fails the build. `#| hide` cells run but are
not shown; nbdev directives are stripped from the code shown. Nothing is fetched at view time: plotly.js is shipped once
as `_docs/assets/plotly.min.js` (figures are drawn from plotly's JSON output by that copy), MathJax from the
`jupyter-server-mathjax` package as `_docs/assets/mathjax/` (without it, formulas stay readable as their TeX source).

Executed notebooks are cached in `_docs/.cache`, keyed by the notebook, the package's sources, settings.ini and the
fixtures: a rebuild after editing one chapter re-runs that chapter only (`--force` re-runs all).

    .venv/bin/python tools/docs.py            # -> _docs/index.html
"""

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / 'nbs'
PLOTLY_MIME = 'application/vnd.plotly.v1+json'


def chapters() -> list[str]:
    """Notebook stems in reading order: index, then the README's table (nbs/index.ipynb), then any notebook it omits, by
    name."""
    import nbformat

    index = nbformat.read(NBS / 'index.ipynb', as_version=4)
    listed = [
        m
        for c in index.cells
        if c.cell_type == 'markdown'
        for m in re.findall(r'^\|\s*`(\w+)`\s*\|', c.source, re.M)
        if (NBS / f'{m}.ipynb').exists()
    ]
    order = list(dict.fromkeys(listed))
    for name in sorted(p.stem for p in NBS.glob('*.ipynb')):
        if name == 'index' or name in order:
            continue
        before = [n for n in order if n < name]  # e.g. 06a_experiments after 06_model
        order.insert(order.index(max(before)) + 1 if before else 0, name)
    return ['index', *order]


# ---------------------------------------------------------------- execution (in worker processes)
def _directives(source: str) -> dict:
    """nbdev directives of a cell: `#| hide` -> {'hide': ''}, `#| default_exp data` -> {'default_exp': 'data'},
    `#| eval: false`."""
    out = {}
    for line in source.splitlines():
        if not line.strip().startswith('#|'):
            continue
        body = line.strip()[2:].strip()
        key, value = re.match(r'([\w-]+)\s*:?\s*(.*)', body).groups() if body else ('', '')
        out[key] = value.strip()
    return out


def _skip(cell, flags) -> bool:
    """True for a cell the build does not run: not code, a skip flag (nbdev's `tst_flags`, e.g. notest) or
    `#| eval: false`."""
    if cell.cell_type != 'code':
        return True
    d = _directives(cell.source)
    return bool(flags & d.keys()) or d.get('eval', '').lower() == 'false'


def execute(name: str, flags: tuple) -> tuple[str, str, float]:
    "Run notebook `name` like nbdev-test does, keeping the outputs; returns (name, notebook JSON, seconds)."
    from execnb.shell import CaptureShell
    from fastcore.nbio import read_nb, nb2dict
    from fastcore.xtras import working_directory

    fn = NBS / f'{name}.ipynb'
    nb = read_nb(fn)
    flags = set(flags)
    start, main = time.time(), sys.modules['__main__']  # IPython's shell takes over __main__: give it back afterwards
    with working_directory(NBS):
        shell = CaptureShell(fn)
        # plotly's JSON only: the page draws it with the one shipped plotly.js
        # (the notebook renderer would embed 4 MB per page)
        shell.run_cell("import plotly.io as _pio; _pio.renderers.default = 'plotly_mimetype'")
        try:
            shell.run_all(nb, exc_stop=True, preproc=lambda c: _skip(c, flags))
        except Exception as e:
            tb = shell.prettytb(fname=fn) if hasattr(shell, 'prettytb') else repr(e)
            raise RuntimeError(f'{fn.name} failed while building the docs:\n{tb}') from None
        finally:
            shell.close()
            sys.modules['__main__'] = main
    return name, json.dumps(nb2dict(nb)), time.time() - start


# ---------------------------------------------------------------- rendering
def _plotly_html(fig: dict, n: list) -> str:
    "A figure's div and the call that draws it with the page's plotly.js; `n` numbers the divs of a page."
    import plotly.io as pio

    n[0] += 1
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=f'fig-{n[0]}', config={'responsive': True})


def prepare(nb, flags):
    """Cells as a reader sees them: hidden cells gone, directives stripped, plotly figures as divs, skipped cells
    labelled."""
    import nbformat

    cells, figs = [], [0]
    for c in nb.cells:
        d = _directives(c.source) if c.cell_type == 'code' else {}
        if c.cell_type == 'code':
            skipped = _skip(c, flags)
            if 'hide' in d or 'default_exp' in d:
                continue
            c.source = '\n'.join(line for line in c.source.splitlines() if not line.strip().startswith('#|')).strip()
            if not c.source:
                continue
            outputs = []
            for o in c.get('outputs', []):
                data = o.get('data', {})
                if o.output_type in ('display_data', 'execute_result') and not data:
                    continue  # a figure's result, shown by display
                if PLOTLY_MIME in data:
                    o = nbformat.v4.new_output(
                        'display_data', data={'text/html': _plotly_html(data[PLOTLY_MIME], figs)}
                    )
                elif 'text/html' in data and (
                    'window.PlotlyConfig' in data['text/html'] or 'cdn.plot.ly' in data['text/html']
                ):
                    continue  # a renderer's plotly.js loader: the page has its own
                outputs.append(o)
            c.outputs, c.execution_count = outputs, None
            if skipped:
                c.outputs = [
                    nbformat.v4.new_output(
                        'stream',
                        name='stdout',
                        text='(not run in the docs build: marked '
                        + ' '.join(f'#| {k}' for k in sorted(flags & d.keys()) or ['eval: false'])
                        + ')\n',
                    )
                ]
            c.metadata = {k: v for k, v in c.metadata.items() if k not in ('execution',)}
        cells.append(c)
    nb.cells = cells
    nb.metadata.pop('widgets', None)
    return nb


def title_of(nb, name: str) -> str:
    "The notebook's `# Title` (its first level-1 heading), else its name."
    for c in nb.cells:
        m = re.search(r'^#\s+(.+)$', c.source, re.M) if c.cell_type == 'markdown' else None
        if m:
            return m.group(1).strip()
    return name


TEMPLATE = (
    r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.mathjax_url -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({   // the packaged MathJax (jupyter-server-mathjax) has HTML-CSS output with the STIX-Web fonts only
  tex2jax: {inlineMath: [["$", "$"], ["\\(", "\\)"]], displayMath: [["$$", "$$"], ["\\[", "\\]"]], """
    r"""processEscapes: true, processEnvironments: true},
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
    styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('MathJax_Blank')"}}},   """
    r"""// not url(about:blank): no failed request
  messageStyle: "none"});
</script>
<script src="{{ resources.mathjax_url }}"></script>
{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<script src="{{ resources.site.assets }}/plotly.min.js"></script>
<style type="text/css">
body.jp-Notebook { padding: 0; }
nav.dcnb-nav { position: fixed; top: 0; left: 0; bottom: 0; width: 15rem; overflow-y: auto; padding: 1rem .8rem;
  border-right: 1px solid #ddd; background: #fafafa; font: 14px/1.4 system-ui, sans-serif; box-sizing: border-box; }
nav.dcnb-nav a { display: block; padding: .25rem .4rem; color: #234; text-decoration: none; border-radius: 4px; }
nav.dcnb-nav a:hover { background: #e8eef5; }
nav.dcnb-nav a.current { background: #dde7f3; font-weight: 600; }
nav.dcnb-nav .dcnb-site { font-weight: 700; font-size: 16px; margin-bottom: .6rem; }
nav.dcnb-nav small { color: #667; display: block; font-size: 11px; }
main { margin-left: 15rem; padding: 1rem 2rem 3rem 2rem; max-width: 84rem; }
.jp-InputArea, .jp-InputArea-editor { overflow-x: auto; }   /* long code lines scroll instead of being cut off */
.dcnb-pager { display: flex; justify-content: space-between; margin-top: 2rem; padding-top: 1rem; """
    r"""border-top: 1px solid #ddd; }
.dcnb-pager a { text-decoration: none; }
@media (max-width: 800px) { nav.dcnb-nav { position: static; width: auto; } main { margin-left: 0; } }
</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.site.nav }}
<main>
{%- endblock body_header -%}
{% block body_footer %}
{{ resources.site.pager }}
</main>
</body>
{% endblock body_footer %}
"""
)


def nav_html(pages: list, current: str) -> str:
    items = ''.join(
        f'<a href="{n}.html"{" class=current" if n == current else ""}>{html.escape(t)}'
        f'<small>{html.escape(n if n != "index" else "start here")}</small></a>'
        for n, t in pages
    )
    return f'<nav class="dcnb-nav"><div class="dcnb-site"><a href="index.html">deepcausal_nb</a></div>{items}</nav>'


def pager_html(pages: list, i: int) -> str:
    prev = (
        f'<a class="dcnb-prev" href="{pages[i - 1][0]}.html">&larr; {html.escape(pages[i - 1][1])}</a>'
        if i > 0
        else '<span></span>'
    )
    nxt = (
        f'<a class="dcnb-next" href="{pages[i + 1][0]}.html">{html.escape(pages[i + 1][1])} &rarr;</a>'
        if i + 1 < len(pages)
        else '<span></span>'
    )
    return f'<div class="dcnb-pager">{prev}{nxt}</div>'


def copy_assets(out: Path) -> str:
    "plotly.js and (when installed) MathJax into out/assets; returns the MathJax URL, '' without it."
    import plotly

    assets = out / 'assets'
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(plotly.__file__).parent / 'package_data' / 'plotly.min.js', assets / 'plotly.min.js')
    try:
        import jupyter_server_mathjax
    except ImportError:
        print('docs: jupyter-server-mathjax is not installed: formulas are shown as TeX source', file=sys.stderr)
        shutil.rmtree(assets / 'mathjax', ignore_errors=True)
        return ''
    src = Path(jupyter_server_mathjax.__file__).parent / 'static'
    if not (assets / 'mathjax' / 'MathJax.js').exists():
        shutil.copytree(src, assets / 'mathjax', ignore=shutil.ignore_patterns('localization'), dirs_exist_ok=True)
    return 'assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe'


# ---------------------------------------------------------------- build
def source_key() -> str:
    "What every chapter's output depends on besides its own notebook: the package, settings.ini, the fixtures."
    h = hashlib.sha256()
    files = sorted(
        [
            *(ROOT / 'deepcausal_nb').glob('*.py'),
            ROOT / 'settings.ini',
            *(p for p in (NBS / 'fixtures').rglob('*') if p.is_file()),
        ]
    )
    for p in files:
        if p.exists():
            h.update(str(p.relative_to(ROOT)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def build(out: Path, jobs: int = 2, force: bool = False) -> dict:
    import nbformat
    from nbconvert import HTMLExporter
    from jinja2 import DictLoader
    from nbdev.config import get_config
    from deepcausal_nb.report import external_resources

    t0 = time.time()
    os.environ['OMP_NUM_THREADS'] = os.environ['MKL_NUM_THREADS'] = '1'  # torch in each worker: one thread
    flags = get_config().tst_flags
    flags = tuple(flags.split() if isinstance(flags, str) else flags or ())
    names = chapters()
    cache = out / '.cache'
    cache.mkdir(parents=True, exist_ok=True)
    common = source_key()
    keys = {n: hashlib.sha256(common.encode() + (NBS / f'{n}.ipynb').read_bytes()).hexdigest() for n in names}
    timings = json.loads((cache / 'timings.json').read_text()) if (cache / 'timings.json').exists() else {}
    executed, todo = {}, []
    for n in names:
        hit = cache / f'{n}.ipynb'
        if not force and hit.exists() and (cache / f'{n}.key').exists() and (cache / f'{n}.key').read_text() == keys[n]:
            executed[n] = nbformat.read(hit, as_version=4)
        else:
            todo.append(n)
    todo.sort(key=lambda n: -timings.get(n, (NBS / f'{n}.ipynb').stat().st_size / 1e4))  # longest first
    if todo:
        print(f'docs: executing {len(todo)} notebook(s) with {jobs} worker(s): {" ".join(todo)}', flush=True)
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), mp_context=mp.get_context('spawn')) as pool:
            futures = [pool.submit(execute, n, flags) for n in todo]
            for f in as_completed(futures):
                try:
                    n, text, secs = f.result()
                except RuntimeError as e:  # a failing cell: its notebook and traceback, not the pool's
                    for other in futures:
                        other.cancel()
                    raise SystemExit(f'docs: {e}') from None
                timings[n] = round(secs, 1)
                print(f'docs: {n} {secs:.0f} s', flush=True)
                nb = nbformat.reads(text, as_version=4)
                nbformat.write(nb, cache / f'{n}.ipynb')
                (cache / f'{n}.key').write_text(keys[n])
                executed[n] = nb
        (cache / 'timings.json').write_text(json.dumps(timings, indent=1))
    mathjax_url = copy_assets(out)
    pages = [(n, title_of(executed[n], n)) for n in names]
    exporter = HTMLExporter(
        template_name='lab',
        extra_loaders=[DictLoader({'dcnb_site.html.j2': TEMPLATE})],
        template_file='dcnb_site.html.j2',
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        mathjax_url=mathjax_url,
        require_js_url='',
        jquery_url='',
        widget_renderer_url='',
    )
    for i, (n, title) in enumerate(pages):
        nb = prepare(executed[n], set(flags))
        nb.metadata['title'] = f'{title} – deepcausal_nb'
        page, _ = exporter.from_notebook_node(
            nb,
            resources=dict(
                metadata=dict(name=n), site=dict(nav=nav_html(pages, n), pager=pager_html(pages, i), assets='assets')
            ),
        )
        bad = external_resources(page)
        if bad:
            raise SystemExit(f'docs: {n}.html would load from the network: {bad[:2]}')
        (out / f'{n}.html').write_text(page, encoding='utf-8')
    secs = time.time() - t0
    print(f'docs: wrote {len(pages)} pages to {out}/ in {secs:.0f} s (open {out}/index.html)')
    return dict(pages=[n for n, _ in pages], seconds=secs, executed=todo)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', type=Path, default=ROOT / '_docs', help='output folder (default _docs/)')
    ap.add_argument('--jobs', type=int, default=2, help='notebooks executed at once (default 2)')
    ap.add_argument('--force', action='store_true', help='re-execute every notebook, ignoring the cache')
    a = ap.parse_args()
    build(a.out.resolve(), a.jobs, a.force)
