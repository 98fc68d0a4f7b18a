"""Debian's chromium, driven by Playwright (never a downloaded browser): `make browser` installs it."""
from __future__ import annotations

import contextlib
import os
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


@contextlib.contextmanager
def launched_chromium() -> Iterator:
    """A headless chromium for one test module; a missing browser fails loudly, never skips."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def page_opener(browser, timeout_ms: int, width: int, height: int) -> Iterator:
    """`make(**options)` opens a page in a fresh profile (its own storage) that records the page's
    script errors in `page.errors`; every profile is closed afterwards."""
    contexts = []

    def make(width: int = width, height: int = height, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US", **options)
        context.set_default_timeout(timeout_ms)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
