"""The first screen: nothing but CSS blocks the first paint, the answer starts within the top
500 px of a 390x844 phone on every topic page, and nothing shifts as the page comes to life."""

import re

import pytest

from browser.conftest import PAGES, long_date, page_dates

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
AUDIENCES = ["patient", "professional"]
FOLD = 500
# The callout's margin and one heading: the answer follows the urgent-help callout directly.
URGENT_TO_ANSWER = 120
ALLOWED_INLINE = 3  # the audience head script and Material's two, each hashed by the plugin

# The first block of reading in the visible version: not its label, not a heading.
FIRST_CONTENT = """() => {
  const visible = e => e.checkVisibility({visibilityProperty: true});
  const block = [...document.querySelectorAll('.lems-audience')].find(visible);
  // Laid out, not necessarily drawn yet: a diagram is hidden until Mermaid has drawn it.
  const reading = e => e.checkVisibility() && !/^H[1-6]$/.test(e.tagName) && !e.matches('.lems-audience__label');
  const first = [...block.children].find(reading);
  return {top: first.getBoundingClientRect().top, tag: first.tagName, text: first.textContent.trim().slice(0, 40)};
}"""

CLS_OBSERVER = """
window.__cls = 0; window.__shifts = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) {
    window.__cls += e.value;
    window.__shifts.push(e.sources.map(s => s.node ? (s.node.className || s.node.nodeName) : '?').join(' '));
  }
}).observe({type: 'layout-shift', buffered: true});
"""


def topic_pages(site_dir):
    """Every page with audience blocks, read from the built site."""
    import os

    found = []
    for path in PAGES:
        with open(os.path.join(site_dir, path, "index.html"), encoding="utf-8") as f:
            if 'class="lems-audience' in f.read():
                found.append(path)
    return found


@pytest.fixture(scope="module")
def topics(site_dir):
    pages = topic_pages(site_dir)
    assert len(pages) >= 5
    return pages


def test_every_script_is_deferred_and_the_inline_ones_are_tiny(site_dir, topics):
    for path in [*topics, ""]:
        html = open(f"{site_dir}/{path}index.html", encoding="utf-8").read()
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html):
            assert " defer" in tag or 'type="module"' in tag, f"{path}: render-blocking {tag}"
        inline = [m.group(1) for m in re.finditer(r"<script(?![^>]*\b(?:src|type)=)[^>]*>(.*?)</script>", html, re.S)]
        assert len(inline) <= ALLOWED_INLINE, f"{path}: {len(inline)} inline scripts"
        assert all(len(body) < 1200 for body in inline), f"{path}: an inline script grew"
        # Search on demand runs before Material's bundle, which it must precede.
        assert html.index("assets/lems/search-on-demand.js") < html.index("assets/javascripts/bundle.")


def test_deferred_audience_script_still_wires_everything_up(visit):
    page = visit(**PHONE).open("treatment/ivig/")
    assert page.locator(".lems-copylink").count() > 0
    assert page.get_by_role("radio", name="Patient or family member").first.is_checked()
    page.get_by_role("radio", name="Healthcare professional").first.check()
    assert page.evaluate("document.documentElement.dataset.audience") == "professional"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_answer_starts_on_the_first_screen_of_a_phone(visit, topics, audience):
    """First what a reader needs most: on the safety and treatment pages the urgent-help
    callout (when to call 999, 112 or 911), then the answer straight after it; elsewhere the
    answer itself, within the top 500 px."""
    v = visit(**PHONE)
    late = []
    for path in topics:
        page = v.open(f"{path}?audience={audience}", wait_for_diagrams=False)
        first = page.evaluate(FIRST_CONTENT)
        urgent = page.locator(".lems-urgent").bounding_box() if page.locator(".lems-urgent").count() else None
        if urgent:
            if urgent["y"] >= FOLD:
                late.append(f"{path}: the urgent-help callout at y={urgent['y']:.0f}")
            # Only the version's first heading lies between the callout and the answer.
            if not 0 <= first["top"] - (urgent["y"] + urgent["height"]) <= URGENT_TO_ANSWER:
                late.append(
                    f"{path}: {first['tag']} '{first['text']}' at y={first['top']:.0f}, not right after the callout"
                )
        elif first["top"] >= FOLD:
            late.append(f"{path}: {first['tag']} '{first['text']}' at y={first['top']:.0f}")
        # The chooser and the review status stay before it, in view.
        for selector in (".lems-chooser__options", ".lems-status"):
            box = page.locator(selector).bounding_box()
            assert box and box["y"] + box["height"] <= first["top"], f"{path}: {selector} not above the content"
        page.close()
    assert late == []


