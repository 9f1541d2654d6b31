"""The documentation site (tools/docs.py): built from the executed notebooks if `_docs/` is missing, checked as files,
then three chapters opened in headless chromium offline: real outputs drawn, nothing fetched, navigation that works."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / '_docs'
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
sys.path.insert(0, str(ROOT / 'tools'))
import docs  # noqa: E402 -- tools/ is not a package: docs.py imports only once that folder is on sys.path


@pytest.fixture(scope='module')
def site():
    """The built site; built here (a few minutes on 2 cores) when a page is missing, as `tools/test.sh` does before
    pytest."""
    if not all((SITE / f'{n}.html').exists() for n in docs.chapters()):
        r = subprocess.run(
            [sys.executable, str(ROOT / 'tools' / 'docs.py')],
            capture_output=True,
            text=True,
            timeout=1800,
            env=dict(os.environ, OMP_NUM_THREADS='1'),
        )
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    return SITE


def test_pages_in_reading_order_and_offline(site):
    names = docs.chapters()
    assert names[:4] == ['index', '00_config', '01_data', '02_simulate'] and names[-1] == '90_cli'
    assert names.index('06a_experiments') == names.index('06_model') + 1  # a notebook the README's table omits
    assert sorted(names) == sorted(['index', *(p.stem for p in (ROOT / 'nbs').glob('[0-9]*.ipynb'))])
    from deepcausal_nb.report import external_resources

    for n in names:
        page = (site / f'{n}.html').read_text()
        assert external_resources(page) == [], n
        nav = re.findall(r'<nav class="dcnb-nav">.*?</nav>', page, re.S)[0]
        assert re.findall(r'href="([^"]+)"', nav) == ['index.html', *(f'{m}.html' for m in names)], (
            n
        )  # every chapter, in order
        assert '<span class="c1">#|' not in page, n  # directives stripped from the code shown
        assert 'jp-OutputArea-output' in page, f'{n} shows no output'
    assert (site / 'assets' / 'plotly.min.js').stat().st_size > 1_000_000
    assert 'window.PlotlyConfig' not in (site / '12_charts.html').read_text()  # plotly.js shipped once, not per page
    index = (site / 'index.html').read_text()
    assert '&#39;regions&#39;: 5' in index or "'regions': 5" in index  # README's panel.summary(), executed
    assert 'from fastcore.test' not in (site / '00_config.html').read_text()  # `#| hide` cells are not shown


def test_cells_as_a_reader_sees_them():
    """No build needed: hidden cells dropped, directives stripped, skipped cells labelled, plotly JSON drawn by the
    page's plotly.js."""
    import nbformat
    import plotly.graph_objects as go

    v4 = nbformat.v4
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout_title_text='A title').to_plotly_json()
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell('#| default_exp thing'),
            v4.new_code_cell('#| hide\nimport secret'),
            v4.new_code_cell('#| export\ndef f(): pass'),
            v4.new_code_cell('#| notest\nslow_fit()'),
            v4.new_code_cell('#| eval: false\nnever()'),
            v4.new_code_cell(
                'fig',
                outputs=[
                    v4.new_output('display_data', data={'application/vnd.plotly.v1+json': fig}),
                    v4.new_output('execute_result', data={}, execution_count=1),
                ],
            ),
            v4.new_markdown_cell('# Title\nprose with `#| notest` in it'),
        ]
    )
    flags = {'notest'}
    assert [docs._skip(c, flags) for c in nb.cells] == [False, False, False, True, True, False, True]
    cells = docs.prepare(nb, flags).cells
    assert [c.source for c in cells] == [
        'def f(): pass',
        'slow_fit()',
        'never()',
        'fig',
        '# Title\nprose with `#| notest` in it',
    ]
    assert cells[1].outputs[0].text == '(not run in the docs build: marked #| notest)\n'
    assert cells[2].outputs[0].text == '(not run in the docs build: marked #| eval: false)\n'
    (out,) = cells[3].outputs  # the empty result is gone
    assert (
        list(out.data) == ['text/html']
        and 'Plotly.newPlot' in out.data['text/html']
        and 'A title' in out.data['text/html']
    )
    assert 'plotly.js v' not in out.data['text/html']  # the library is not inside
    assert docs.title_of(nb, 'x') == 'Title'


