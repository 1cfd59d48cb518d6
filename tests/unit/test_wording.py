"""Coverage statements carry no citation; patient text never talks about the site's research."""

from helpers import doc

from lems_site.checks import wording


def problems(text):
    return [str(p) for p in wording.check(doc(text), plain_audience="patient")]


def test_patient_text_about_the_sites_research_fails_at_its_line():
    text = "# T\n\n/// audience | patient\n\nIt helps most people.\nThat figure could not be checked for this site.\n\n///\n"
    assert problems(text) == [
        "docs/page.md:6: patient text talks about the site's research ('could not be checked for this site'):"
        " speak about LEMS and the reader, and say uncertainty once, in the page's 'How sure are we?' section"
    ]


def test_patient_list_items_are_checked_too():
    text = (
        "# T\n\n/// audience | patient\n\n- Ask about it.\n- This site's sources do not say how long it lasts.\n\n///\n"
    )
    assert [p.split(": patient text")[0] for p in problems(text)] == ["docs/page.md:6"]


def test_a_cited_coverage_statement_fails_in_any_version():
    text = (
        "# T\n\n/// audience | professional\n\nIVIG helped in one trial [@bain1996effects]. No source here gives\n"
        "the duration of plasma exchange [@keogh2011treatment].\n\n///\n"
    )
    assert problems(text) == [
        "docs/page.md:5: a statement about the site's own coverage ('No source here') carries a citation: such"
        " statements are not claims of the cited work; remove the citation or reword"
    ]


def test_an_uncited_coverage_statement_in_professional_text_is_allowed():
    text = "# T\n\n/// audience | professional\n\nNo source here gives the duration of plasma exchange.\n\n///\n"
    assert problems(text) == []


def test_ordinary_cited_sentences_and_code_pass():
    text = (
        "# T\n\n/// audience | patient\n\nIVIG is a drip of antibodies from donated blood [@bain1996effects].\n\n"
        "```\nthis site's sources\n```\n\n///\n"
    )
    assert problems(text) == []


def test_patient_worklog_words_fail_at_their_line():
    text = (
        "# T\n\n/// audience | patient\n\nIVIG helps for a few weeks [@bain1996effects].\n"
        "The dose was recalled, not seen.\n\n- A third-party copy says so.\n\n///\n"
    )
    assert problems(text) == [
        "docs/page.md:6: patient text uses worklog wording ('recalled'): readers need the evidence, not how"
        " the editors found it; say what is or is not known (e.g. 'no published schedule') or what to check"
        " ('confirm on the current label')",
        "docs/page.md:8: patient text uses worklog wording ('third-party'): readers need the evidence, not how"
        " the editors found it; say what is or is not known (e.g. 'no published schedule') or what to check"
        " ('confirm on the current label')",
    ]


def test_professional_worklog_words_fail_in_prose_and_tables():
    text = (
        "# T\n\n/// audience | professional\n\nNo schedule was found for this page.\n\n"
        "| Trial | Result |\n|---|---|\n| Wirtz 2009 | Not available to the editors |\n\n"
        "The sources used here give no figure.\n\n///\n"
    )
    found = [(p.split(": ")[0], p.split("('")[1].split("')")[0]) for p in problems(text)]
    assert found == [
        ("docs/page.md:5", "for this page"),
        ("docs/page.md:9", "to the editors"),
        ("docs/page.md:11", "sources used here"),
    ]


def test_professional_text_may_say_third_party_and_mirror_but_patient_words_stay_strict():
    text = (
        "# T\n\n/// audience | professional\n\nA third-party summary of the label gives it;"
        " confirm on the current label [@davis2026amifampridine].\n\n///\n\n"
        "/// audience | patient\n\nNo one knows if it passes into breast milk [@serb2022leaflet].\n\n///\n"
    )
    assert problems(text) == []
