"""Citation syntax: finding, checking and rendering `[@key]`."""

from lems_site.references import citations
from lems_site.references.bibliography import Bibliography, Entry

from helpers import doc

BIB = Bibliography("docs/bibliography.yaml", {k: Entry(k, {}, 1) for k in ("bain1996effects", "keogh2011treatment")}, [])


def check(text):
    d = doc(text)
    return [str(p) for p in citations.check(d, citations.find(d), BIB)]


def test_valid_citations_have_no_problem():
    assert check("IVIG helped [@bain1996effects].\nBoth [@bain1996effects; @keogh2011treatment].\n") == []


def test_unknown_key_names_the_nearest():
    assert check("Text [@bain1996ivig].\n") == ["docs/page.md:1: citation key 'bain1996ivig' is not in the bibliography (did you mean 'bain1996effects'?)"]


def test_unknown_key_without_a_near_one():
    assert check("Text [@zzz].\n") == ["docs/page.md:1: citation key 'zzz' is not in the bibliography"]


def test_empty_citation():
    assert check("One.\nText [@].\n") == ["docs/page.md:2: empty citation '[@]': write [@key] with a key from the bibliography"]


def test_malformed_citation_with_a_comma():
    assert check("Text [@bain1996effects, @keogh2011treatment].\n") == [
        "docs/page.md:1: malformed citation '[@bain1996effects, @keogh2011treatment]': expected [@key] or [@key1; @key2] (keys separated by ';', each starting with '@')"
    ]


def test_malformed_citation_missing_at_sign():
    assert check("Text [@bain1996effects; keogh2011treatment].\n") == [
        "docs/page.md:1: malformed citation '[@bain1996effects; keogh2011treatment]': expected [@key] or [@key1; @key2] (keys separated by ';', each starting with '@')"
    ]


def test_lines_count_from_the_file_including_front_matter():
    text = "---\nreview_status: submitted\n---\n\n# T\n\nText [@nope].\n"
    assert check(text) == ["docs/page.md:7: citation key 'nope' is not in the bibliography"]


def test_code_links_and_emails_are_not_citations():
    text = "Write `[@key]` like this.\n\n```\n[@inside]\n```\n\n[a link](https://x.org/@me) and mail@example.org [text](#a)\n"
    assert check(text) == []


def test_numbers_follow_first_citation_and_repeat():
    d = doc("A [@keogh2011treatment].\nB [@bain1996effects; @keogh2011treatment].\n")
    numbers = citations.number_keys(citations.find(d), {"bain1996effects", "keogh2011treatment"})
    assert numbers == {"keogh2011treatment": 1, "bain1996effects": 2}


def test_markdown_to_html_of_citations():
    d = doc("A sentence [@keogh2011treatment].\nTwo [@bain1996effects; @keogh2011treatment].\n")
    numbers = {"keogh2011treatment": 1, "bain1996effects": 2}
    out = citations.replace_in_markdown("A sentence [@keogh2011treatment].\nTwo [@bain1996effects; @keogh2011treatment].", 1, d, numbers)
    assert out == (
        'A sentence<sup class="lems-cite"><a href="#ref-keogh2011treatment" aria-label="Reference 1">1</a></sup>.\n'
        'Two<sup class="lems-cite"><a href="#ref-bain1996effects" aria-label="Reference 2">2</a>,&#8202;'
        '<a href="#ref-keogh2011treatment" aria-label="Reference 1">1</a></sup>.'
    )


def test_reference_list_records_which_version_cites_each_entry():
    from lems_site.references.bibliography import Bibliography, Entry

    bib = Bibliography("b", {"a": Entry("a", {"PMID": "1"}, 1), "b": Entry("b", {}, 2)}, [])
    html = citations.reference_list_html({"a": 1, "b": 2}, {"a": {"patient", "professional"}, "b": {"professional"}}, {"a": "A.", "b": "B."}, bib, ("patient", "professional"))
    assert '<li id="ref-a" value="1" data-cited-in="patient professional">' in html
    assert '<li id="ref-b" value="2" data-cited-in="professional">' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/1/"' in html
