"""axe-core: no WCAG 2.0/2.1/2.2 A or AA violation on any page, in each version and without JavaScript."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser.conftest import PAGES

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
axe = Axe()


def violations(page):
    results = axe.run(page, options=OPTIONS)
    return results.violations_count, results.generate_report() if results.violations_count else ""


def test_search_dialog_has_an_accessible_name(visit):
    """Beyond the WCAG tags: axe's aria-dialog-name, which Lighthouse also scores."""
    page = visit().open("about/")
    results = axe.run(
        page, options={"runOnly": {"type": "rule", "values": ["aria-dialog-name"]}, "resultTypes": ["violations"]}
    )
    assert results.violations_count == 0, results.generate_report()
    assert page.get_by_role("dialog", name="Search this site").count() == 1


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_no_violations_in_either_version(visit, path, audience):
    page = visit().open(f"{path}?audience={audience}")
    count, report = violations(page)
    assert count == 0, report


def without_scripts(page):
    """Render pages as a browser without JavaScript would, yet keep evaluate() for axe.

    Chromium with JavaScript off also refuses Playwright's evaluate, so instead: the site's
    scripts are not loaded, inline ones are stripped, and <noscript> content is shown.
    """

    def handle(route):
        if route.request.resource_type == "script":
            return route.abort()
        if route.request.resource_type == "document":
            response = route.fetch()
            html = re.sub(r"<script\b[^>]*>.*?</script>", "", response.text(), flags=re.S)
            html = html.replace("<noscript>", '<div class="noscript">').replace("</noscript>", "</div>")
            return route.fulfill(response=response, body=html)
        return route.continue_()

    page.route("**/*", handle)


@pytest.mark.parametrize("path", PAGES)
def test_no_violations_without_javascript(visit, path):
    v = visit()
    page = v.context.new_page()
    without_scripts(page)
    page.goto(v.base_url + path)
    assert page.evaluate("document.documentElement.hasAttribute('data-audience')") is False
    count, report = violations(page)
    assert count == 0, report
