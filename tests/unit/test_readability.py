"""Readability: the Flesch-Kincaid grade of every patient section, against the limit."""

from helpers import doc

from lems_site.checks import readability

PAGE = """
# Title

/// audience | patient

## Easy {#easy}

IVIG is a drip. It goes into a vein. It can help you feel strong for a few weeks [@bain1996effects].

## Hard {#hard}

Intravenous immunoglobulin administration necessitates comprehensive consideration of hypercoagulability, hyperviscosity and cardiovascular comorbidities, particularly amongst individuals demonstrating predisposing characteristics.

///

/// audience | professional

## Ignored {#ignored}

Intravenous immunoglobulin administration necessitates comprehensive consideration of comorbidities.

///
"""


def test_each_patient_section_is_scored_and_professional_text_is_not():
    scores = readability.score(doc(PAGE), "patient")
    assert [(s.line, s.title) for s in scores] == [(5, "Easy"), (9, "Hard")]
    assert scores[0].grade <= 8 < scores[1].grade


def test_sections_over_the_limit_fail_with_their_line():
    scores = readability.score(doc(PAGE), "patient")
    problems = readability.check(scores, 8, "patient")
    assert [str(p) for p in problems] == [
        f"docs/page.md:9: patient section 'Hard' reads at grade {scores[1].grade} (limit 8, readability.max_grade of the lems plugin in mkdocs.yml): use shorter sentences and everyday words"
    ]


def test_citations_and_markup_do_not_count_as_words():
    [(line, title, text)] = readability.sections(
        doc("/// audience | patient\n\nSee [the page](x.md) **now** [@a2000b].\n\n///\n"), "patient"
    )
    assert text == "See the page now."
