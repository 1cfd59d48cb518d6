""" "Copy link" beside each section heading: on narrow screens it never wraps onto a line of its
own, stays inside its heading and the screen, and adding it shifts nothing (CLS 0)."""

import pytest

from browser.test_first_screen import CLS_OBSERVER

PAGES = ["safety/", "treatment/ivig/", "treatment/symptomatic/", "evidence/"]

# Each visible button that is not level with the top of its heading, or runs past its heading.
MISPLACED = """() => [...document.querySelectorAll('.lems-copylink')].filter(b => b.checkVisibility()).map(b => {
  const h = b.parentNode.getBoundingClientRect(), r = b.getBoundingClientRect();
  return {heading: b.parentNode.id, below: Math.round(r.top - h.top), right: Math.round(r.right), limit: Math.round(h.right),
          width: r.width, height: r.height};
}).filter(b => b.below > 8 || b.right > b.limit + 1 || b.width < 24 || b.height < 24)"""


def device(width):
    return {"viewport": {"width": width, "height": 844}, "is_mobile": width < 500, "has_touch": width < 500}


@pytest.mark.parametrize("width", [320, 390, 1366])
def test_copy_link_stays_on_its_headings_first_line_and_nothing_shifts(visit, width):
    v = visit(**device(width))
    v.context.add_init_script(CLS_OBSERVER)
    for path in PAGES:
        for audience in ("patient", "professional"):
            page = v.open(f"{path}?audience={audience}", wait_for_diagrams=False)
            page.wait_for_timeout(300)
            assert page.locator(".lems-copylink").count() > 0
            assert page.evaluate(MISPLACED) == [], f"{path} ({audience}) at {width} px"
            cls = page.evaluate("window.__cls")
            assert f"{cls:.3f}" == "0.000", (path, audience, width, page.evaluate("window.__shifts"))
            page.close()


def test_on_a_phone_it_is_an_icon_with_its_full_name(visit):
    page = visit(**device(390)).open("safety/", wait_for_diagrams=False)
    button = page.get_by_role("button", name="Copy link to section: Medicines that can make LEMS worse")
    assert button.count() == 1 and button.is_visible()
    box = button.bounding_box()
    assert 24 <= box["width"] <= 32 and 24 <= box["height"] <= 32


def test_the_check_sees_a_button_that_wraps(visit):
    """With the button back in the text flow, as it was, it wraps below its heading at 320 px."""
    page = visit(**device(320)).open("safety/", wait_for_diagrams=False)
    page.add_style_tag(
        content=".md-typeset .lems-copylink { position: static !important; width: 4.6rem !important;"
        " height: auto !important; font-size: 0.6rem !important; }"
        " html.lems-js .md-typeset h2[id] { padding-right: 0 !important; }"
    )
    assert page.evaluate(MISPLACED) != []
