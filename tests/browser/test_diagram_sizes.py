"""Diagrams on a 390 px phone: labels at 12 CSS px or more, the diagram scrolling sideways in its
own keyboard-reachable region (never the page), and a full-size view of a tall one that works
without JavaScript."""

import pytest

from browser.conftest import PAGES
from browser.test_diagrams import AUDIENCES, diagrams_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DIAGRAM_PAGES = [p for p in PAGES if diagrams_in(p)]
MIN_LABEL_PX = 12

# The rendered size of each node label: its font size times the drawing's scale on screen.
LABEL_SIZES = """(audience) => [...document.querySelectorAll(
  `.lems-audience[data-audience="${audience}"] .lems-diagram svg .nodeLabel, `
  + `.lems-audience[data-audience="${audience}"] .lems-diagram svg .label text`)]
  .map(t => (t.tagName === 'text' ? t : t.closest('text'))).filter(Boolean)
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


def label_sizes(page, audience):
    sizes = page.evaluate(LABEL_SIZES, audience)
    assert sizes, "no diagram labels found"
    return sizes


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_labels_are_at_least_12_css_px_on_a_phone_and_only_the_diagram_scrolls(visit, path, audience):
    page = visit(**PHONE).open(f"{path}?audience={audience}")
    sizes = label_sizes(page, audience)
    print(f"{path} ({audience}): labels {min(sizes):.1f}-{max(sizes):.1f} px")
    assert min(sizes) >= MIN_LABEL_PX, f"smallest label {min(sizes):.1f} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    regions = page.locator(f'.lems-audience[data-audience="{audience}"] .lems-diagram')
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
        assert (region.get_attribute("aria-label") or "").startswith("Diagram: ")
        box = region.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_the_size_check_can_fail(visit):
    """Without the minimum width, the same labels shrink to about 8.7 px: the check sees it."""
    page = visit(**PHONE).open("treatment/ivig/?audience=professional")
    page.add_style_tag(content=".md-typeset div.lems-diagram > svg { min-width: 0 !important; }")
    assert min(label_sizes(page, "professional")) < MIN_LABEL_PX


def test_a_wide_diagram_scrolls_with_the_keyboard(visit):
    page = visit(**PHONE).open("treatment/ivig/?audience=patient")
    region = page.locator('.lems-audience[data-audience="patient"] .lems-diagram').first
    assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "the diagram does not need to scroll"
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('lems-diagram')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")


@pytest.mark.parametrize("path", ["treatment/ivig/", "treatment/overview/"])
def test_a_tall_diagram_opens_full_size_without_javascript(visit, path):
    v = visit(java_script_enabled=False, **PHONE)
    page = v.open(path, wait_for_diagrams=False)
    link = page.get_by_role("link", name="Open the diagram full size", exact=False)
    assert link.count() >= 1
    href = link.first.get_attribute("href")
    response = page.request.get(v.base_url + path + href)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    body = response.text()
    assert "<script" not in body and 'role="img"' in body and 'width="' in body
    page.goto(v.base_url + path + href)
    width = page.evaluate("document.documentElement.getBoundingClientRect().width")
    assert width > 390, "the full-size view is scaled down to the phone again"
