"""Abbreviations explain themselves on a tap and on keyboard focus; only those that do are
styled as something to act on (reader walk, journey 1.5)."""

PAGE = "treatment/ivig/"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

ACTIVE_TOOLTIP = "() => [...document.querySelectorAll('.md-tooltip2--active')].map(t => t.textContent.trim())"

# Every visible abbreviation: is it marked, focusable, underlined, in a heading?
ABBREVIATIONS = """() => [...document.querySelectorAll('abbr')].filter(a => a.checkVisibility()).map(a => {
  const style = getComputedStyle(a);
  return {
    text: a.textContent, marked: a.classList.contains('lems-abbr'), tabIndex: a.tabIndex,
    underlined: style.borderBottomStyle !== 'none' || style.textDecorationLine !== 'none',
    inHeading: a.closest('h1, h2, h3, h4, h5, h6, nav') !== null,
  };
})"""


def first_term(page):
    return page.locator("article abbr.lems-abbr:visible").first


def test_a_tap_on_a_term_shows_its_meaning(visit):
    page = visit(**PHONE).open(PAGE)
    term = first_term(page)
    meaning = term.get_attribute("title")
    assert meaning
    assert page.evaluate(ACTIVE_TOOLTIP) == []
    term.tap()
    page.wait_for_function(f"() => ({ACTIVE_TOOLTIP})().length > 0")
    assert page.evaluate(ACTIVE_TOOLTIP) == [meaning]
    tooltip = page.locator(".md-tooltip2--active")
    assert tooltip.is_visible()
    box = tooltip.locator(".md-tooltip2__inner").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]


def test_a_term_reached_by_keyboard_shows_and_describes_its_meaning(visit):
    page = visit().open(PAGE)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "ABBR":
            break
    assert page.evaluate("document.activeElement.tagName") == "ABBR", "no abbreviation in the tab order"
    tooltip = "document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
    page.wait_for_function(f"() => {tooltip} && {tooltip}.classList.contains('md-tooltip2--active')")
    assert page.locator(".md-tooltip2--active").last.is_visible()
    described = page.evaluate(f"{tooltip}.textContent.trim()")
    # The meaning is the term's own: the same term elsewhere on the page keeps it as its title.
    meaning = page.evaluate("""() => {
      const term = document.activeElement.textContent;
      return [...document.querySelectorAll('abbr[title]')].find(a => a.textContent === term).title;
    }""")
    assert described == meaning
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_only_terms_that_explain_themselves_look_actionable(visit):
    page = visit().open(PAGE)
    terms = page.evaluate(ABBREVIATIONS)
    marked = [t for t in terms if t["marked"]]
    plain = [t for t in terms if not t["marked"]]
    assert marked and plain  # first uses and repeats both exist on this page
    assert all(t["underlined"] and t["tabIndex"] == 0 for t in marked)
    assert not any(t["underlined"] for t in plain), [t["text"] for t in plain if t["underlined"]]
    assert all(t["tabIndex"] == -1 for t in plain)
    # No underlined (or focusable) abbreviation in a heading or the table of contents.
    assert not any(t["marked"] for t in terms if t["inHeading"])
    assert page.locator("h1 abbr, h2 abbr").count() > 0  # there are abbreviations in headings
    # One tab stop per term and section: a repeat in the same section is plain.
    marks = page.evaluate("""() => {
      let section = null;
      return [...document.querySelectorAll('.lems-audience h2, .lems-audience abbr')].flatMap(e => {
        if (e.tagName === 'H2') { section = e.id; return []; }
        if (e.closest('h1, h2, h3, h4, h5, h6, a, button, summary')) return [];
        return [[e.closest('.lems-audience').dataset.audience, section, e.textContent, e.classList.contains('lems-abbr')]];
      });
    }""")
    firsts = {}
    for audience, section, text, is_marked in marks:
        key = (audience, section, text)
        if key in firsts:
            assert not is_marked, f"{text} marked twice in {audience} #{section}"
        else:
            firsts[key] = True
            assert is_marked, f"the first {text} in {audience} #{section} is not marked"


def test_without_javascript_no_term_looks_actionable_and_each_keeps_its_title(visit):
    page = visit(java_script_enabled=False).open(PAGE, wait_for_diagrams=False)
    abbrs = page.locator("abbr")
    assert abbrs.count() > 0
    for i in range(0, abbrs.count(), 10):
        term = abbrs.nth(i)
        assert term.get_attribute("title")
        assert term.evaluate("a => getComputedStyle(a).borderBottomStyle") == "none"
