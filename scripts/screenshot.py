#!/usr/bin/env python3
"""Regenerates docs/img/board.png: the demo's ART planning board, as headless Chromium shows it.

    python3 scripts/screenshot.py [POPM]     # POPM: the popm binary (default: target/debug/popm)

Needs Playwright for Python (`pip install playwright==1.65.2`) and the system Chromium (Debian
package `chromium`); no browser is downloaded. Run from the repository root after `cargo build`.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent
PI = "PI-2027.1"


def main() -> int:
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    popm = sys.argv[1] if len(sys.argv) > 1 else str(pathlib.Path(target) / "debug" / "popm")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("screenshot: no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as site:
        subprocess.run(
            [popm, "-C", str(ROOT / "fixtures" / "demo"), "report", "--out", site],
            check=True,
            env={**os.environ, "POPM_TODAY": "2026-12-14"},
        )
        board = pathlib.Path(site) / "board" / f"{PI}.html"
        out = ROOT / "docs" / "img" / "board.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=args)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(board.as_uri())
            page.locator("main").screenshot(path=str(out))
            browser.close()
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
