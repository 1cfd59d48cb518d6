"""Every Mermaid diagram is published as inline SVG drawn at build time: an image named by its
title and described by its description, shown without JavaScript and in print, in both
versions, on pages that load no Mermaid at all.

The site under test must be built with Chromium present (`scripts/build.py
--require-diagrams` in CI): a site whose diagrams were left to the browser fails here.
"""

import os
import re

import pytest
from conftest import ROOT
from playwright.sync_api import expect

from browser.conftest import PAGES

ACC = re.compile(r"^\s*acc(Title|Descr)\s*:\s*(.+?)\s*$", re.M)
AUDIENCES = ["patient", "professional"]


def source_of(path):
    source = os.path.join(ROOT, "docs", (path.rstrip("/") or "index") + ".md")
    if not os.path.exists(source):
        source = os.path.join(ROOT, "docs", path, "index.md")
    return open(source, encoding="utf-8").read()


def diagrams_in(path):
    """(audience, title, description) of each diagram of the page, in page order."""
    text = source_of(path)
    found = []
    for match in re.finditer(r"```mermaid\n(.*?)```", text, re.S):
        opened = [m.group(1) for m in re.finditer(r"^/// audience \| (\S+)", text[: match.start()], re.M)]
        fields = dict(ACC.findall(match.group(1)))
        found.append((opened[-1] if opened else None, fields.get("Title"), fields.get("Descr")))
    return found


DIAGRAM_PAGES = [p for p in PAGES if diagrams_in(p)]


def test_the_site_has_diagrams_in_both_versions():
    assert len(DIAGRAM_PAGES) >= 2
    audiences = {audience for path in DIAGRAM_PAGES for audience, _, _ in diagrams_in(path)}
    assert set(AUDIENCES) <= audiences


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_the_published_page_has_inline_svg_and_loads_no_mermaid(visit, site_dir, path):
    html = open(os.path.join(site_dir, path, "index.html"), encoding="utf-8").read()
    assert 'class="mermaid"' not in html, "a diagram was left to the browser: build with Chromium present"
    assert len(re.findall(r'<div class="lems-diagram" [^>]*><svg', html)) == len(diagrams_in(path))
    v = visit()
    page = v.open(path)
    assert not [url for url in v.requests if "mermaid" in url.lower()]
    assert page.evaluate("() => typeof window.mermaid") == "undefined"
    assert page.locator("script[src*=mermaid], script[type=module]").count() == 0
    svg_markup = page.locator(".lems-diagram").evaluate_all("nodes => nodes.map(n => n.innerHTML).join('')")
    for forbidden in ("<script", "<foreignObject", " onload=", " onclick=", "javascript:"):
        assert forbidden not in svg_markup
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "ids on the page must be unique"
    assert not v.errors


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_diagram_is_an_image_named_by_its_title(visit, path, audience):
    page = visit().open(f"{path}?audience={audience}")
    for version, title, description in diagrams_in(path):
        image = page.locator(f'.lems-audience[data-audience="{version}"] .lems-diagram > svg').filter(
            has=page.locator("title", has_text=title)
        )
        expect(image).to_have_count(1)
        expect(image).to_have_attribute("role", "img")
        # Wired to its own <title> and <desc>, in the hidden version too (ready for a switch).
        labelled, described = image.get_attribute("aria-labelledby"), image.get_attribute("aria-describedby")
        assert image.locator(f'title[id="{labelled}"]').text_content().strip() == title
        assert image.locator(f'desc[id="{described}"]').text_content().strip() == description
        if version == audience:
            # As the browser exposes it: a hidden version is out of the accessibility tree.
            box = image.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, f"{title!r} is not shown"
            expect(image).to_have_accessible_name(title)
            expect(image).to_have_accessible_description(description)
            expect(page.get_by_role("img", name=title, exact=True)).to_have_count(1)
        # The text alternative stays beside the drawing.
        alternative = image.locator(
            "xpath=ancestor::div[@class='lems-diagram']/following-sibling::*[self::ol or self::table][1]"
        )
        expect(alternative).to_have_count(1)


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagrams_show_without_javascript(visit, path):
    page = visit(java_script_enabled=False).open(path, wait_for_diagrams=False)
    svgs = page.locator(".lems-diagram > svg")
    assert svgs.count() == len(diagrams_in(path))
    shown = [svgs.nth(i).bounding_box() for i in range(svgs.count())]
    # Without JavaScript no version is chosen: at least the first one shows, drawn full size.
    assert any(box and box["width"] > 100 and box["height"] > 100 for box in shown)
    # Plain SVG text, drawn at build time: the labels are there with no script running.
    assert "".join(svgs.first.locator("text").all_text_contents()).strip()


@pytest.mark.parametrize("audience", AUDIENCES)
def test_diagrams_print_in_the_chosen_version_only(visit, audience):
    path = "treatment/ivig/"
    page = visit().open(f"{path}?audience={audience}")
    page.emulate_media(media="print")
    for version, title, _ in diagrams_in(path):
        image = page.locator(f'.lems-audience[data-audience="{version}"] .lems-diagram > svg')
        image = image.filter(has=page.locator("title", has_text=title))
        box = image.bounding_box()
        if version == audience:
            assert box and box["width"] > 100 and box["height"] > 100
        else:
            assert box is None, "the other version must not print"
    assert page.pdf(format="A4")[:4] == b"%PDF"


def test_a_diagram_in_the_hidden_version_is_ready_when_shown(visit):
    """The drawing is in the page already: a switch shows it at full size at once."""
    page = visit().open("treatment/ivig/?audience=patient")
    page.locator('.lems-chooser input[value="professional"]').check()
    box = page.locator('.lems-audience[data-audience="professional"] .lems-diagram > svg').first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
