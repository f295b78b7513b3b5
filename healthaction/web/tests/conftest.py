"""Fixtures for the browser tests: one headless Chromium (Debian's package) driven by Playwright."""

import pytest

from healthaction.web.tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
