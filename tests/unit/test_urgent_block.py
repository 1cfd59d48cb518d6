"""The `/// urgent` block: Markdown in, HTML out, its source checks, its reading grade, and
phone links (`tel:`) in the link and raw-HTML checks."""

import os

import jinja2
import markdown
import pytest
from conftest import ROOT
from helpers import doc

from lems_site import urgent
from lems_site.audiences import AudienceExtension
from lems_site.checks import raw_html, readability

LABELS = {"patient": "For patients and families", "professional": "For healthcare professionals"}
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROOT, "overrides")))


def render(text, render_template=None):
    return markdown.markdown(
        text,
        extensions=[
            AudienceExtension(labels=LABELS),
            urgent.UrgentExtension(render=render_template or urgent.template_renderer(ENV)),
            "attr_list",
            "toc",
        ],
    )


GOOD = """\
# Safety

/// urgent | Call 999 (UK), 112 (Europe) or 911 (US) now if
- you have trouble breathing

This needs care in hospital [@stickler2019lambert].
Call now: [999](tel:999), [112](tel:112), [911](tel:911).
///

/// audience | patient
Text.
///

/// audience | professional
Text.
///
"""


def test_block_renders_the_template_with_a_named_region_heading_icon_and_body():
    html = render(GOOD)
    assert '<section aria-labelledby="urgent-help" class="lems-urgent">' in html
    assert '<h2 class="lems-urgent__title" id="urgent-help">Call 999 (UK), 112 (Europe) or 911 (US) now if</h2>' in html
    assert '<svg aria-hidden="true" class="lems-urgent__icon" focusable="false"' in html
    assert '<div class="lems-urgent__body">\n<ul>\n<li>you have trouble breathing</li>' in html
    assert '<a href="tel:999">999</a>, <a href="tel:112">112</a>, <a href="tel:911">911</a>' in html
    assert "data-lems-urgent-body" not in html
    # Before the versions, outside both: every version shows it.
    assert html.index("lems-urgent") < html.index('data-audience="patient"')


def test_default_title_when_none_is_given():
    html = render("/// urgent\nCall [999](tel:999).\n///\n")
    assert f'id="urgent-help">{urgent.DEFAULT_TITLE}' in html


def test_title_is_escaped_and_never_read_as_markdown_or_html():
    html = render('/// urgent | <img src=x onerror="alert(1)"> **bold** [a](https://example.org)\nText.\n///\n')
    assert "<img" not in html and "<strong>" not in html and 'href="https://example.org"' not in html
    assert 'id="urgent-help">&lt;img src=x onerror="alert(1)"&gt; **bold** [a](https://example.org)</h2>' in html


def test_the_table_of_contents_names_it_briefly():
    md = markdown.Markdown(
        extensions=[urgent.UrgentExtension(render=urgent.template_renderer(ENV)), "attr_list", "toc"],
    )
    md.convert("/// urgent | Call 999 now if\nText.\n///\n\n## Next {#next}\n")
    assert [t["name"] for t in md.toc_tokens] == [urgent.TOC_LABEL, "Next"]


def test_without_a_renderer_the_build_stops_with_a_clear_error():
    with pytest.raises(ValueError, match="template_renderer"):
        markdown.markdown("/// urgent\nText.\n///\n", extensions=[urgent.UrgentExtension()])


def check(text, required=True):
    return [str(p) for p in urgent.check_blocks(doc(text), required=required)]


def test_a_good_block_passes():
    assert check(GOOD) == []


def test_a_required_page_without_a_block_is_reported_at_its_first_version():
    text = "# Safety\n\n/// audience | patient\nText.\n///\n"
    assert check(text) == [
        "docs/page.md:3: page has no '/// urgent' block (urgent_help of the lems plugin in mkdocs.yml lists it): "
        "add one after the title and before the first '/// audience' block, saying when to call "
        "[999](tel:999), [112](tel:112) or [911](tel:911)"
    ]
    assert check(text, required=False) == []


def test_a_second_block_is_refused():
    text = GOOD.replace(
        "/// audience | patient", "/// urgent\nCall [999](tel:999) [@a].\n///\n\n/// audience | patient", 1
    )
    assert check(text) == [
        "docs/page.md:10: second '/// urgent' block (the first is at line 3): a page has one urgent-help callout; "
        "merge the two"
    ]


def test_a_block_inside_an_audience_block_is_refused():
    text = "# T\n\n/// audience | patient\n/// urgent\nCall [999](tel:999) [@a].\n///\n///\n"
    assert check(text) == [
        "docs/page.md:4: '/// urgent' block inside '/// audience | patient' (opened at line 3): "
        "move it above the first audience block, so that every version shows it"
    ]


def test_a_block_inside_another_block_is_refused():
    text = "# T\n\n/// details | More\n/// urgent\nCall [999](tel:999) [@a].\n///\n///\n"
    assert check(text) == [
        "docs/page.md:4: '/// urgent' block inside '/// details | More' (opened at line 3): "
        "write it at the top level of the page, after the title"
    ]


