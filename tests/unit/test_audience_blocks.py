"""The `/// audience` block: Markdown in, HTML out, and the source-level checks."""

import markdown
from helpers import doc, settings_for

from lems_site.audiences import AudienceExtension, check_blocks

LABELS = {"patient": "For patients and families", "professional": "For healthcare professionals"}


def render(text):
    return markdown.markdown(text, extensions=[AudienceExtension(labels=LABELS), "attr_list"])


def test_block_renders_with_data_audience_and_label():
    html = render("/// audience | patient\n\n## Hello {#hello}\n\nText.\n\n///\n")
    assert html == (
        '<div class="lems-audience" data-audience="patient">\n'
        '<p class="lems-audience__label" data-search-exclude="">For patients and families</p>\n'
        '<h2 id="hello">Hello</h2>\n'
        "<p>Text.</p>\n"
        "</div>"
    )


def test_unknown_audience_is_left_as_text():
    html = render("/// audience | patients\n\nText.\n\n///\n")
    assert "data-audience" not in html
    assert "/// audience | patients" in html


def test_unknown_audience_is_reported_at_its_line(tmp_path):
    settings = settings_for(tmp_path, "references: []\n", {})
    d = doc("# T\n\n/// audience | patients\nText.\n///\n\n/// audience | professional\nText.\n///\n")
    assert [str(p) for p in check_blocks(d, settings.audiences)] == [
        "docs/page.md:3: unknown audience 'patients': expected one of patient, professional (audiences of the lems plugin in mkdocs.yml)",
        "docs/page.md:3: page has no '/// audience | patient' version: every topic is written for each audience",
    ]


def test_unclosed_and_nested_blocks_are_reported():
    d = doc("/// audience | patient\nA\n/// audience | professional\nB\n///\n")
    assert d.block_problems == [
        (3, "audience block inside another audience block: close the first with '///' before opening the next"),
        (1, "'/// audience' block is never closed: add a line with '///' after its content"),
    ]


def test_stray_closing_line_is_reported():
    assert doc("Text\n\n///\n").block_problems == [(3, "'///' closes a block that was never opened")]


def test_leftover_block_syntax_in_html_is_reported_at_its_source_line():
    from lems_site.checks import check_rendered_html

    source = doc("# T\n\n/// audience | patients\n\nText.\n\n///\n")
    html = render("/// audience | patients\n\nText.\n\n///\n")
    assert [str(p) for p in check_rendered_html(html, "docs/page.md", source)] == [
        "docs/page.md:3: block syntax '/// audience | patients' was left as literal text in the HTML: check the block name, its argument and its options",
        "docs/page.md:7: block syntax '///' was left as literal text in the HTML: check the block name, its argument and its options",
    ]


def test_block_syntax_inside_code_is_fine():
    from lems_site.checks import check_rendered_html

    assert (
        check_rendered_html(
            "<pre><code>/// audience | patient\n///</code></pre><p>Use <code>///</code>.</p>", "docs/page.md"
        )
        == []
    )
