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
    # In the version's own text: the urgent-help callout above it (every version) cites a
    # group of sources at once, and these tests follow one number.
    cite = page.locator(f".lems-audience {CITE}").filter(visible=True).first
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
    # What is shown of it: the other version's note (display: none) is not read out either.
    shown = page.evaluate("id => document.getElementById(id).innerText", key)
    description = squash(named[0].get("description", {}).get("value", ""))
    assert description == squash(shown)
    assert "For healthcare professionals" not in description
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


CHECKED_PAGE = "evidence/"
PATIENT_NOTE = "Some details of this source are still being checked."
WORKLOG = ("recalled", "not seen", "mirror", "third-party", "Unverified")


def _citation_of_checked_entry(page):
    """A visible number whose list entry carries a note that its details are being checked."""
    key = page.evaluate(
        """() => {
          const li = [...document.querySelectorAll('.lems-references li')].find(li =>
            li.querySelector('.lems-ref__checking') && li.offsetParent !== null);
          return li ? li.id.slice(4) : null;
        }"""
    )
    assert key, "no visible reference with a note on this page"
    cite = page.locator(f'{CITE}[data-lems-refs~="{key}"]').filter(visible=True).first
    cite.scroll_into_view_if_needed()
    return key, cite


@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_each_version_sees_its_own_note_in_the_list_and_the_preview_never_the_worklog(visit, audience):
    page = visit().open(f"{CHECKED_PAGE}?audience={audience}")
    key, cite = _citation_of_checked_entry(page)
    listed = squash(page.locator(f"#ref-{key} .lems-ref__checking").inner_text())
    cite.hover()
    preview = page.locator(PREVIEW)
    preview.wait_for(state="visible")
    shown = squash(preview.inner_text())
    for text in (listed, shown):
        if audience == "patient":
            assert text == PATIENT_NOTE or PATIENT_NOTE in text
            assert "Unconfirmed" not in text
        else:
            assert "Unconfirmed: " in text and PATIENT_NOTE not in text
        assert not any(word in text for word in WORKLOG), text
    assert "For patients" not in listed and "For healthcare" not in listed  # labels are for no-JS readers


def test_without_javascript_both_notes_are_shown_each_labelled(visit):
    page = visit(java_script_enabled=False).open(CHECKED_PAGE, wait_for_diagrams=False)
    note = page.locator(".lems-references .lems-ref__checking").first
    text = squash(note.inner_text())
    assert text.startswith(f"For patients and families: {PATIENT_NOTE}")
    assert "For healthcare professionals: Unconfirmed: " in text


def test_a_lone_citation_number_answers_taps_over_24_by_24_px_without_moving_the_text(visit):
    page = visit().open(PAGE)
    lone = (
        page.locator("sup.lems-cite:has(> a.lems-cite__link:only-of-type) a.lems-cite__link").filter(visible=True).first
    )
    lone.scroll_into_view_if_needed()
    box = lone.bounding_box()
    assert box["width"] < 24 and box["height"] < 24  # the number itself stays small
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hits = page.evaluate(
        """([x, y, link]) => [[-11, 0], [11, 0], [0, -11], [0, 11], [-11, -11], [11, 11]].map(([dx, dy]) =>
             document.elementFromPoint(x + dx, y + dy) === link)""",
        [cx, cy, lone.element_handle()],
    )
    assert hits == [True] * 6
    # The hit area is out of the flow: the paragraph's line boxes are those of the text.
    heights = page.evaluate(
        """link => {
          const p = link.closest('p, li');
          const before = p.getBoundingClientRect().height;
          const style = document.createElement('style');
          style.textContent = '.md-typeset .lems-cite__link::after { display: none !important; }';
          document.head.append(style);
          const after = p.getBoundingClientRect().height;
          style.remove();
          return [before, after];
        }""",
        lone.element_handle(),
    )
    assert heights[0] == heights[1]