def test_a_block_after_the_first_audience_block_is_refused():
    text = "# T\n\n/// audience | patient\nText.\n///\n\n/// urgent\nCall [999](tel:999) [@a].\n///\n"
    assert check(text) == [
        "docs/page.md:7: '/// urgent' block after the first '/// audience' block (line 3): "
        "move it above, just after the title, so readers meet it first"
    ]


def test_an_empty_block_is_refused():
    assert check("# T\n\n/// urgent | Call 999 now if\n\n///\n") == [
        "docs/page.md:3: '/// urgent' block is empty: list the warning signs and the numbers to call, "
        "e.g. [999](tel:999)"
    ]


def test_a_block_without_a_phone_link_is_refused():
    assert check("# T\n\n/// urgent\nCall 999 [@a].\n///\n") == [
        "docs/page.md:3: '/// urgent' block has no phone link a reader can tap: write the numbers as links, "
        "e.g. [999](tel:999), [112](tel:112), [911](tel:911)"
    ]


def test_a_block_without_a_citation_is_refused():
    assert check("# T\n\n/// urgent\nCall [999](tel:999).\n///\n") == [
        "docs/page.md:3: '/// urgent' block cites no source: cite the warning signs to the sources on this page "
        "that give them, such as [@key]"
    ]


def test_markup_in_the_title_is_refused():
    assert check("# T\n\n/// urgent | Call [999](tel:999) now\nCall [999](tel:999) [@a].\n///\n") == [
        "docs/page.md:3: the title of '/// urgent' is shown as plain text, so links and emphasis in it would "
        "show as typed: got 'Call [999](tel:999) now'; put links in the block's text"
    ]


def test_patterns_choose_the_pages_and_a_pattern_matching_nothing_is_reported():
    assert urgent.is_required("treatment/ivig.md", ("safety.md", "treatment/*.md"))
    assert not urgent.is_required("cancer.md", ("safety.md", "treatment/*.md"))
    config = "plugins:\n  - lems:\n      urgent_help:\n        - safety.md\n        - treatmnt/*.md\n"
    problems = urgent.check_patterns(
        ("safety.md", "treatmnt/*.md"), ["safety.md", "treatment/ivig.md"], config_rel="mkdocs.yml", config_text=config
    )
    assert [str(p) for p in problems] == [
        "mkdocs.yml:5: urgent_help pattern 'treatmnt/*.md' of the lems plugin matches no page: "
        "write a path relative to docs_dir, such as safety.md or treatment/*.md"
    ]


def test_the_block_is_graded_like_patient_text_title_included():
    hard = (
        "# T\n\n/// urgent | Call 999 now if\n"
        "- respiratory insufficiency necessitating immediate mechanical ventilatory intervention develops\n"
        "Call [999](tel:999).\n///\n\n/// audience | patient\nShort words.\n///\n"
    )
    sections = readability.sections(doc(hard), "patient")
    assert sections[0][:2] == (3, readability.URGENT_SECTION)
    assert sections[0][2].startswith("Call 999 now if: respiratory insufficiency")
    scores = readability.score(doc(hard), "patient")
    problems = readability.check(scores, 8, "patient")
    assert [p.line for p in problems] == [3]
    easy = GOOD
    assert readability.check(readability.score(doc(easy), "patient"), 8, "patient") == []


@pytest.mark.parametrize("good", ["tel:999", "tel:112", "tel:+441234567890"])
def test_phone_links_with_digits_are_allowed(good):
    assert raw_html.refused_url(good, tag="a", attribute="href") is None
    assert raw_html.check(doc(f'# T\n\n[Call]({good}) or <a href="{good}">call</a>.\n')) == []


@pytest.mark.parametrize("bad", ["tel:999-1", "tel:99%209", "tel:abc", "tel:", "tel:9+9", "tel:999;ext=1"])
def test_phone_links_with_anything_but_digits_are_refused(bad):
    reason = raw_html.refused_url(bad, tag="a", attribute="href")
    assert reason.startswith(f"phone link '{bad}' must be 'tel:' then digits only")
    md = [str(p) for p in raw_html.check(doc(f"# T\n\n[Call]({bad})\n"))]
    html = [str(p) for p in raw_html.check(doc(f'# T\n\n<a href="{bad}">call</a>\n'))]
    assert md == [f"docs/page.md:3: link: {reason}"]
    assert html == [f"docs/page.md:3: <a href>: {reason}"]


def test_a_phone_number_is_never_an_image():
    assert raw_html.refused_url("tel:999", tag="img", attribute="src")


def test_a_bad_phone_link_in_the_rendered_page_is_found():
    rendered = '<p><a href="tel:999-1">call</a> <a href="tel:999">ok</a></p>'
    problems = [str(p) for p in raw_html.check_rendered(rendered, doc("# T\n\n[call](tel:999-1)\n"), "docs/page.md")]
    assert len(problems) == 1 and problems[0].startswith("docs/page.md:3: <a href>: phone link 'tel:999-1'")
