#!/usr/bin/env python3
"""Drives a running `popm serve` in headless Chromium as a person would, and prints as JSON what
the page showed after each step; tests/serve_browser.rs checks the files and these values.

    python3 serve_board.py URL BACKLOG_DIR CHROMIUM

1. drag S-3 from the backlog column to ready (a move the workflow allows);
2. drag S-4 to done (refused by the entry rules: the diagnostic must show on the card);
3. with the keyboard: focus S-8, Space, ArrowRight, Space (backlog -> the next column, ready);
4. edit S-5's title on disk: the page must show it without a reload;
5. on the ART planning board, drag F-2 to another team's cell of iteration 1 (one set call).
Each wait has a deadline of 5 s; a step that times out is reported, not raised.
"""

import json
import os
import pathlib
import sys

from playwright.sync_api import sync_playwright, TimeoutError as Timeout

# How long a wait for the page may last before it counts as a failure. Not a speed check: a wait
# ends as soon as its condition holds; the limit is generous because the machines running the
# tests are shared (a run with both cores taken by a build waited over 5 s for a refusal).
DEADLINE_MS = 30000


def card(page, item):
    return page.locator(f'[data-item="{item}"]')


def result_of(page, item):
    """Waits until the card's result is no longer pending and returns it (class, text)."""
    try:
        page.wait_for_function(
            """(id) => { const c = document.querySelector(`[data-item="${id}"] .result`);
                         return c && c.textContent && !c.classList.contains('pending'); }""",
            arg=item, timeout=DEADLINE_MS)
    except Timeout:
        return ["timeout", ""]
    box = card(page, item).first.locator(".result")
    return [box.get_attribute("class"), box.text_content()]


def column_of(page, item):
    return page.evaluate(
        """(id) => { const c = document.querySelector(`[data-item="${id}"]`);
                     const col = c && c.closest('[data-drop-status]');
                     return col ? col.dataset.dropStatus : null; }""", item)


def main() -> int:
    url, backlog, chromium = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    out = {"console": [], "other_hosts": []}
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page()
        page.on("console", lambda m: out["console"].append(f"{m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: out["console"].append(f"pageerror: {e}"))
        page.on("request", lambda r: None if r.url.startswith(url) else out["other_hosts"].append(r.url))
        page.goto(url + "kanban/team.html")
        page.evaluate("window.__loaded_once = true")

        page.drag_and_drop('[data-item="S-3"]', '[data-drop-status="ready"]')
        out["drag"] = result_of(page, "S-3")
        out["drag_column"] = column_of(page, "S-3")

        page.drag_and_drop('[data-item="S-4"]', '[data-drop-status="done"]')
        out["refused"] = result_of(page, "S-4")
        out["refused_column"] = column_of(page, "S-4")

        card(page, "S-8").focus()
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Space")
        out["keyboard"] = result_of(page, "S-8")
        out["keyboard_column"] = column_of(page, "S-8")

        path = next((backlog / "backlog" / "stories").glob("S-5-*.md"))
        text = path.read_text()
        path.write_text(text.replace("title: Ask for the second factor at sign-in",
                                     "title: Ask for the second factor, edited on disk"))
        try:
            page.wait_for_function(
                """() => { const c = document.querySelector('[data-item="S-5"]');
                           return c && c.textContent.includes('edited on disk'); }""",
                timeout=DEADLINE_MS)
            out["live"] = True
        except Timeout:
            out["live"] = False
        out["no_reload"] = page.evaluate("window.__loaded_once === true")
        # The refusal stays on its card through the refresh.
        out["refused_after_refresh"] = card(page, "S-4").locator(".result").text_content()

        page.goto(url + "board/PI-2027.1.html")
        source = page.locator('.board [data-item="F-2"]')
        cell = source.evaluate("(c) => { const x = c.closest('[data-team]'); return [x.dataset.team, x.dataset.iteration]; }")
        out["plan_from"] = cell
        out["plan_target"] = page.evaluate(
            """([team, iteration]) => { const t = [...document.querySelectorAll('.board [data-team][data-iteration]')]
                 .find((c) => c.dataset.team !== team && c.dataset.iteration === '1');
               return t ? [t.dataset.team, t.dataset.iteration] : null; }""", cell)
        if out["plan_target"]:
            team, iteration = out["plan_target"]
            source.drag_to(page.locator(f'.board [data-team="{team}"][data-iteration="{iteration}"]'))
            out["plan"] = result_of(page, "F-2")
        browser.close()
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
