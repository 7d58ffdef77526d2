#!/usr/bin/env python3
"""Opens every page of a popm report in headless Chromium over file:// and prints, as JSON, what a
person would see: the board's cards with their cells, the strings with their states, the
milestones, the visible text, and anything that went wrong (requests to another host, console
errors, script that ran). tests/browser.rs compares this with the expected values.

    python3 read_site.py SITE_DIR CHROMIUM
"""

import json
import os
import pathlib
import re
import sys

from playwright.sync_api import sync_playwright

READ = """() => {
  const board = document.querySelector('.board');
  const cell = (el) => el.closest('[data-team]');
  return {
    title: document.title,
    scripts: document.querySelectorAll('script').length,
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    text: document.body.innerText,
    cards: board ? [...board.querySelectorAll('[data-item]')].map((c) => [
      c.dataset.item, cell(c) ? cell(c).dataset.team : null, cell(c) ? cell(c).dataset.iteration : null,
      c.dataset.ready, c.dataset.enabler]) : [],
    strings: [...document.querySelectorAll('[data-from]')].map((s) => [
      s.dataset.from, s.dataset.to, s.dataset.state,
      getComputedStyle(s.querySelector('path')).strokeDasharray]),
    milestones: [...document.querySelectorAll('[data-milestone]')].map((m) => [
      m.dataset.milestone, m.closest('[data-milestones-iteration]').dataset.milestonesIteration]),
  };
}"""


def main() -> int:
    site = pathlib.Path(sys.argv[1]).resolve()
    chromium = sys.argv[2]
    out = {"pages": {}, "other_hosts": [], "console": []}
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page()
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:"))
                else out["other_hosts"].append(r.url))
        # Nothing leaves the machine even if a page asks.
        page.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
        page.on("console", lambda m: out["console"].append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: out["console"].append(f"pageerror: {e}"))
        for html in sorted(site.rglob("*.html")):
            page.goto(html.as_uri())
            out["pages"][html.relative_to(site).as_posix()] = page.evaluate(READ)
        browser.close()
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
