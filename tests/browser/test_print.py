"""Print: a sheet says where it came from (site, address, last update, date printed, disclaimer);
a diagram is never cut across two pages; headings stay with what follows; abbreviations lose
their dotted underline. Checked in Chromium's own PDF (page.pdf), read back with pdftotext
(poppler-utils, installed by .ci/run), and in print-media styles."""

import datetime as _dt
import re
import shutil
import subprocess

import pytest

from browser.conftest import long_date, page_dates

SITE_NAME = "LEMS treatment guide"
DISCLAIMER = "Educational information only, not medical advice."
CANONICAL = "https://lems-guidance.github.io/lems-treatment-site/"

# Each line of each label of the version's diagrams (Mermaid writes one <tspan> row per line).
LABEL_LINES = """(audience) => [...document.querySelectorAll(
  `.lems-audience[data-audience="${audience}"] .lems-diagram svg text > tspan`)]
  .map(t => t.textContent.replace(/\\s+/g, ' ').trim()).filter(t => t.length >= 8)"""


def pdf_pages(page, tmp_path, name="page.pdf"):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found: apt-get install poppler-utils (.ci/run does this)")
    path = tmp_path / name
    path.write_bytes(page.pdf(format="A4", print_background=True))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", " ", p).strip() for p in text.split("\f") if p.strip()]


def pages_holding(lines, pages):
    """Page numbers (1-based) of each diagram line found once in the whole PDF (the diagram's own)."""
    whole = " ".join(pages)
    found = {}
    for line in lines:
        if whole.count(line) == 1:
            found[line] = next(number for number, text in enumerate(pages, start=1) if line in text)
    return found


@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_the_first_printed_page_says_where_it_came_from(visit, tmp_path, audience):
    page = visit().open(f"treatment/ivig/?audience={audience}")
    first = pdf_pages(page, tmp_path)[0]
    updated = long_date(page_dates("treatment/ivig.md")["last_updated"])
    assert SITE_NAME in first
    assert f"Page address: {CANONICAL}treatment/ivig/" in first
    assert f"Last updated: {updated}" in first
    assert f"Printed: {long_date(_dt.date.today())}" in first
    assert DISCLAIMER in first
    # On screen it is not there: the footer says it.
    page.emulate_media(media="screen")
    assert not page.locator(".lems-print-source").is_visible()


def test_without_javascript_the_sheet_still_says_where_it_came_from(visit, tmp_path):
    page = visit(java_script_enabled=False).open("safety/", wait_for_diagrams=False)
    first = pdf_pages(page, tmp_path)[0]
    assert SITE_NAME in first and f"Page address: {CANONICAL}safety/" in first and DISCLAIMER in first
    assert "Printed:" not in first  # the date printed needs the script; nothing is made up


@pytest.mark.parametrize("path", ["treatment/ivig/", "treatment/overview/"])
@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_no_diagram_is_split_across_printed_pages(visit, tmp_path, path, audience):
    page = visit().open(f"{path}?audience={audience}")
    lines = page.evaluate(LABEL_LINES, audience)
    pages = pdf_pages(page, tmp_path)
    found = pages_holding(lines, pages)
    assert len(found) >= 3, f"too few of the diagram's labels were found in the PDF: {found}"
    assert len(set(found.values())) == 1, f"{path} ({audience}): the diagram spans pages {sorted(set(found.values()))}"


def test_the_split_check_can_fail(visit, tmp_path):
    """The same diagram made taller than a page is reported as split."""
    page = visit().open("treatment/ivig/?audience=professional")
    page.add_style_tag(
        content="@media print { .md-typeset div.lems-diagram > svg { width: 100% !important; height: 60cm !important; } }"
    )
    lines = page.evaluate(LABEL_LINES, "professional")
    found = pages_holding(lines, pdf_pages(page, tmp_path))
    assert len(set(found.values())) > 1


def test_print_styles_keep_headings_with_their_text_and_drop_abbreviation_underlines(visit):
    page = visit().open("treatment/ivig/?audience=professional")
    screen_abbr = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('article abbr.lems-abbr'));"
        " return [s.textDecorationLine, s.borderBottomStyle]; })()"
    )
    assert screen_abbr != ["none", "none"]  # on screen they are underlined: the rule below is print's
    page.emulate_media(media="print")
    styles = page.evaluate(
        """(() => {
      const abbr = getComputedStyle(document.querySelector('article abbr.lems-abbr'));
      const h2 = getComputedStyle(document.querySelector('.lems-audience[data-audience="professional"] h2'));
      const diagram = getComputedStyle(document.querySelector('.lems-diagram'));
      return {abbr: abbr.textDecorationLine, abbrBorder: abbr.borderBottomStyle, h2: h2.breakAfter,
              diagram: diagram.breakInside, source: getComputedStyle(document.querySelector('.lems-print-source')).display};
    })()"""
    )
    assert styles == {"abbr": "none", "abbrBorder": "none", "h2": "avoid", "diagram": "avoid", "source": "block"}
