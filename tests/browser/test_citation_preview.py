"""Citation previews: hover, keyboard, touch, screen readers, no JavaScript, no layout shift, axe."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGE = "treatment/ivig/"
CITE = "sup.lems-cite a.lems-cite__link"
PREVIEW = "#lems-cite-preview"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CLS_OBSERVER = """() => {
  window.__shift = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) window.__shift += e.value; })
    .observe({type: 'layout-shift', buffered: true});
}"""


def first_visible_citation(page):
    cite = page.locator(CITE).filter(visible=True).first
    cite.scroll_into_view_if_needed()
    return cite


def entry_text(page, cite) -> str:
    key = cite.get_attribute("href")[len("#ref-") :]
    return page.evaluate("id => document.getElementById(id).textContent", f"ref-{key}")


def squash(text: str) -> str:
    return " ".join(text.split())


def test_hover_shows_the_formatted_reference_from_the_list(visit):
    v = visit()
    page = v.open(PAGE)
    cite = first_visible_citation(page)
    assert cite.get_attribute("aria-expanded") == "false"
    cite.hover()
    preview = page.locator(PREVIEW)
    preview.wait_for(state="visible")
    assert cite.get_attribute("aria-expanded") == "true"
    assert cite.get_attribute("aria-controls") == "lems-cite-preview"
    body = squash(preview.locator(".lems-preview__body").text_content())
    assert body == squash(entry_text(page, cite))
    # The same links out as the list entry, and "What this source found" when the entry has it.
    key = cite.get_attribute("href")[len("#ref-") :]
    entry = page.locator(f"#ref-{key}")
    assert preview.locator(".lems-ref__link").count() == entry.locator(".lems-ref__link").count()
    assert preview.locator(".lems-ref__findings").count() == entry.locator(".lems-ref__findings").count()
    # Moving the pointer away closes it.
    page.mouse.move(5, page.viewport_size["height"] - 5)
    preview.wait_for(state="detached")
    assert cite.get_attribute("aria-expanded") == "false"
    assert not v.errors and all(r.startswith(v.base_url) for r in v.requests)


def test_the_preview_sits_below_or_above_the_line_inside_the_viewport(visit):
    page = visit().open(PAGE)
    cite = first_visible_citation(page)
    cite.hover()
    page.locator(PREVIEW).wait_for(state="visible")
    box = page.locator(PREVIEW).bounding_box()
    line = cite.bounding_box()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["y"] >= 0 and box["y"] + box["height"] <= height
    # Never over the number's line: wholly under it or wholly over it.
    assert box["y"] >= line["y"] + line["height"] or box["y"] + box["height"] <= line["y"]


def test_keyboard_focus_opens_enter_pins_escape_closes_and_keeps_focus(visit):
    page = visit().open(PAGE)
    cite = first_visible_citation(page)
    cite.focus()
    preview = page.locator(PREVIEW)
    preview.wait_for(state="visible")
    page.keyboard.press("Enter")  # pins the preview: no jump yet
    assert page.evaluate("location.hash") == ""
    assert preview.is_visible()
    # Its links are reachable by keyboard, in reading order after the number.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#lems-cite-preview') !== null")
    page.keyboard.press("Escape")
    preview.wait_for(state="detached")
    assert page.evaluate("document.activeElement.classList.contains('lems-cite__link')")
    assert page.evaluate("document.activeElement.getAttribute('href')") == cite.get_attribute("href")
    assert cite.get_attribute("aria-expanded") == "false"
    # Escape on the number itself closes it too, and focus stays put.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    preview.wait_for(state="visible")
    page.keyboard.press("Escape")
    preview.wait_for(state="detached")
    assert page.evaluate("document.activeElement.getAttribute('href')") == cite.get_attribute("href")


def test_enter_twice_follows_the_link_to_the_list(visit):
    page = visit().open(PAGE)
    cite = first_visible_citation(page)
    cite.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == cite.get_attribute("href")
    assert page.locator(PREVIEW).count() == 0


def test_touch_tap_opens_and_a_second_tap_follows(visit):
    page = visit(has_touch=True, is_mobile=True, viewport={"width": 390, "height": 844}).open(PAGE)
    cite = first_visible_citation(page)
    cite.tap()
    preview = page.locator(PREVIEW)
    preview.wait_for(state="visible")
    assert page.evaluate("location.hash") == ""
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path="/tmp/citations-phone.png")
    cite.tap()
    assert page.evaluate("location.hash") == cite.get_attribute("href")
    assert page.locator(cite.get_attribute("href")).is_visible()


def test_tapping_elsewhere_closes_the_preview(visit):
    page = visit(has_touch=True, is_mobile=True, viewport={"width": 390, "height": 844}).open(PAGE)
    first_visible_citation(page).tap()
    page.locator(PREVIEW).wait_for(state="visible")
    page.locator("h1").tap()
    page.locator(PREVIEW).wait_for(state="detached")


def test_screen_readers_get_a_name_a_description_and_the_state(visit):
    page = visit().open(PAGE)
    cite = first_visible_citation(page)
    label = cite.get_attribute("aria-label")
    assert label.startswith("Reference ")
    described = cite.get_attribute("aria-describedby").split()
    key = cite.get_attribute("href")[1:]
    assert described == [key]
    # The accessibility tree (Chromium's, over CDP): the link's name, and as its description
    # the list entry's text, which a screen reader reads after the name.
    client = page.context.new_cdp_session(page)
    client.send("Accessibility.enable")
    tree = client.send("Accessibility.getFullAXTree")["nodes"]
    named = [n for n in tree if n.get("role", {}).get("value") == "link" and n.get("name", {}).get("value") == label]
    assert named, f"no link named {label!r} in the accessibility tree"
    assert squash(named[0].get("description", {}).get("value", "")) == squash(entry_text(page, cite))
    cite.focus()
    page.locator(PREVIEW).wait_for(state="visible")
    assert cite.get_attribute("aria-expanded") == "true"
    assert page.locator(PREVIEW).get_attribute("role") == "group"
    assert page.locator(PREVIEW).get_attribute("aria-label") == f"Preview: {label}"


def test_without_javascript_the_number_jumps_to_the_entry(visit):
    page = visit(java_script_enabled=False).open(PAGE, wait_for_diagrams=False)
    cite = page.locator(CITE).first
    href = cite.get_attribute("href")
    assert cite.get_attribute("aria-expanded") is None
    cite.click()
    assert page.url.endswith(href)
    entry = page.locator(href)
    assert entry.is_visible()
    assert page.locator(PREVIEW).count() == 0


def test_opening_a_preview_shifts_no_layout(visit):
    page = visit().open(PAGE)
    page.evaluate(CLS_OBSERVER)
    page.wait_for_timeout(300)
    page.evaluate("window.__shift = 0")
    cites = page.locator(CITE).filter(visible=True)
    for index in range(min(4, cites.count())):
        cite = cites.nth(index)
        cite.scroll_into_view_if_needed()
        page.wait_for_timeout(100)
        page.evaluate("window.__shift = 0")
        before = page.evaluate("document.querySelector('article').getBoundingClientRect().height")
        cite.hover()
        page.locator(PREVIEW).wait_for(state="visible")
        cite.click()
        page.wait_for_timeout(200)
        assert page.evaluate("window.__shift") == 0
        assert page.evaluate("document.querySelector('article').getBoundingClientRect().height") == before
        page.keyboard.press("Escape")


@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_no_axe_violations_with_a_preview_open(visit, audience):
    page = visit().open(f"{PAGE}?audience={audience}")
    cite = first_visible_citation(page)
    cite.hover()
    page.locator(PREVIEW).wait_for(state="visible")
    cite.click()  # pinned, so it stays open while axe runs
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=f"/tmp/citations-hover-{audience}.png")
