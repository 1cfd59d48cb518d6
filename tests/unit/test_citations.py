"""Pandoc citations: every form found, checked and rendered (AMA), and every refusal with path:line."""

from __future__ import annotations

import os
import textwrap

import jinja2
import pytest

from lems_site import sources
from lems_site.references import citations
from lems_site.references.bibliography import Bibliography, Entry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = ("bain1996effects", "keogh2011treatment", "titulaer2011lems", "maddison2005ivig", "fda2018firdapse")
AUTHORS = {
    "bain1996effects": [{"family": "Bain"}, {"family": "Motomura"}, {"family": "Newsom-Davis"}],
    "keogh2011treatment": [{"family": "Keogh"}, {"family": "Sedehizadeh"}, {"family": "Maddison"}],
    "titulaer2011lems": [{"family": "Titulaer"}, {"literal": "et al."}],
    "maddison2005ivig": [{"family": "Maddison"}, {"family": "Newsom-Davis"}],
    "fda2018firdapse": [{"literal": "U.S. Food and Drug Administration"}],
}
BIB = Bibliography("docs/bibliography.yaml", {k: Entry(k, {"author": AUTHORS[k]}, 1) for k in KEYS}, [])


def doc(text: str, rel: str = "docs/page.md") -> sources.Document:
    return sources.parse(path="/nonexistent/" + rel, rel=rel, text=textwrap.dedent(text).lstrip("\n"))


def check(text: str) -> list[str]:
    d = doc(text)
    return [str(p) for p in citations.check(d, citations.find(d), BIB)]


def rendered(text: str, numbers: dict | None = None) -> str:
    """The Markdown after rendering; keys are numbered by first citation unless given."""
    d = doc(text)
    found = citations.find(d)
    numbers = numbers or citations.number_keys(found, set(BIB.entries))
    body = "\n".join(line for _, line in d.lines)
    names = citations.author_names(BIB)
    return citations.replace_in_markdown(body, first_line=1, doc=d, numbers=numbers, names=names)


def link(key: str, number: int, label: str | None = None, locator: str = "", spoken: str = "") -> str:
    cited_for = f' data-lems-locator="{spoken}"' if spoken else ""
    label = label or (f"Reference {number}" + (f", {spoken}" if spoken else ""))
    shown = f'<span class="lems-cite__locator">({locator})</span>' if locator else ""
    return (
        f'<a class="lems-cite__link" href="#ref-{key}" data-lems-refs="{key}"{cited_for} aria-label="{label}">'
        f"{number}{shown}</a>"
    )


def sup(*pieces: str) -> str:
    return '<sup class="lems-cite">' + ",&#8202;".join(pieces) + "</sup>"


# ---------------------------------------------------------------------------------------------
# Forms that render


def test_one_key():
    assert rendered("IVIG helped [@bain1996effects].") == "IVIG helped" + sup(link("bain1996effects", 1)) + "."


def test_several_keys_are_ascending_whatever_the_order_written():
    numbers = {"bain1996effects": 1, "keogh2011treatment": 2}
    out = rendered("Both [@keogh2011treatment; @bain1996effects].", numbers)
    assert out == "Both" + sup(link("bain1996effects", 1), link("keogh2011treatment", 2)) + "."


def test_three_consecutive_numbers_become_a_range_with_an_en_dash():
    numbers = {"bain1996effects": 1, "keogh2011treatment": 2, "titulaer2011lems": 3, "fda2018firdapse": 5}
    out = rendered("All [@titulaer2011lems; @fda2018firdapse; @bain1996effects; @keogh2011treatment].", numbers)
    assert out == (
        "All"
        + sup(
            '<a class="lems-cite__link" href="#ref-bain1996effects" '
            'data-lems-refs="bain1996effects keogh2011treatment titulaer2011lems" '
            'aria-label="References 1 to 3">1\u20133</a>',
            link("fda2018firdapse", 5),
        )
        + "."
    )


