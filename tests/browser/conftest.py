"""A real Tending (gunicorn, SQLite, demo data) driven by Debian's Chromium through Playwright.

Without Chromium or axe-core the browser tests skip and say why; with
TENDING_REQUIRE_BROWSER=1 (as CI sets) a missing piece fails the run instead.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("TENDING_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # A synthetic microphone, so recording in the browser can be tested for real.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def _missing(what: str) -> None:
    message = f"browser tests need {what}"
    if os.environ.get("TENDING_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package (make test installs it)")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing("axe-core from npm (make test runs npm ci)")
    return AXE.read_text()


@pytest.fixture
def check_accessibility(axe_source: str):
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""

    taken = [0]

    def check(page) -> None:
        # evaluate() runs outside the page's CSP, so the strict policy stays on for the app.
        page.evaluate(axe_source)
        result = page.evaluate(
            """() => axe.run(document, {
                   runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                   "wcag22aa", "best-practice"]}
               }).then(r => r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))"""
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{page.url}: {json.dumps(serious, indent=2)}"
        shots = os.environ.get("TENDING_SCREENSHOTS")
        if shots:
            name = re.sub(r"[^a-z0-9]+", "-", page.url.split("//", 1)[1].lower()).strip("-")
            Path(shots).mkdir(parents=True, exist_ok=True)
            taken[0] += 1
            width = page.viewport_size["width"]
            page.screenshot(path=f"{shots}/{taken[0]:02d}-{name}-{width}.png", full_page=True)

    return check


@pytest.fixture
def new_page(browser, server):
    """Open pages in fresh browser contexts: `new_page(mobile=True, dark=True)`."""
    contexts = []

    def open_page(*, mobile: bool = False, dark: bool = False, reduced_motion: bool = False):
        context = browser.new_context(
            viewport={"width": 360, "height": 740} if mobile else {"width": 1280, "height": 800},
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce" if reduced_motion else "no-preference",
            base_url=server.url,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        # Script errors and CSP violations; a 4xx answer to a form is expected, not an error.
        errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.console_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()
