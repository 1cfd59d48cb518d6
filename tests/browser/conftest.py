"""Browser tests: the built site served on 127.0.0.1, driven in Debian's Chromium.

Never `playwright install`: Playwright for Python drives /usr/bin/chromium through
executable_path. `.ci/run` installs Debian's chromium where it is missing.
"""

from __future__ import annotations

import os

import pytest
import sitehttp
from browser_settings import CHROMIUM, DIAGRAMS, DIAGRAMS_DRAWN, launch, page_paths
from conftest import ROOT

PAGES = page_paths(os.path.join(ROOT, "docs"))


@pytest.fixture(scope="session")
def base_url(site_dir):
    with sitehttp.serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium); .ci/run does this")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


class Visit:
    """A fresh browser context per test, recording every request and every console error."""

    def __init__(self, browser, base_url, **context_options):
        self.base_url = base_url
        self.context = browser.new_context(**context_options)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))

    def open(self, path: str = "", wait_for_diagrams: bool = True):
        page = self.context.new_page()
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"{path}: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"{path}: {error}"))
        page.goto(self.base_url + path, wait_until="load")
        if wait_for_diagrams and page.locator(DIAGRAMS).count():
            page.wait_for_function(DIAGRAMS_DRAWN, timeout=20000)
        return page

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    visits = []

    def make(**options):
        v = Visit(browser, base_url, **options)
        visits.append(v)
        return v

    yield make
    for v in visits:
        v.close()


def page_dates(src: str) -> dict:
    """The review dates a page's front matter gives, as the status box writes them."""
    from lems_site import review, sources

    doc = sources.parse(os.path.join(ROOT, "docs", src), "docs/" + src)
    values = review.status_values(doc.front_matter)
    return {name: values[name] for name in ("last_updated", "next_review")}


def long_date(value) -> str:
    return value.strftime("%-d %B %Y")
