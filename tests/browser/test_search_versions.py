"""Search follows the reader's version (lems_site/search.py, assets/lems/search-on-demand.js).

Which version a result belongs to is read from the built page it links to (the block holding
its anchor), not from the index, so a wrong tag or a wrong weight both fail here.
"""

from __future__ import annotations

import json
import os
from functools import cache
from urllib.parse import urlsplit

import lxml.html
import pytest
import yaml
from conftest import ROOT

from lems_site.vocabulary import STORAGE_KEY

# Clinical words found in both versions and in the References page's list.
CLINICAL_WORDS = (
    "magnesium",
    "seizure",
    "pregnancy",
    "epilepsy",
    "breastfeeding",
    "headache",
    "kidney",
    "rituximab",
    "amifampridine",
    "azathioprine",
    "plasmapheresis",
    "vaccine",
    "smoking",
    "tumour",
    "quinine",
)
# An author's name that only the References page's list contains.
AUTHOR_ONLY_IN_REFERENCES = "Apostolski"


def labels() -> dict[str, str]:
    with open(os.path.join(ROOT, "mkdocs.yml"), encoding="utf-8") as handle:
        text = handle.read()
    # mkdocs.yml has !!python/name tags; only the lems options are needed here.
    config = yaml.load(text, Loader=_Lenient)
    lems = next(p["lems"] for p in config["plugins"] if isinstance(p, dict) and "lems" in p)
    return {a["id"]: a["block_label"] for a in lems["audiences"]}


class _Lenient(yaml.SafeLoader):
    pass


_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)

LABELS = labels()
AUDIENCES = tuple(LABELS)


@cache
def _built_versions(site_dir: str, path: str) -> dict[str, str]:
    """{id: audience} of every element inside a version on one built page."""
    file = os.path.join(site_dir, path.lstrip("/"), "index.html")
    tree = lxml.html.parse(file)
    found = {}
    for block in tree.iterfind('.//div[@class="lems-audience"]'):
        for element in block.iter():
            if element.get("id"):
                found[element.get("id")] = block.get("data-audience")
    return found


def version_of(site_dir: str, href: str) -> str | None:
    """The version the linked section belongs to, from the built page; None if shared."""
    parts = urlsplit(href)
    path = parts.path.split("/lems-treatment-site/", 1)[-1]
    return _built_versions(site_dir, path).get(parts.fragment) if parts.fragment else None


RESULTS = """() => [...document.querySelectorAll('.md-search-result__item')].map(item => ({
  page: item.querySelector('a').href,
  links: [...item.querySelectorAll('a.md-search-result__link')].map(a => ({
    href: a.href,
    hidden: !!a.closest('details'),
    tags: [...a.querySelectorAll('.md-tag')].map(t => t.textContent),
    visible_tags: [...a.querySelectorAll('.md-tag')].every(t => t.checkVisibility()),
  })),
}))"""


def open_search(visit, audience: str | None, path: str = "treatment/ivig/"):
    v = visit()
    if audience is not None:
        v.context.add_init_script(f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(audience)})")
    page = v.open(path)
    page.focus("input.md-search__input")
    return v, page


def search(page, query: str) -> list[dict]:
    box = page.locator("input.md-search__input")
    box.focus()
    box.press("Control+a")
    box.press("Backspace")
    page.keyboard.type(query)
    # Results for this query: the list was emptied and refilled, with the query highlighted.
    page.wait_for_function(
        """q => { const m = document.querySelector('.md-search-result__list mark');
                  return m && m.textContent.toLowerCase().startsWith(q.slice(0, 4).toLowerCase()); }""",
        arg=query,
        timeout=10000,
    )
    page.wait_for_timeout(150)
    return page.evaluate(RESULTS)


def shown_sections(site_dir: str, results: list[dict]) -> list[tuple[str, str | None, list[str]]]:
    """(href, version, tags) of each section result shown (not under "N more on this page")."""
    return [
        (link["href"], version_of(site_dir, link["href"]), link["tags"])
        for item in results
        for link in item["links"]
        if "#" in link["href"] and not link["hidden"]
    ]


