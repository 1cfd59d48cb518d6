"""Site-level rules that need the whole tree: entries cited nowhere; all problems in one run."""

from conftest import TODAY
from helpers import FRONT_MATTER, GOOD_ENTRY, settings_for

from lems_site.checks import run_source_checks


def test_entry_cited_nowhere(tmp_path):
    settings = settings_for(tmp_path, GOOD_ENTRY, {"index.md": FRONT_MATTER + "\n# Home\n"})
    assert [str(p) for p in run_source_checks(settings, today=TODAY).problems] == [
        "docs/bibliography.yaml:2: entry 'bain1996effects' is cited nowhere: cite it from a page or remove it"
    ]


def test_includes_folder_is_not_a_page(tmp_path):
    settings = settings_for(
        tmp_path,
        GOOD_ENTRY,
        {"index.md": FRONT_MATTER + "\nX [@bain1996effects].\n", "includes/abbreviations.md": "*[X]: y\n"},
    )
    assert run_source_checks(settings, today=TODAY).problems == []


def test_abbreviations_must_be_glossary_terms_with_the_same_expansion(tmp_path):
    from helpers import doc

    from lems_site.checks import glossary

    abbreviations = tmp_path / "abbreviations.md"
    abbreviations.write_text(
        "<!-- note -->\n*[IVIG]: intravenous immunoglobulin\n*[QMG]: Quantitative Myasthenia Gravis score\n*[CI]: confidence interval\n"
    )
    page = doc(
        "# Glossary\n\nIVIG\n: Intravenous immunoglobulin. A drip.\n\nCI\n: a range of values.\n",
        rel="docs/glossary.md",
    )
    problems = glossary.check("docs/includes/abbreviations.md", glossary.abbreviations(str(abbreviations)), page)
    assert [str(p) for p in problems] == [
        "docs/includes/abbreviations.md:3: abbreviation 'QMG' is not a term on the Glossary page (docs/glossary.md): add it there with the same expansion",
        "docs/includes/abbreviations.md:4: abbreviation 'CI': the Glossary (docs/glossary.md) defines it as 'a range of values.', expected it to start with 'confidence interval'",
    ]


def test_section_headings_need_unique_explicit_ids():
    from helpers import doc

    from lems_site.checks import headings

    page = doc(
        "# Title\n\n## Dosing {#ivig-dosing}\n\n## How it is given\n\n```\n## not a heading\n```\n\n### Again {#ivig-dosing}\n",
        rel="docs/treatment/ivig.md",
    )
    assert [str(p) for p in headings.check(page)] == [
        "docs/treatment/ivig.md:5: heading 'How it is given' has no explicit id: add one such as {#ivig-how-it-is-given} so links to it survive rewording",
        "docs/treatment/ivig.md:11: heading id '#ivig-dosing' is already used at line 3: ids must be unique on a page",
    ]