def test_two_consecutive_numbers_stay_apart_as_ama_writes_them():
    out = rendered("Two [@bain1996effects; @keogh2011treatment].")
    assert out == "Two" + sup(link("bain1996effects", 1), link("keogh2011treatment", 2)) + "."


@pytest.mark.parametrize(
    "written, ama, spoken",
    [
        ("p. 33", "p33", "page 33"),
        ("pp. 33-35", "pp33-35", "pages 33\u201335"),
        ("33", "p33", "page 33"),
        ("p33", "p33", "page 33"),
        ("table 2", "table 2", "table 2"),
        ("tables 2-3", "tables 2-3", "tables 2\u20133"),
        ("fig. 1", "fig 1", "figure 1"),
        ("figs. 1, 3", "figs 1,3", "figures 1, 3"),
        ("chap. 3", "chap 3", "chapter 3"),
        ("sec. 4", "sec 4", "section 4"),
        ("{pp. iv, vi-xi}", "ppiv,vi-xi", "pages iv, vi\u2013xi"),
    ],
)
def test_locators_show_in_the_superscript_as_ama_and_spelt_out_for_the_preview(written, ama, spoken):
    out = rendered(f"Dose [@bain1996effects, {written}].")
    assert out == "Dose" + sup(link("bain1996effects", 1, locator=ama, spoken=spoken)) + "."


def test_prefix_and_locator():
    out = rendered("Dose [see @bain1996effects, p. 3].")
    assert out == "Dose" + sup("see " + link("bain1996effects", 1, locator="p3", spoken="page 3")) + "."


def test_suffix_after_the_locator_runs_on():
    out = rendered("Dose [@bain1996effects, p. 3, and elsewhere].")
    assert out == "Dose" + sup(link("bain1996effects", 1, locator="p3", spoken="page 3") + ", and elsewhere") + "."


def test_a_suffix_without_a_locator():
    out = rendered("Dose [@bain1996effects and passim].")
    assert out == "Dose" + sup(link("bain1996effects", 1) + " and passim") + "."


def test_several_keys_with_locators_never_join_a_range():
    numbers = {"bain1996effects": 1, "keogh2011treatment": 2, "titulaer2011lems": 3}
    out = rendered("A [@bain1996effects, p. 3; @keogh2011treatment; @titulaer2011lems].", numbers)
    assert out == (
        "A"
        + sup(
            link("bain1996effects", 1, locator="p3", spoken="page 3"),
            link("keogh2011treatment", 2),
            link("titulaer2011lems", 3),
        )
        + "."
    )


def test_author_suppressed_is_the_number_alone():
    assert rendered("Bain says so [-@bain1996effects].") == "Bain says so" + sup(link("bain1996effects", 1)) + "."


def test_in_text_names_the_authors_as_ama_does():
    out = rendered(
        "As @bain1996effects showed, and @maddison2005ivig, @titulaer2011lems and @fda2018firdapse.",
        {"bain1996effects": 1, "maddison2005ivig": 2, "titulaer2011lems": 3, "fda2018firdapse": 4},
    )
    assert out == (
        "As Bain et al" + sup(link("bain1996effects", 1)) + " showed, and Maddison and Newsom-Davis"
        + sup(link("maddison2005ivig", 2)) + ", Titulaer et al" + sup(link("titulaer2011lems", 3))
        + " and U.S. Food and Drug Administration" + sup(link("fda2018firdapse", 4)) + "."
    )  # fmt: skip


def test_in_text_with_a_locator_and_a_braced_key():
    out = rendered("@bain1996effects [p. 33] and @{keogh2011treatment} agree.")
    assert out == (
        "Bain et al" + sup(link("bain1996effects", 1, locator="p33", spoken="page 33"))
        + " and Keogh et al" + sup(link("keogh2011treatment", 2)) + " agree."
    )  # fmt: skip


def test_an_escaped_at_sign_is_published_as_one():
    assert rendered("Write to the team \\@lems.") == "Write to the team &#64;lems."
    assert check("Write to the team \\@lems.\n") == []


