"""Nothing any page loads comes from another host; no page logs an error; every page has a CSP."""

from urllib.parse import urlparse

import pytest

from browser.conftest import PAGES


@pytest.mark.parametrize("path", PAGES)
def test_every_request_stays_on_the_site_and_nothing_errors(visit, path):
    v = visit()
    page = v.open(path)
    page.wait_for_load_state("networkidle")
    hosts = {urlparse(url).hostname for url in v.requests if urlparse(url).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, f"third-party requests: {sorted(u for u in v.requests if '127.0.0.1' not in u)}"
    assert v.errors == []
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy.startswith("default-src 'self'") and "__LEMS" not in policy
    assert page.evaluate("document.cookie") == ""


def test_a_page_without_diagrams_does_not_load_mermaid(visit):
    v = visit()
    v.open("about/").wait_for_load_state("networkidle")
    assert not [url for url in v.requests if "mermaid" in url]


def test_a_diagram_page_loads_no_mermaid_either(visit):
    # Its diagrams were drawn at build time (tests/browser/test_diagrams.py).
    v = visit()
    page = v.open("treatment/ivig/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".lems-diagram > svg").count() >= 1
    assert not [url for url in v.requests if "mermaid" in url]


def test_search_works_under_the_content_security_policy(visit):
    v = visit()
    page = v.open("")
    # Material reacts to typing, not to fill(); on a wide window the search field is in the header.
    page.locator("input.md-search__input").click()
    page.keyboard.type("immunoglobulin")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10000)
    assert results.count() > 0
    assert v.errors == []
    assert all("127.0.0.1" in url for url in v.requests)


def test_the_not_found_page_is_private_accessible_and_has_a_policy(browser, site_dir, tmp_path):
    """404.html links its assets from the site's own path (site_url), as any URL may show it:
    serve the site under that path, as GitHub Pages will."""
    import os

    import sitehttp
    from axe_playwright_python.sync_playwright import Axe
    from conftest import ROOT
    from mkdocs.config import load_config

    from browser.conftest import Visit

    mount = urlparse(load_config(os.path.join(ROOT, "mkdocs.yml"))["site_url"]).path.strip("/")
    os.symlink(site_dir, tmp_path / mount)
    with sitehttp.serve(str(tmp_path)) as base_url:
        v = Visit(browser, base_url)
        try:
            page = v.context.new_page()
            page.on("pageerror", lambda error: v.errors.append(str(error)))
            assert page.goto(f"{base_url}{mount}/404.html").status == 200
            page.wait_for_load_state("networkidle")
            assert all(urlparse(url).hostname == "127.0.0.1" for url in v.requests)
            assert not [url for url in v.requests if "/assets/" in url and url.count(mount) == 0]
            assert v.errors == []
            assert "'sha256-" in page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
            results = Axe().run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
                },
            )
            assert results.violations_count == 0, results.generate_report()
        finally:
            v.close()
