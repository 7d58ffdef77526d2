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
    // Milestones on the board sit in an iteration; those on the roadmap and PI pages do not.
    milestones: [...document.querySelectorAll('[data-milestone]')].map((m) => [
      m.dataset.milestone, m.closest('[data-milestones-iteration]')
        ? m.closest('[data-milestones-iteration]').dataset.milestonesIteration : null]),
    // The pages' own charts: kind, whether the browser laid it out, and the series it names.
    charts: [...document.querySelectorAll('svg[data-chart]')].map((s) => {
      const box = s.getBoundingClientRect();
      return [s.dataset.chart, String(box.width > 0 && box.height > 0),
        [...new Set([...s.querySelectorAll('[data-series]')].map((e) => e.dataset.series))].join(',')];
    }),
    body: document.querySelector('[data-body]') ? document.querySelector('[data-body]').innerText : null,
    // Strings to another ART's feature: their state, dash, and whether the line reaches the marker
    // that names the feature (its right end within 2 px of the marker's left edge, both drawn).
    foreign: [...document.querySelectorAll('g[data-art]')].map((s) => {
      const line = s.querySelector('path').getBoundingClientRect();
      const stub = document.querySelector(`[data-stub="${CSS.escape(s.dataset.to)}"]`);
      const box = stub ? stub.getBoundingClientRect() : null;
      const meets = box !== null && line.width > 0 && box.width > 0 && box.height > 0
        && Math.abs(line.right - box.left) <= 2 && line.bottom >= box.top && line.top <= box.bottom;
      return [s.dataset.from, s.dataset.to, s.dataset.state, s.dataset.art,
        getComputedStyle(s.querySelector('path')).strokeDasharray, String(meets),
        stub ? stub.innerText.replace(/\s+/g, ' ') : null];
    }),
    // The portfolio's value streams: name, guardrail, and the guardrail in words.
    streams: [...document.querySelectorAll('tr[data-stream]')].map((r) => [
      r.dataset.stream, r.dataset.guardrail, r.children[4].innerText]),
    // Every link to another page of the site, as a path relative to the site (no anchor).
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href)
      .filter((h) => h.startsWith('file:')).map((h) => decodeURIComponent(new URL(h).pathname)),
    body_links: [...document.querySelectorAll('[data-body] a')].map((a) => a.getAttribute('href')),
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
            seen = page.evaluate(READ)
            prefix = site.as_posix() + "/"
            seen["links"] = sorted({link[len(prefix):] if link.startswith(prefix) else link
                                    for link in seen["links"]})
            out["pages"][html.relative_to(site).as_posix()] = seen
        browser.close()
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
