"""Search on demand (overrides/assets/lems/search-on-demand.js): Material's search index and
search worker load only when the reader shows intent, and search then works as before.

It leans on three facts about Material 9.8.1's bundle.js; the first test checks each of them
in the installed Material and names the one an upgrade broke.
"""

import re
from importlib.metadata import version
from pathlib import Path

import material
import pytest

from browser.test_audience_toggle import BLOCK_STORAGE

MATERIAL = Path(material.__file__).parent / "templates"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
QUERY = "immunoglobulin"


def search_loads(v):
    """The requests that mean search has started: an index (Material's or a version's) and the worker script."""
    return [url for url in v.requests if "/search/search_index." in url or "/workers/search." in url]


def settle(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def results(page):
    items = page.locator(".md-search-result__item")
    items.first.wait_for(timeout=10000)
    return items


def test_material_internals_the_deferral_relies_on():
    """What an upgrade of mkdocs-material (pinned at 9.8.1) must keep, or search-on-demand.js breaks."""
    assert version("mkdocs-material") == "9.8.1", "mkdocs-material is not 9.8.1: re-check search-on-demand.js"
    bundle = next((MATERIAL / "assets" / "javascripts").glob("bundle.*.min.js")).read_text()
    base = (MATERIAL / "base.html").read_text()
    before_index = bundle.split("search_index.json")[0][-400:]
    scripts_block = base.split("{% block scripts %}")[1]
    # 1. The worker URL is #__config's "search"; the worker is made with the global `new Worker(url)`.
    assert re.search(r'"search": "assets/javascripts/workers/search\.[0-9a-f]+\.min\.js" \| url', base), (
        'point 1: base.html no longer puts the worker URL in #__config\'s "search"'
    )
    assert re.search(r'j\("#__config"\)', bundle), "point 1: bundle.js no longer reads #__config"
    assert re.search(r"=new Worker\(e\)", bundle), (
        "point 1: bundle.js no longer makes the worker with `new Worker(url)`"
    )
    # 2. The index is fetched with XMLHttpRequest (open + send) from search/search_index.json under "base".
    assert 'new URL("search/search_index.json",' in bundle, "point 2: bundle.js no longer fetches search_index.json"
    assert re.search(r'new XMLHttpRequest;return \w+\.open\("GET"', bundle) and "fetch(" not in before_index, (
        "point 2: bundle.js no longer fetches with XMLHttpRequest, so the hold at send() does not apply"
    )
    # 3. Both happen once, when bundle.js runs, after the scripts before it.
    assert 'document.forms.namedItem("search")' in bundle, "point 3: bundle.js no longer sets up search at start-up"
    assert "assets/javascripts/bundle." in scripts_block, "point 3: base.html no longer loads bundle.js in `scripts`"
    # 4. The worker is set up with {type: 0, data: {config, docs, options}}; results show each doc's tags.
    worker = next((MATERIAL / "assets" / "javascripts" / "workers").glob("search.*.min.js")).read_text()
    assert "type:0,data:{config:o,docs:n,options:{suggest:" in bundle, (
        "point 4: bundle.js no longer sets the worker up with {type: 0, data: {config, docs, options}}"
    )
    assert re.search(r"case 0:return yield \w+\(t\.data\.config\),\w+=new \w+\(t\.data\)", worker), (
        "point 4: the search worker no longer builds its index from a type-0 message"
    )
    assert 'e.tags&&x("nav",{class:"md-tags"}' in bundle, (
        "lems_site/search.py: Material's results no longer show a doc's tags (each result's version label)"
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_index_request_and_no_worker_on_load(visit, device):
    v = visit(**(PHONE if device == "phone" else {}))
    page = v.open("treatment/ivig/")
    settle(page)
    assert search_loads(v) == []
    assert page.workers == []
    assert page.evaluate("document.documentElement.dataset.lemsSearch") == "on-demand"
    assert v.errors == []


def test_focusing_and_typing_finds_results_on_a_wide_window(visit):
    v = visit()
    page = v.open("")
    settle(page)
    assert search_loads(v) == []
    page.focus("input.md-search__input")
    page.keyboard.type(QUERY)
    assert results(page).count() > 0
    assert len(page.workers) == 1 and any("/search/search_index." in url for url in v.requests)
    assert v.errors == []
    assert all("127.0.0.1" in url for url in v.requests)


def test_tapping_the_search_button_on_a_phone_finds_results(visit):
    v = visit(**PHONE)
    page = v.open("treatment/ivig/")
    settle(page)
    assert search_loads(v) == []
    page.locator('label.md-header__button[for="__search"]').tap()
    page.locator("input.md-search__input").wait_for(state="visible")
    page.focus("input.md-search__input")
    page.keyboard.type(QUERY)
    assert results(page).count() > 0
    assert len(page.workers) == 1
    assert v.errors == []


@pytest.mark.parametrize("key", ["/", "s", "f"])
def test_materials_keyboard_shortcuts_start_search(visit, key):
    v = visit()
    page = v.open("about/")
    settle(page)
    page.keyboard.press(key)
    page.keyboard.type(QUERY)
    assert results(page).count() > 0
    assert page.evaluate("document.activeElement.matches('input.md-search__input')")


def test_a_search_in_the_address_loads_at_once(visit):
    v = visit()
    page = v.open(f"?q={QUERY}")
    assert results(page).count() > 0
    assert page.locator("input.md-search__input").input_value() == QUERY


def test_a_highlight_in_the_address_marks_the_page(visit):
    v = visit()
    page = v.open("treatment/ivig/?h=immunoglobulin")
    page.locator("mark[data-md-highlight]").first.wait_for(timeout=10000)
    assert search_loads(v)


def test_search_works_with_storage_blocked(visit):
    v = visit()
    v.context.add_init_script(BLOCK_STORAGE)
    page = v.open("")
    settle(page)
    assert search_loads(v) == []
    page.focus("input.md-search__input")
    page.keyboard.type(QUERY)
    assert results(page).count() > 0
    assert v.errors == []


def test_other_workers_and_requests_pass_straight_through(visit):
    """Only Material's search worker and index are held; the rest of the page is untouched."""
    v = visit()
    page = v.open("treatment/ivig/")
    settle(page)
    status = page.evaluate("""() => new Promise(resolve => {
      const xhr = new XMLHttpRequest();
      xhr.open("GET", "../../sitemap.xml");
      xhr.onload = () => resolve(xhr.status);
      xhr.send();
    })""")
    assert status == 200
    assert search_loads(v) == []