def test_what_is_not_a_citation_is_left_alone():
    text = (
        "Mail a@b.org or <c@d.org>, see [a link](https://x.org/@me) and <https://x.org/@you>.\n"
        'Code `[@key]` and `@key` and <span data-x="@key">html</span>.\n'
        "\n```\n[@inside] @inside\n```\n"
    )
    assert check(text) == []
    assert rendered(text) == text


def test_numbers_follow_first_citation_and_repeat():
    d = doc("A [@keogh2011treatment].\nB @bain1996effects; [@keogh2011treatment].\n")
    assert citations.number_keys(citations.find(d), set(KEYS)) == {"keogh2011treatment": 1, "bain1996effects": 2}


def test_keys_are_escaped_in_html_by_construction():
    citation = citations.Citation(1, "[@x]", (citations.Cite('a"><script>', "<b>"),))
    html = str(citations.render(citation, numbers={'a"><script>': 1}))
    assert "<script>" not in html and "<b>" not in html
    assert 'href="#ref-a&#34;&gt;&lt;script&gt;"' in html and "&lt;b&gt; " in html


# ---------------------------------------------------------------------------------------------
# Refusals, each with its path:line


def test_valid_citations_have_no_problem():
    assert check("IVIG helped [@bain1996effects].\nBoth [@bain1996effects; @keogh2011treatment].\n") == []


def test_unknown_key_names_the_nearest():
    assert check("Text [@bain1996ivig].\n") == [
        "docs/page.md:1: citation key 'bain1996ivig' is not in the bibliography (did you mean 'bain1996effects'?)"
    ]


def test_unknown_key_without_a_near_one():
    assert check("Text [@zzz].\n") == ["docs/page.md:1: citation key 'zzz' is not in the bibliography"]


def test_unknown_in_text_key_says_how_to_write_a_literal_at_sign():
    assert check("Follow @nhsengland for news.\n") == [
        "docs/page.md:1: citation key 'nhsengland' is not in the bibliography "
        "(if it is not a citation, write \\@ for a literal @)"
    ]


def test_empty_citation():
    assert check("One.\nText [@].\n") == [
        "docs/page.md:2: empty citation '[@]': write [@key] with a key from the bibliography"
    ]


def test_empty_braced_key():
    assert check("Text [@{}].\n") == [
        "docs/page.md:1: empty citation '[@{}]': write [@key] with a key from the bibliography"
    ]


def test_malformed_citation_with_a_comma():
    assert check("Text [@bain1996effects, @keogh2011treatment].\n") == [
        "docs/page.md:1: malformed citation '[@bain1996effects, @keogh2011treatment]': expected [@key] or "
        "[@key1; @key2] (keys separated by ';', each starting with '@')"
    ]


def test_malformed_citation_missing_at_sign():
    assert check("Text [@bain1996effects; keogh2011treatment].\n") == [
        "docs/page.md:1: malformed citation '[@bain1996effects; keogh2011treatment]': expected [@key] or "
        "[@key1; @key2] (keys separated by ';', each starting with '@')"
    ]


def test_a_key_the_bibliography_could_not_hold():
    assert check("Text [@2011:keogh].\nAnd @9lives too.\n") == [
        "docs/page.md:1: citation key '2011:keogh' is not a valid key: expected letters, digits, '_' or '-', "
        "starting with a letter, as the bibliography's ids",
        "docs/page.md:2: citation key '9lives' is not a valid key: expected letters, digits, '_' or '-', "
        "starting with a letter, as the bibliography's ids; if it is not a citation, write \\@ for a literal @",
    ]


def test_a_citation_inside_a_link_text():
    assert check("See [@bain1996effects](https://example.org/).\n") == [
        "docs/page.md:1: citation '@bain1996effects' inside a link's text cannot be rendered: move it out of the link"
    ]


def test_refused_citations_are_left_for_the_build_to_stop_on():
    assert rendered("Text [@].") == "Text [@]."


