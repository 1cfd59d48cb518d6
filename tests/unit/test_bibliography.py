"""Every bibliography rule, each with the exact message it prints."""

import textwrap

import pytest
from conftest import TODAY

from lems_site.references import bibliography

REL = "docs/bibliography.yaml"


def load(tmp_path, text, name="bibliography.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return bibliography.load(str(path), REL, TODAY)


def messages(bib):
    return [str(p) for p in bib.problems]


ENTRY = """
  type: article-journal
  title: A title
  author:
    - {family: Bain, given: PG}
  container-title: Neurology
  issued: {date-parts: [[1996]]}
"""


def entry(key, extra="", **fields):
    lines = [f"- id: {key}"] + ENTRY.strip("\n").split("\n")
    for name, value in fields.items():
        lines.append(f"  {name}: {value}")
    lines.append("  findings: A randomised trial of nine people.")
    return "\n".join(lines) + ("\n" + extra if extra else "") + "\n"


def test_a_well_formed_entry_has_no_problem(tmp_path):
    bib = load(tmp_path, "references:\n" + entry("bain1996effects", PMID='"8797464"', DOI="10.1212/WNL.47.3.678"))
    assert messages(bib) == []
    assert list(bib.entries) == ["bain1996effects"]


def test_unparseable_yaml_names_its_line(tmp_path):
    bib = load(tmp_path, "references:\n- id: a\n  title: Orphan Drugs: Research\n")
    assert messages(bib) == [f"{REL}:3: the bibliography is not valid YAML: mapping values are not allowed here"]


def test_unparseable_json_names_its_line(tmp_path):
    bib = load(tmp_path, '[\n {"id": "a",\n  "title" "x"}\n]\n', name="bibliography.json")
    assert messages(bib) == [f"{REL}:3: the bibliography is not valid JSON: Expecting ':' delimiter"]


def test_csl_json_is_accepted(tmp_path):
    text = '[\n {"id": "a2000b", "type": "webpage", "title": "T", "author": [{"literal": "FDA"}],\n  "issued": {"date-parts": [[2000]]}, "URL": "https://example.org/", "findings": "F."}\n]\n'
    assert messages(load(tmp_path, text, name="bibliography.json")) == []


def test_duplicate_id(tmp_path):
    bib = load(tmp_path, "references:\n" + entry("a2000b", PMID='"1"') + entry("a2000b", PMID='"2"'))
    assert messages(bib) == [
        f"{REL}:11: duplicate id 'a2000b' (first defined at line 2): give each work one entry and one id"
    ]


def test_same_pmid_under_two_ids(tmp_path):
    bib = load(tmp_path, "references:\n" + entry("a2000b", PMID='"123"') + entry("c2001d", PMID='"123"'))
    assert messages(bib) == [
        f"{REL}:18: PMID 123 of 'c2001d' is also the PMID of 'a2000b' (line 9): one work, one entry"
    ]


def test_same_doi_under_two_ids_ignores_case(tmp_path):
    bib = load(tmp_path, "references:\n" + entry("a2000b", DOI="10.1000/ABC") + entry("c2001d", DOI="10.1000/abc"))
    assert messages(bib) == [
        f"{REL}:18: DOI 10.1000/abc of 'c2001d' is also the DOI of 'a2000b' (line 9): one work, one entry"
    ]


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("PMID", '"PMID123"', "malformed PMID 'PMID123': expected digits only, e.g. 21328260"),
        ("PMCID", "7003613", "malformed PMCID '7003613': expected 'PMC' followed by digits, e.g. PMC7003613"),
        (
            "DOI",
            "https://doi.org/10.1000/x",
            "malformed DOI 'https://doi.org/10.1000/x': expected the bare form 10.NNNN/suffix, without https://doi.org/, quotes, angle brackets or spaces",
        ),
        (
            "URL",
            "http://example.org/",
            "malformed URL 'http://example.org/': expected an https:// address without quotes, angle brackets or spaces",
        ),
    ],
)
def test_malformed_identifiers(tmp_path, field, value, expected):
    bib = load(tmp_path, "references:\n" + entry("a2000b", **{field: value}))
    assert messages(bib) == [f"{REL}:9: 'a2000b': {expected}"]


def test_missing_required_fields(tmp_path):
    bib = load(tmp_path, "references:\n- id: a2000b\n  type: article-journal\n")
    assert messages(bib) == [
        f"{REL}:2: 'a2000b': missing required field 'title'",
        f"{REL}:2: 'a2000b': missing required field 'author' (people as {{family, given}}, or an organisation as {{literal}})",
        f"{REL}:2: 'a2000b': missing required field 'issued' with a year, e.g. issued: {{date-parts: [[2011]]}}",
        f"{REL}:2: 'a2000b': missing required field 'container-title' (the journal) for an article-journal",
        f"{REL}:2: 'a2000b': needs at least one of PMID, PMCID, DOI or URL",
        f"{REL}:2: 'a2000b': missing 'findings': one or two sentences, in the site's own words, on what this"
        " source found (shown in citation previews and the reference list)",
    ]


def test_findings_must_be_plain_text(tmp_path):
    bib = load(
        tmp_path,
        "references:\n"
        + entry("a2000b", PMID='"1"').replace(
            "findings: A randomised trial of nine people.", "findings: See <b>this</b> [@other]."
        ),
    )
    assert messages(bib) == [
        f"{REL}:10: 'a2000b': 'findings' must be plain text: no HTML, Markdown, citations or web addresses"
    ]


