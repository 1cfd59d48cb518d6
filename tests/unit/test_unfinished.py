"""A page is not published with the scaffold's placeholder text, or with a version that cites nothing."""

from helpers import doc

from lems_site.checks import unfinished
from lems_site.references import citations
from lems_site.vocabulary import PLACEHOLDER_ADVICE, PLACEHOLDER_OPENING

PAGE = """\
# Topic

/// audience | patient

## In short {#topic-patient}

{patient}

///

/// audience | professional

## Summary {#topic-professional}

{professional}

///
"""


def problems(patient, professional, docs_rel="topic.md", site_pages=("about/*.md",)):
    page = doc(PAGE.replace("{patient}", patient).replace("{professional}", professional), rel="docs/" + docs_rel)
    found = unfinished.check(page, citations.find(page), docs_rel=docs_rel, site_pages=site_pages)
    return [str(p) for p in found]


def test_written_and_cited_versions_pass():
    assert problems("Rest helps [@a2000b].", "IVIG works for weeks [@c2001d; @e2002f].") == []


def test_each_scaffold_sentence_is_refused_at_its_line():
    opening = PLACEHOLDER_OPENING.format(version_name="carers")
    found = problems(f"Rest helps [@a2000b]. {opening}", f"x [@a2000b].\n{PLACEHOLDER_ADVICE['professional'][0]}")
    assert found == [
        f"docs/topic.md:7: placeholder text from the new-page scaffold: '{opening}': "
        "replace it with the page's content before it is published",
        "docs/topic.md:16: placeholder text from the new-page scaffold: 'Cite every clinical statement.': "
        "replace it with the page's content before it is published",
    ]


def test_placeholder_words_in_code_are_not_placeholders():
    assert problems("Rest helps [@a2000b].\n\n```text\nWrite the version for x here.\n```", "x [@a2000b].") == []


def test_a_version_without_a_citation_is_refused_at_its_opening_line():
    assert problems("Rest helps [@a2000b].", "No citation here.") == [
        "docs/topic.md:11: the '/// audience | professional' version cites no source: "
        "cite each section of it from docs/bibliography.yaml, such as [@key]"
    ]
    # A citation outside the version does not count for it.
    assert len(problems("Rest helps.", "x.\n\n///\n\nOutside [@a2000b].\n")) == 2


def test_pages_about_the_site_need_no_citation_but_no_placeholder_either():
    assert problems("Rest helps.", "No clinical statement.", docs_rel="about/disclaimer.md") == []
    assert len(problems(PLACEHOLDER_OPENING.format(version_name="x"), "y", docs_rel="about/x.md")) == 1
    # Only the pages the site_pages option names: the same page elsewhere must cite.
    assert len(problems("Rest helps.", "No clinical statement.", docs_rel="copy/about/disclaimer.md")) == 2
    assert len(problems("Rest helps.", "No clinical statement.", docs_rel="about/disclaimer.md", site_pages=())) == 2