def test_lines_count_from_the_file_including_front_matter():
    text = "---\nreview_status: submitted\n---\n\n# T\n\nText [@nope].\n"
    assert check(text) == ["docs/page.md:7: citation key 'nope' is not in the bibliography"]


def test_every_citation_records_its_audience():
    d = doc("/// audience | professional\n\nAs @bain1996effects [p. 3] showed.\n\n///\n")
    (citation,) = citations.find(d)
    assert (citation.line, citation.audience, citation.in_text) == (3, "professional", True)
    assert citation.keys == ("bain1996effects",)


# ---------------------------------------------------------------------------------------------
# Reference lists (partials/lems/references.html)


VERSIONS = citations.list_versions(
    [
        {"id": "patient", "block_label": "For patients and families"},
        {"id": "professional", "block_label": "For healthcare professionals"},
    ],
    "patient",
)


def render_list(items, full=False) -> str:
    from lems_site import vocabulary

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROOT, "overrides")))
    return env.get_template("partials/lems/references.html").render(
        items=items, full=full, versions=VERSIONS, words=vocabulary.template_vocabulary()
    )


def test_page_list_records_which_version_cites_each_entry_and_shows_findings():
    bib = Bibliography(
        "b",
        {
            "a": Entry("a", {"PMID": "1", "findings": "IVIG  improved\nstrength <briefly>."}, 1),
            "b": Entry(
                "b",
                {
                    "type": "article-journal",
                    "URL": "https://x.org/?a=1&b=2",
                    "unverified": "PMID recalled, not seen on a third-party mirror",
                    "unconfirmed": ["container-title", "issued", "PMID"],
                },
                2,
            ),
        },
        [],
    )
    items = citations.page_list_items(
        numbers={"a": 1, "b": 2},
        cited_in={"a": {"patient", "professional"}, "b": {"professional"}},
        formatted={"a": "A <i>J</i>.", "b": "B."},
        bib=bib,
        audiences=("patient", "professional"),
    )
    html = render_list(items)
    assert html.startswith('\n<ol class="lems-references" data-search-exclude>\n')
    assert "\n\n" not in html.strip()  # one raw HTML block in the Markdown
    assert (
        '<li id="ref-a" value="1" data-cited-in="patient professional"><span class="lems-ref__text">A <i>J</i>.</span> '
        '<span class="lems-ref__links"><a class="lems-ref__link" href="https://pubmed.ncbi.nlm.nih.gov/1/">PubMed</a>'
        '</span> <p class="lems-ref__findings"><strong>What this source found:</strong> IVIG improved strength '
        "&lt;briefly&gt;.</p></li>"
    ) in html
    assert '<li id="ref-b" value="2" data-cited-in="professional">' in html
    assert 'href="https://x.org/?a=1&amp;b=2">Source</a>' in html
    # The worklog stays in the bibliography: each version reads its own note, labelled for no-JS readers.
    assert "recalled" not in html and "mirror" not in html and "Unverified" not in html
    assert (
        '<span class="lems-ref__checking"><span class="lems-ref__note" data-lems-when-audience="patient">'
        '<span class="lems-ref__for">For patients and families:</span> Some details of this source are still '
        'being checked.</span> <span class="lems-ref__note" data-lems-when-audience="professional">'
        '<span class="lems-ref__for">For healthcare professionals:</span> Unconfirmed: journal, year, PMID</span>'
        "</span>"
    ) in html
    # An entry with nothing left to check has no note at all.
    assert html.count("lems-ref__checking") == 1


def test_a_hostile_unconfirmed_or_research_value_never_reaches_the_list_as_markup():
    entry = Entry(
        "a",
        {
            "URL": "https://x.org/",
            "unverified": "<script>alert(1)</script>",
            "unconfirmed": ["<img src=x onerror=alert(1)>", "DOI"],
            "research": "<b>x</b>#y",
        },
        1,
    )
    bib = Bibliography("b", {"a": entry}, [])
    items = citations.page_list_items(
        numbers={"a": 1}, cited_in={"a": {None}}, formatted={"a": "A."}, bib=bib, audiences=("patient",)
    )
    html = render_list(items)
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "onerror" not in html
    assert "Unconfirmed: DOI" in html  # only names of the fixed vocabulary are shown


