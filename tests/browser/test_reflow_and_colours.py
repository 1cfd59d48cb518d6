"""Reflow (WCAG 1.4.10) at 320 CSS px and on a phone zoomed to 200% (195 CSS px), forced
colours (Windows High Contrast) and the dark palette (reader walk, journey 4)."""

import pytest

from browser.test_accessibility import violations

PAGE = "treatment/ivig/"
NARROW = {
    "320px": {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True},
    # A 390 px phone at 200% zoom: 195 CSS px.
    "phone-200pct": {"viewport": {"width": 195, "height": 422}, "is_mobile": True, "has_touch": True},
}
KEY_PAGES = ["", PAGE, "safety/", "references/", "glossary/"]


@pytest.mark.parametrize("path", ["", PAGE, "safety/"])
@pytest.mark.parametrize("size", NARROW)
def test_nothing_is_off_screen_at_narrow_widths(visit, size, path):
    options = NARROW[size]
    width = options["viewport"]["width"]
    page = visit(**options).open(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = [page.locator(".lems-chooser__option").nth(i).bounding_box() for i in range(2)]
    for box in boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (size, box)
        assert box["height"] >= 24 and box["width"] >= 24
    # The review status line wraps by words: a few lines at most, never a column of letters.
    line = page.locator(".lems-status__line").bounding_box()
    summary = page.locator(".lems-status summary").bounding_box()
    assert line["width"] >= summary["width"] * 0.6, (line, summary)
    assert summary["height"] <= 80, summary


@pytest.mark.parametrize("size", NARROW)
def test_both_options_can_be_tapped_at_narrow_widths(visit, size):
    page = visit(**NARROW[size]).open(PAGE)
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").tap()
    assert page.evaluate("document.documentElement.dataset.audience") == "professional"
    page.locator(".lems-chooser").get_by_role("radio", name="Patient or family member").tap()
    assert page.evaluate("document.documentElement.dataset.audience") == "patient"


def option_pixels(page, audience):
    return page.locator(f'.lems-chooser__option[data-lems-option="{audience}"]').screenshot(animations="disabled")


def test_forced_colours_still_show_which_version_is_chosen(visit):
    """The same option, selected and not, must not look the same once forced colours drop
    backgrounds and shadows."""
    page = visit(forced_colors="active").open(PAGE)
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    page.mouse.move(0, 0)
    selected = option_pixels(page, "patient")
    mark = "getComputedStyle(document.querySelector('[data-lems-option=\"patient\"]'), '::before').content"
    assert "✓" in page.evaluate(mark)
    page.locator('.lems-chooser input[value="professional"]').check()
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")
    unselected = option_pixels(page, "patient")
    assert "✓" not in page.evaluate(mark)
    assert selected != unselected


@pytest.mark.parametrize("path", KEY_PAGES)
@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_dark_palette_follows_the_system_and_has_no_violations(visit, path, audience):
    page = visit(color_scheme="dark").open(f"{path}?audience={audience}")
    # Dark indeed: the page background is dark, its text light.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [float(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
    assert max(channels) < 80, background
    count, report = violations(page)
    assert count == 0, report


def test_dark_palette_with_a_term_and_the_review_details_open(visit):
    page = visit(color_scheme="dark").open(PAGE)
    page.locator(".lems-status summary").click()
    page.locator("article abbr.lems-abbr:visible").first.focus()
    page.wait_for_selector(".md-tooltip2--active")
    count, report = violations(page)
    assert count == 0, report


def test_light_stays_light(visit):
    page = visit(color_scheme="light").open(PAGE)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_dark_palette_with_a_citation_preview_open(visit):
    page = visit(color_scheme="dark").open(PAGE)
    cite = page.locator("sup.lems-cite a.lems-cite__link").filter(visible=True).first
    cite.scroll_into_view_if_needed()
    cite.hover()
    page.wait_for_selector("#lems-cite-preview", state="visible")
    assert cite.get_attribute("aria-expanded") == "true"
    background = page.evaluate("getComputedStyle(document.getElementById('lems-cite-preview')).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    count, report = violations(page)
    assert count == 0, report


def test_dark_palette_with_search_results_open(visit):
    from browser.test_search_versions import search

    page = visit(color_scheme="dark").open(PAGE)
    page.focus("input.md-search__input")
    search(page, "magnesium")
    assert page.locator(".md-search-result__item").count() > 0
    count, report = violations(page)
    assert count == 0, report
