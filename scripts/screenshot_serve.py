#!/usr/bin/env python3
"""Regenerates docs/img/serve.png: `popm serve`'s Kanban board of the demo's stories, with a refused
move showing its reason on the card, as headless Chromium shows it.

    python3 scripts/screenshot_serve.py [POPM]   # POPM: the popm binary (default: target/debug/popm)

Needs Playwright for Python and the system Chromium, as scripts/screenshot.py. The demo backlog is
copied to a temporary folder first: the refused move writes nothing, but the server is given a copy
all the same.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    popm = sys.argv[1] if len(sys.argv) > 1 else str(pathlib.Path(target) / "debug" / "popm")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("screenshot: no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        demo = pathlib.Path(tmp) / "demo"
        shutil.copytree(ROOT / "fixtures" / "demo", demo)
        server = subprocess.Popen([popm, "-C", str(demo), "serve", "--port", "0"],
                                  stdout=subprocess.PIPE, text=True,
                                  env={**os.environ, "POPM_TODAY": "2026-12-14"})
        try:
            url = server.stdout.readline().strip()
            out = ROOT / "docs" / "img" / "serve.png"
            args = ["--no-sandbox"] if os.geteuid() == 0 else []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=args)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(url + "kanban/team.html")
                page.drag_and_drop('[data-item="S-4"]', '[data-drop-status="done"]')
                page.wait_for_selector('[data-item="S-4"] .result.refused')
                page.locator("main").screenshot(path=str(out))
                browser.close()
            print(f"wrote {out.relative_to(ROOT)}")
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