def test_full_list_is_by_first_author_and_searchable():
    bib = Bibliography(
        "b",
        {
            "z": Entry("z", {"author": [{"family": "Zed"}], "issued": 2000, "DOI": "10.1/x"}, 1),
            "a": Entry("a", {"author": [{"literal": "Agency"}], "issued": 2001, "PMID": "2"}, 2),
        },
        [],
    )
    html = render_list(citations.full_list_items(bib=bib, formatted={"z": "Z.", "a": "A."}), full=True)
    assert '<ol class="lems-references lems-references--full">' in html and "data-search-exclude" not in html
    assert html.index('id="ref-a"') < html.index('id="ref-z"')
    assert "value=" not in html and "data-cited-in" not in html


# ---------------------------------------------------------------------------------------------
# Citations across a line break, and glued to the word before them


def test_a_citation_split_across_lines_renders_as_one_citation():
    out = rendered("IVIG helps [@keogh2011treatment;\n@bain1996effects] in trials.\n")
    assert out == (
        f'IVIG helps<sup class="lems-cite">{link("keogh2011treatment", 1)},&#8202;{link("bain1996effects", 2)}</sup>'
        " in trials.\n"
    )
    assert "[" not in out and "Keogh" not in out


def test_a_split_citation_is_found_at_the_line_it_starts_on():
    d = doc("Text.\n\nIVIG helps [@keogh2011treatment;\n  @bain1996effects, p. 3] in trials.\n")
    (citation,) = citations.find(d)
    assert (citation.line, citation.end_line) == (3, 4)
    assert citation.keys == ("keogh2011treatment", "bain1996effects")
    assert check("Text.\n\nIVIG helps [@keogh2011treatment;\n@nosuch2000key] here.\n") == [
        "docs/page.md:3: citation key 'nosuch2000key' is not in the bibliography"
    ]


def test_a_citation_never_closed_in_its_paragraph_is_refused_at_its_line():
    problems = check("One.\n\nIVIG helps [@keogh2011treatment;\n@bain1996effects in trials.\n\nNext [x].\n")
    assert len(problems) == 1
    assert problems[0].startswith("docs/page.md:3: citation '[@keogh2011treatment; @bain1996effect...' is opened")
    assert "never closed with ']' in its paragraph" in problems[0]
    # And it is left as written, never half rendered.
    assert rendered("IVIG helps [@keogh2011treatment;\n\nNext.\n") == "IVIG helps [@keogh2011treatment;\n\nNext.\n"


def test_a_bracket_does_not_run_into_the_next_block():
    # A heading, a list item or a code fence ends the paragraph: the `[` is refused, not joined.
    for after in ("# Heading", "- item @bain1996effects]", "```\n@bain1996effects]\n```"):
        problems = check(f"IVIG helps [@keogh2011treatment;\n{after}\n")
        assert any("docs/page.md:1: citation '[@keogh2011treatment;" in p for p in problems), (after, problems)


def test_an_at_key_left_in_brackets_with_other_text_is_refused():
    problems = check("See [@keogh2011treatment][note] for it.\n")
    assert problems == [
        "docs/page.md:1: '@keogh2011treatment' stands in brackets with other text, which would be printed as it is "
        "written: write the citation on its own, [@key] or [see @key, p. 3], or \\@ for a literal @"
    ]
    assert check("A [@keogh2011treatment] and [a note] and @bain1996effects here.\n") == []


