"""Manual check of the live budget panel under Voila (not part of the test command: Voila is not a dependency).

    .venv/bin/pip install voila
    .venv/bin/voila reports/mmm_report.ipynb --port 8866 --no-browser --Voila.ip=127.0.0.1 &
    .venv/bin/python tools/voila_check.py

Waits for the report to execute (demo data), moves the live panel's total-budget slider with the keyboard and
checks that the optimiser re-ran in the kernel (the model-checked result text changes)."""

import sys
from playwright.sync_api import sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else 'http://127.0.0.1:8866/'
with sync_playwright() as p:
    b = p.chromium.launch(
        executable_path='/usr/bin/chromium',
        args=[
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
        ],
    )
    page = b.new_page(viewport={'width': 1200, 'height': 1000})
    page.goto(URL, timeout=180_000)
    page.wait_for_selector('.dcnb-live-result', timeout=240_000)
    before = page.inner_text('.dcnb-live-result')
    handle = page.locator('.widget-slider .noUi-handle').first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(4):
        page.keyboard.press('ArrowRight')  # total budget 1.0 -> 1.2 x current
    page.wait_for_function(
        "t => document.querySelector('.dcnb-live-result').innerText !== t", arg=before, timeout=60_000
    )
    after = page.inner_text('.dcnb-live-result')
    print('before:', before.splitlines()[0])
    print('after: ', after.splitlines()[0])
    b.close()