def test_a_comparison_sign_in_findings_is_plain_text(tmp_path):
    bib = load(
        tmp_path,
        "references:\n"
        + entry("a2000b", PMID='"1"').replace(
            "findings: A randomised trial of nine people.", "findings: Better on placebo (P<0.001)."
        ),
    )
    assert messages(bib) == []


def test_missing_type(tmp_path):
    bib = load(
        tmp_path,
        "references:\n- id: a2000b\n  title: T\n  author: [{literal: FDA}]\n  issued: 2000\n  URL: https://example.org/\n  findings: F.\n",
    )
    assert messages(bib) == [f"{REL}:2: 'a2000b': missing required field 'type' (e.g. article-journal, webpage)"]


def test_implausible_year(tmp_path):
    text = "references:\n" + entry("a2000b", PMID='"1"').replace("[[1996]]", "[[2031]]")
    assert messages(load(tmp_path, text)) == [
        f"{REL}:8: 'a2000b': implausible year 2031 in 'issued': expected 1800 to 2026"
    ]


def test_unknown_field_suggests_the_csl_name(tmp_path):
    bib = load(tmp_path, "references:\n" + entry("a2000b", pmid='"1"', URL="https://example.org/"))
    assert messages(bib) == [f"{REL}:9: 'a2000b': unknown field 'pmid' (did you mean 'PMID'?)"]


def test_unverified_needs_a_reason(tmp_path):
    bib = load(tmp_path, "references:\n" + entry("a2000b", URL="https://example.org/", unverified='""'))
    assert messages(bib) == [
        f"{REL}:10: 'a2000b': 'unverified' needs a reason, e.g. unverified: PMID not yet confirmed on PubMed"
    ]


def test_author_needs_family_or_literal(tmp_path):
    text = "references:\n" + entry("a2000b", URL="https://example.org/").replace(
        "{family: Bain, given: PG}", "{given: PG}"
    )
    assert messages(load(tmp_path, text)) == [
        f"{REL}:5: 'a2000b': each author needs 'family' (a person) or 'literal' (an organisation)"
    ]


def test_formatting_uses_the_ama_style_and_links_out(tmp_path):
    bib = load(
        tmp_path,
        "references:\n"
        + entry(
            "a2000b",
            volume='"47"',
            issue='"3"',
            page="678-683",
            PMID='"8797464"',
            PMCID="PMC7003613",
            DOI="10.1212/WNL.47.3.678",
            unverified="PMID seen only on a mirror",
        ),
    )
    text = bibliography.format_entries(bib)["a2000b"]
    # Initials written together ("PG") stay two initials, as AMA style wants.
    assert text == "Bain PG. A title. <i>Neurology</i>. 1996;47(3):678-683. doi:10.1212/WNL.47.3.678"
    # The list's markup is a template (partials/lems/references.html); its links come from here.
    assert bibliography.links(bib.entries["a2000b"]) == [
        ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/8797464/"),
        ("PubMed Central", "https://pmc.ncbi.nlm.nih.gov/articles/PMC7003613/"),
        ("DOI", "https://doi.org/10.1212/WNL.47.3.678"),
    ]
    assert bib.entries["a2000b"].unverified == "PMID seen only on a mirror"


def _research_identifiers(root):
    """(field, value) -> how each identifier was seen, from both research files."""
    import os

    import yaml

    seen = {}
    for name in ("research.yaml", "research-safety.yaml"):
        path = os.path.join(root, "..", "shared", "references", name)
        for item in yaml.safe_load(open(path, encoding="utf-8")):
            confidence = item.get("field_confidence") or {}
            for field in ("PMID", "PMCID", "DOI"):
                value = str(item.get(field) or "").strip()
                # `rest` covers every field the entry does not list by name (e.g. intimmunopharmacol2006).
                how = str(confidence.get(field) or confidence.get("all") or confidence.get("rest") or "")
                if value and how.startswith("seen"):
                    seen.setdefault((field, value.lower()), how)
    return seen


def test_the_real_bibliography_only_has_identifiers_research_marks_seen(root):
    """Every PMID, PMCID and DOI must be marked seen (a qualifier counts) in a research file."""
    import os

    seen = _research_identifiers(root)
    bib = bibliography.load(os.path.join(root, "docs", "bibliography.yaml"), REL, TODAY)
    shown = {
        (name, str(e.data[name]).strip().lower())
        for e in bib.entries.values()
        for name in ("PMID", "PMCID", "DOI")
        if e.data.get(name)
    }
    assert shown, "the bibliography shows no identifier at all"
    assert shown - set(seen) == set()


def test_an_identifier_seen_only_on_a_mirror_is_marked_unverified_for_readers(root):
    """CONTENT.md rule 3: seen on a third-party copy or mirror -> the entry says to confirm it."""
    import os

    seen = _research_identifiers(root)
    bib = bibliography.load(os.path.join(root, "docs", "bibliography.yaml"), REL, TODAY)
    unmarked = []
    for entry in bib.entries.values():
        for name in ("PMID", "PMCID", "DOI"):
            how = seen.get((name, str(entry.data.get(name) or "").strip().lower()))
            if how and how != "seen" and not entry.unverified:
                unmarked.append((entry.key, name, how))
    assert unmarked == []
