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


def render_list(items, full=False) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROOT, "overrides")))
    return env.get_template("partials/lems/references.html").render(items=items, full=full)


def test_page_list_records_which_version_cites_each_entry_and_shows_findings():
    bib = Bibliography(
        "b",
        {
            "a": Entry("a", {"PMID": "1", "findings": "IVIG  improved\nstrength <briefly>."}, 1),
            "b": Entry("b", {"URL": "https://x.org/?a=1&b=2", "unverified": "PMID not seen"}, 2),
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
    assert '<span class="lems-ref__unverified"><strong>Unverified:</strong> PMID not seen</span>' in html


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
