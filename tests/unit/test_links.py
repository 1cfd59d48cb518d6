"""Links and anchors written in a page's source, reported at their source line."""

from helpers import doc

from lems_site.checks import links

SITE = links.SitePages(
    by_src={"index.md": "", "treatment/ivig.md": "treatment/ivig/", "about/disclaimer.md": "about/disclaimer/"},
    ids={"index.md": {"top"}, "treatment/ivig.md": {"ivig-dosing", "ivig-safety"}, "about/disclaimer.md": set()},
    other_files={"assets/lems/favicon.svg"},
)


def problems(text, src="about/disclaimer.md", url="about/disclaimer/"):
    return [str(p) for p in links.source_links(doc(text, rel="docs/" + src), src, SITE, page_url=url)]


def test_a_link_to_a_missing_page_names_its_line_and_the_nearest_page():
    assert problems("# T\n\nSee [IVIG](../treatment/ivgi.md).\n") == [
        "docs/about/disclaimer.md:3: link '../treatment/ivgi.md': no such page (did you mean '../treatment/ivig.md'?)"
    ]


def test_a_missing_section_names_the_nearest_id():
    assert problems("# T\n\n[Dose](../treatment/ivig.md#ivig-dosage)\n") == [
        "docs/about/disclaimer.md:3: link '../treatment/ivig.md#ivig-dosage': no section '#ivig-dosage' on"
        " docs/treatment/ivig.md (did you mean '#ivig-dosing'?)"
    ]


def test_raw_html_links_are_relative_to_the_built_page():
    assert problems(
        '# T\n\n<a href="../../treatment/ivig/#ivig-safety">ok</a>\n<a href="../../treatment/ivig/#nope">x</a>\n'
    ) == ["docs/about/disclaimer.md:4: link '../../treatment/ivig/#nope': no section '#nope' on docs/treatment/ivig.md"]


def test_reference_definitions_and_files_are_checked():
    assert problems("# T\n\n[a]: ../index.md#top\n[b]: ../assets/lems/favicon.svg\n[c]: ../gone.pdf\n") == [
        "docs/about/disclaimer.md:5: link '../gone.pdf': no such file under docs/ (link to the page's .md file, or to a file that exists)"
    ]


def test_absolute_paths_are_refused():
    assert problems("# T\n\n[Home](/index.md)\n") == [
        "docs/about/disclaimer.md:3: link '/index.md': an absolute path breaks when the site is served under its own path:"
        " write a relative link"
    ]


def test_links_in_code_and_to_other_sites_are_not_checked():
    assert (
        problems("# T\n\n`[x](gone.md)` [PubMed](https://pubmed.ncbi.nlm.nih.gov/1/)\n\n```\n[y](gone.md)\n```\n") == []
    )


def test_each_broken_link_carries_the_address_mkdocs_writes_for_it():
    broken = links.broken_links(
        doc("# T\n\n[a](../treatment/ivig.md#nope)\n[b](../gone.md#x)\n[c](#none)\n", rel="docs/about/disclaimer.md"),
        "about/disclaimer.md",
        SITE,
        page_url="about/disclaimer/",
    )
    # A page MkDocs finds is rewritten to its address; anything else is left as written.
    assert [b.built for b in broken] == ["../../treatment/ivig/#nope", "../gone.md#x", "#none"]


def test_the_output_pass_leaves_out_only_what_the_source_pass_reported(tmp_path):
    page = tmp_path / "about" / "disclaimer" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<!doctype html><title>t</title><a href="../../gone/#x">a</a> <a href="../../theme.css">b</a>')
    reported = {"about/disclaimer/index.html": {"../../gone/#x"}}
    assert links.output_links(str(tmp_path), reported=reported) == [
        ("about/disclaimer/index.html", "../../theme.css", "no such file in the built site")
    ]
    assert len(links.output_links(str(tmp_path))) == 2