def test_a_citation_after_a_line_break_is_glued_to_the_word_before_it():
    out = rendered("This can be serious\n[@keogh2011treatment].\n")
    assert out == f'This can be serious<sup class="lems-cite">{link("keogh2011treatment", 1)}</sup>.\n'
    # The same on one line, and indented in a list item.
    assert rendered("Serious [@keogh2011treatment].\n").startswith('Serious<sup class="lems-cite">')
    assert rendered("- serious\n  [@keogh2011treatment]\n- next\n").startswith('- serious<sup class="lems-cite">')
    # An in-text citation keeps its space: it is part of the sentence.
    assert rendered("As\n@keogh2011treatment showed.\n").startswith("As\nKeogh et al<sup")


def test_a_line_starting_with_a_bracket_is_not_glued_when_it_is_no_citation():
    text = "A sentence\n[a link](https://x.org) and @keogh2011treatment.\n"
    assert rendered(text).startswith("A sentence\n[a link](https://x.org) and Keogh et al<sup")
    # A new block after a heading is never glued to it.
    assert rendered("# Title\n[@keogh2011treatment] x\n").startswith('# Title\n<sup class="lems-cite">')


# ---------------------------------------------------------------------------------------------
# The built page


NAMES = citations.author_names(BIB)


def _built(html: str, source: str = "Text.\n") -> list[str]:
    return [str(p) for p in citations.check_rendered(html, "docs/page.md", doc(source), NAMES)]


def test_the_built_page_check_finds_citation_syntax_left_as_text():
    source = "Intro.\n\nIVIG [@keogh2011treatment; x\n"
    assert _built("<p>IVIG [@keogh2011treatment; x</p>", source) == [
        "docs/page.md:3: citation syntax '[@keogh2011treatment; x' is left as text in the built page: write it as "
        "[@key] or [@key1; @key2] on lines of one paragraph, or \\@ for a literal @"
    ]
    assert len(_built("<p>as @bain1996effects said</p>")) == 1


def test_the_built_page_check_finds_an_author_name_citation_in_brackets():
    html = (
        '<p>IVIG [Keogh et al<sup class="lems-cite"><a class="lems-cite__link" href="#ref-keogh2011treatment" '
        'data-lems-refs="keogh2011treatment">1</a></sup>; Bain et al<sup class="lems-cite"><a href="#ref-b" '
        'data-lems-refs="bain1996effects">2</a></sup>]</p>'
    )
    source = "One.\n\nIVIG [@keogh2011treatment;\n@bain1996effects]\n"
    problems = _built(html, source)
    assert [p.split(": citation of")[0] for p in problems] == ["docs/page.md:3", "docs/page.md:4"]
    assert "rendered as an author's name inside brackets" in problems[0]


def test_the_built_page_check_passes_what_readers_should_see():
    html = (
        '<p>IVIG<sup class="lems-cite"><a class="lems-cite__link" href="#ref-k" data-lems-refs="keogh2011treatment">'
        '1</a></sup> [a note] and Keogh et al<sup class="lems-cite"><a data-lems-refs="keogh2011treatment">1</a></sup>.'
        " Write to info@myaware.org or &#64;handle.</p><pre><code>[@key] @bain1996effects</code></pre>"
        "<p>See <code>[@x]</code>.</p>"
    )
    assert _built(html) == []


def test_the_real_built_site_has_no_citation_left_as_text_and_no_space_before_a_number(site_dir, root):
    """Over every page of the built site: what the build checks, checked again on its output."""
    from lems_site.references import bibliography as bibliography_module

    bib = bibliography_module.load(os.path.join(root, "docs", "bibliography.yaml"), "docs/bibliography.yaml")
    names = citations.author_names(bib)
    pages, problems, spaced = 0, [], []
    for folder, _, files in os.walk(site_dir):
        for name in files:
            if not name.endswith(".html"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                html = handle.read()
            match = __import__("re").search(r"<article[^>]*>(.*)</article>", html, __import__("re").S)
            content = match.group(1) if match else html
            pages += "lems-cite" in content
            problems += [str(p) for p in citations.check_rendered(content, name, None, names)]
            spaced += __import__("re").findall(r'\S{0,20}\s<sup class="lems-cite"', content)
    assert pages >= 4, "the built site has hardly any citations: was it built?"
    assert problems == []
    assert spaced == []