def settle(page):
    "Loaded, and MathJax done typesetting (so that leaving the page aborts no request)."
    page.wait_for_load_state('load')
    page.evaluate('() => new Promise(done => window.MathJax && MathJax.Hub ? MathJax.Hub.Queue([done]) : done())')


@pytest.mark.skipif(
    CHROMIUM is None, reason='chromium not installed (tools/setup.sh installs it where apt is available)'
)
def test_three_chapters_in_browser(site):
    from playwright.sync_api import sync_playwright

    failed, external, errors = [], [], []
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                '--no-sandbox',
                '--disable-gpu',
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync',
                '--no-first-run',
            ],
        )
        try:
            page = b.new_page(viewport=dict(width=1280, height=900))
            page.on('requestfailed', lambda r: failed.append(f'{r.url}: {r.failure}'))
            page.on(
                'request', lambda r: r.url.startswith('file:') or r.url.startswith('data:') or external.append(r.url)
            )
            page.on('pageerror', lambda e: errors.append(str(e)))
            page.on('console', lambda m: m.type == 'error' and errors.append(m.text))

            # 03_metrics: tables of numbers computed by the notebook, among them the reference figures
            # (or why they are absent)

            page.goto((site / '03_metrics.html').as_uri())
            settle(page)
            tables = page.evaluate("""[...document.querySelectorAll('.jp-OutputArea-output table')].map(t =>
                [...t.querySelectorAll('tbody td')].map(td => td.textContent.trim()))""")
            assert tables and all(cells for cells in tables)
            numbers = [c for cells in tables for c in cells if re.fullmatch(r'-?[\d,]+(\.\d+)?', c)]
            assert len(numbers) >= 20, tables
            if (ROOT.parent / 'shared' / 'data' / 'deepcausalmmm' / 'MMM_Data.csv').exists():
                assert '119,697' in page.content() and '0.994' in page.content()  # the computed reference table
            else:
                assert 'is not here: the reference figures need the shared benchmark data' in page.content()

            # navigation: "next" goes to 04_transforms, whose figures are drawn and whose formulas are typeset offline
            page.click('a.dcnb-next')
            settle(page)
            assert page.url.endswith('/04_transforms.html')
            page.wait_for_function(
                "document.querySelectorAll('.plotly-graph-div .main-svg').length >= 2", timeout=30_000
            )
            titles = page.evaluate(
                "[...document.querySelectorAll('.plotly-graph-div .gtitle')].map(t => t.textContent)"
            )
            assert (
                "Share of a week's media effect landing k weeks later" in titles and 'Hill curves with K = 1' in titles
            ), titles
            page.wait_for_function("document.querySelectorAll('.MathJax').length > 5", timeout=30_000)
            assert page.locator('nav.dcnb-nav a.current').inner_text().startswith('Media transforms')

            # the sidebar link to Charts: every chart drawn, with its title and some data in it
            page.click('nav.dcnb-nav a[href="12_charts.html"]')
            settle(page)
            assert page.url.endswith('/12_charts.html') and page.title().startswith('Charts')
            page.wait_for_function(
                "document.querySelectorAll('.plotly-graph-div .main-svg').length >= 2 * 17", timeout=60_000
            )
            titles = page.evaluate(
                "[...document.querySelectorAll('.plotly-graph-div .gtitle')].map(t => t.textContent)"
            )
            for t in (
                'Return on spend per channel: average and at the margin',
                'Response curves: extra KPI as spend changes',
                'What a different total budget would buy',
            ):
                assert t in titles, titles
            marks = page.evaluate(
                "document.querySelectorAll('.plotly-graph-div .point, .plotly-graph-div .trace path').length"
            )
            assert marks > 100
            page.click('a.dcnb-prev')
            settle(page)
            assert page.url.endswith('/11b_planner.html')  # the chapter before charts
        finally:
            b.close()
    assert failed == [] and external == [] and errors == [], (failed, external, errors)