@pytest.mark.parametrize("audience", [None, *AUDIENCES])
def test_results_lead_with_the_readers_version_each_labelled_and_never_the_references(visit, site_dir, audience):
    reader = audience or AUDIENCES[0]  # nothing chosen: the version shown by default
    v, page = open_search(visit, audience)
    for query in CLINICAL_WORDS:
        results = search(page, query)
        assert results, f"{query!r}: no results"
        assert "/references/" not in results[0]["page"], f"{query!r}: the References page ranks first"
        sections = [s for s in shown_sections(site_dir, results) if s[1] is not None]
        assert sections, f"{query!r}: no section of either version among the results"
        order = [version for _, version, _ in sections]
        assert order[0] == reader, f"{query!r}: first section is {sections[0][0]} ({order[0]}), not {reader}"
        # The reader's version first: once the other version starts, it does not come back.
        first_other = next((i for i, version in enumerate(order) if version != reader), len(order))
        assert all(version != reader for version in order[first_other:]), f"{query!r}: versions interleave: {order}"
        for item in results:
            for link in item["links"]:
                version = version_of(site_dir, link["href"])
                expected = [LABELS[version]] if version else []
                assert link["tags"] == expected, f"{query!r}: {link['href']} is labelled {link['tags']}"
                assert link["hidden"] or link["visible_tags"], f"{query!r}: {link['href']}: label not shown"
    assert v.errors == []


def test_the_other_version_is_still_found_and_its_result_switches_versions(visit, site_dir):
    v, page = open_search(visit, "patient")
    results = search(page, "sultopride")  # a word only the professional version uses
    links = [link for item in results for link in item["links"] if version_of(site_dir, link["href"])]
    assert links and {version_of(site_dir, link["href"]) for link in links} == {"professional"}
    assert links[0]["tags"] == [LABELS["professional"]]
    page.locator(f'a.md-search-result__link[href="{links[0]["href"]}"]').click()
    page.wait_for_function("() => document.documentElement.dataset.audience === 'professional'")
    assert page.locator('.lems-chooser__switched[data-lems-when-audience="professional"]').is_visible()
    assert v.errors == []


def test_the_references_page_is_findable_by_its_title_and_an_authors_name(visit):
    v, page = open_search(visit, "patient")
    assert "/references/" in search(page, AUTHOR_ONLY_IN_REFERENCES)[0]["page"]
    assert "/references/" in search(page, "References")[0]["page"]


def test_changing_version_after_search_has_loaded_changes_the_order(visit, site_dir):
    v, page = open_search(visit, "patient")
    assert shown_sections(site_dir, search(page, "magnesium"))[0][1] == "patient"
    page.keyboard.press("Escape")
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('search_index.professional.json'))"
    )
    page.wait_for_timeout(300)
    first = [s for s in shown_sections(site_dir, search(page, "magnesium")) if s[1]]
    assert first[0][1] == "professional"
    assert v.errors == []


def test_the_index_of_the_readers_version_is_the_one_loaded(visit):
    v, page = open_search(visit, "professional")
    page.keyboard.type("magnesium")
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    indexes = [url for url in v.requests if "/search/search_index" in url]
    assert len(indexes) == 1 and indexes[0].endswith("/search/search_index.professional.json")


def test_a_search_in_the_address_uses_the_readers_version(visit, site_dir):
    v = visit()
    v.context.add_init_script(f"localStorage.setItem({json.dumps(STORAGE_KEY)}, 'professional')")
    page = v.open("?q=magnesium")
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    page.wait_for_timeout(200)
    assert [u for u in v.requests if "/search/search_index" in u][0].endswith("search_index.professional.json")
    first = [s for s in shown_sections(site_dir, page.evaluate(RESULTS)) if s[1]]
    assert first[0][1] == "professional"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_labelled_results_have_no_accessibility_violations(visit, audience):
    from browser.test_accessibility import OPTIONS, axe

    v, page = open_search(visit, audience)
    search(page, "magnesium")
    assert page.locator(".md-search-result .md-tag").count() > 0
    results = axe.run(page, context=".md-search-result", options=OPTIONS)
    assert results.violations_count == 0, results.generate_report()
