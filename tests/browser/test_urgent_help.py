"""Urgent help first: on a 390x844 phone, on the safety page and every treatment page, in each
version and without JavaScript, the callout starts within the first screen and a half and has
tappable 999, 112 and 911 links; axe finds nothing."""

import pytest

from browser.test_accessibility import violations, without_scripts

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SCREEN = 844
LIMIT = 1.5 * SCREEN
PAGES = [
    "safety/",
    "treatment/overview/",
    "treatment/symptomatic/",
    "treatment/ivig/",
    "treatment/plasma-exchange/",
    "treatment/immunosuppression/",
]
NUMBERS = ("999", "112", "911")


def _check_callout(page, where):
    callout = page.locator("section.lems-urgent")
    assert callout.count() == 1, f"{where}: {callout.count()} urgent-help callouts"
    assert callout.is_visible(), f"{where}: the callout is hidden"
    # Measured from the top of the page, not of the window.
    top = page.evaluate("document.querySelector('section.lems-urgent').getBoundingClientRect().top + window.scrollY")
    assert top <= LIMIT, f"{where}: the callout starts at {top:.0f} px, below {LIMIT:.0f} px"
    # A named region with a heading: found by role and name, as a screen reader finds it.
    heading = callout.get_by_role("heading", level=2)
    assert heading.count() == 1
    title = heading.inner_text().strip()
    assert page.get_by_role("region", name=title).count() == 1
    for number in NUMBERS:
        link = callout.locator(f'a[href="tel:{number}"]')
        assert link.count() == 1, f"{where}: no tel:{number} link"
        box = link.bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24, f"{where}: tel:{number} is smaller than 24 px"
    # Before either version's text, so that whichever version is shown, it comes first.
    assert page.evaluate(
        "(() => { const u = document.querySelector('section.lems-urgent');"
        " return [...document.querySelectorAll('.lems-audience')].every("
        "  a => u.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING); })()"
    ), f"{where}: the callout is not before every version"
    return top


@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_callout_is_near_the_top_with_phone_links_in_both_versions(visit, audience):
    v = visit(**PHONE)
    tops = {}
    for path in PAGES:
        page = v.open(f"{path}?audience={audience}", wait_for_diagrams=False)
        assert page.evaluate("document.documentElement.dataset.audience") == audience
        tops[path] = _check_callout(page, f"{path} ({audience})")
        page.close()
    print(f"callout tops ({audience}):", {p: round(t) for p, t in tops.items()})


def test_callout_is_first_without_javascript(visit):
    v = visit(**PHONE)
    tops = {}
    for path in PAGES:
        page = v.context.new_page()
        without_scripts(page)
        page.goto(v.base_url + path, wait_until="load")
        assert page.evaluate("document.documentElement.classList.contains('lems-js')") is False
        tops[path] = _check_callout(page, f"{path} (no JavaScript)")
        page.close()
    print("callout tops (no JavaScript):", {p: round(t) for p, t in tops.items()})


def test_the_check_fails_where_the_callout_is_pushed_down(visit):
    """The position check can fail: the same page with the callout moved below both versions."""
    page = visit(**PHONE).open("treatment/ivig/?audience=patient", wait_for_diagrams=False)
    page.evaluate("(() => { const u = document.querySelector('section.lems-urgent'); u.parentNode.appendChild(u); })()")
    with pytest.raises(AssertionError):
        _check_callout(page, "moved")


@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_no_accessibility_violations_on_a_phone(visit, audience):
    v = visit(**PHONE)
    for path in ("safety/", "treatment/ivig/"):
        page = v.open(f"{path}?audience={audience}", wait_for_diagrams=False)
        count, report = violations(page)
        assert count == 0, report
        page.close()


def test_forced_colours_keep_the_callout_outlined(visit):
    v = visit(**PHONE)
    page = v.open("safety/", wait_for_diagrams=False)
    page.emulate_media(forced_colors="active")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('section.lems-urgent'));"
        " return [s.borderTopStyle, parseFloat(s.borderTopWidth)]; })()"
    )
    assert style[0] == "solid" and style[1] >= 2


@pytest.mark.parametrize("path", ["safety/", "treatment/ivig/", "treatment/symptomatic/"])
def test_no_accessibility_violations_in_the_dark_palette(visit, path):
    page = visit(color_scheme="dark", **PHONE).open(f"{path}?audience=patient", wait_for_diagrams=False)
    background = page.evaluate("getComputedStyle(document.querySelector('section.lems-urgent')).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    count, report = violations(page)
    assert count == 0, report