def test_chooser_on_a_phone_is_one_line_and_still_a_labelled_radio_group(visit):
    page = visit(**PHONE).open("treatment/ivig/")
    group = page.get_by_role("group", name="Which best describes you?")
    assert group.count() == 1
    radios = group.get_by_role("radio")
    assert radios.count() == 2
    options = page.locator(".lems-chooser__option")
    boxes = [options.nth(i).bounding_box() for i in range(options.count())]
    assert len({round(b["y"]) for b in boxes}) == 1, "the options wrapped onto two lines"
    assert all(b["height"] >= 24 and b["width"] >= 24 for b in boxes), "target smaller than 24 px"
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= 390 for b in boxes), "an option runs off the screen"
    chooser = page.locator(".lems-chooser").bounding_box()
    assert chooser["height"] <= 48
    # Each option is reached and chosen by keyboard, with a visible focus ring.
    page.locator('input[name="lems-audience"][value="patient"]').focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.documentElement.dataset.audience") == "professional"
    ring = page.evaluate("getComputedStyle(document.activeElement.closest('label')).outlineStyle")
    assert ring == "solid"


def test_review_status_is_one_line_with_the_details_on_demand(visit):
    page = visit(**PHONE).open("treatment/ivig/")
    summary = page.locator(".lems-status summary")
    assert summary.get_by_text("Awaiting clinical review.").is_visible()
    assert summary.bounding_box()["height"] <= 32, "the status line wrapped"
    dates = page.locator(".lems-status").get_by_text("First clinical review due")
    assert not dates.is_visible()
    summary.click()
    assert dates.is_visible()
    next_review = long_date(page_dates("treatment/ivig.md")["next_review"])
    assert page.locator(".lems-status").get_by_text(next_review).is_visible()
    assert page.locator(".lems-status").get_by_text("No clinician has reviewed this page yet.").is_visible()


def test_review_details_open_without_javascript(visit):
    page = visit(java_script_enabled=False, **PHONE).open("treatment/ivig/", wait_for_diagrams=False)
    page.locator(".lems-status summary").click()
    assert page.locator(".lems-status").get_by_text("First clinical review due").is_visible()


@pytest.mark.parametrize("stored", [False, True], ids=["no-stored-choice", "stored-choice"])
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_no_layout_shift(visit, audience, stored, device):
    v = visit(**(PHONE if device == "phone" else {}))
    v.context.add_init_script(CLS_OBSERVER)
    if stored:
        v.open("about/").evaluate(f"localStorage.setItem('lems.audience', '{audience}')")
        path = "treatment/ivig/"
    else:
        path = f"treatment/ivig/?audience={audience}"
    page = v.open(path)
    page.wait_for_timeout(500)
    assert page.evaluate("document.documentElement.dataset.audience") == audience
    cls = page.evaluate("window.__cls")
    assert f"{cls:.3f}" == "0.000", page.evaluate("window.__shifts")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_compact_first_screen_has_no_accessibility_violations(visit, audience):
    """axe on a phone too: the compact chooser and the one-line status (WCAG 2.2 AA)."""
    from browser.test_accessibility import violations

    page = visit(**PHONE).open(f"treatment/ivig/?audience={audience}")
    count, report = violations(page)
    assert count == 0, report
    page.locator(".lems-status summary").click()
    count, report = violations(page)
    assert count == 0, report
