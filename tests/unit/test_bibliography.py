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
        path = os.path.join(root, "research", name)
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


# ---------------------------------------------------------------------------------------------
# unconfirmed: the fields a reader is told are still being checked


def test_unconfirmed_names_fields_of_the_fixed_vocabulary_the_entry_shows(tmp_path):
    good = entry(
        "a2000b", URL="https://example.org/", unverified="journal recalled", unconfirmed="[container-title, DOI]"
    )
    bib = load(tmp_path, "references:\n" + good)
    assert messages(bib) == []
    assert bib.entries["a2000b"].unconfirmed == ("container-title", "DOI")
    assert bib.entries["a2000b"].unconfirmed_words == ("journal", "DOI")
    bad = entry("c2000d", URL="https://example.org/", unverified="x", unconfirmed="[journal, volume, issued, issued]")
    found = messages(load(tmp_path, "references:\n" + bad))
    assert found[0].startswith(f"{REL}:11: 'c2000d': 'unconfirmed' names 'journal', not a field a reference shows;")
    assert found[1] == (
        f"{REL}:11: 'c2000d': 'unconfirmed' names 'volume', which the entry does not have: name only fields it "
        "shows (or PMID, PMCID, DOI not yet confirmed)"
    )
    assert found[2] == f"{REL}:11: 'c2000d': 'unconfirmed' names a field twice"
    assert len(found) == 3


def test_unverified_and_unconfirmed_each_need_the_other(tmp_path):
    only_note = entry("a2000b", URL="https://example.org/", unverified="journal recalled")
    assert messages(load(tmp_path, "references:\n" + only_note)) == [
        f"{REL}:10: 'a2000b': 'unverified' without 'unconfirmed': list the fields its note names, e.g. "
        "unconfirmed: [container-title, issued, DOI] (CSL field names)"
    ]
    only_fields = entry("a2000b", URL="https://example.org/", unconfirmed="[issued]")
    assert messages(load(tmp_path, "references:\n" + only_fields)) == [
        f"{REL}:10: 'a2000b': 'unconfirmed' without 'unverified': say what still needs checking, for the reviewer"
    ]
    not_a_list = entry("a2000b", URL="https://example.org/", unverified="x", unconfirmed="issued")
    assert messages(load(tmp_path, "references:\n" + not_a_list))[0].startswith(
        f"{REL}:11: 'a2000b': 'unconfirmed' must be a list of field names"
    )


def test_every_unverified_entry_of_the_real_bibliography_says_which_fields(root):
    import os

    bib = bibliography.load(os.path.join(root, "docs", "bibliography.yaml"), REL, TODAY)
    assert [e.key for e in bib.entries.values() if e.unverified and not e.unconfirmed] == []
    assert sum(1 for e in bib.entries.values() if e.unconfirmed) >= 40


# ---------------------------------------------------------------------------------------------
# research: each entry's research entry, and the numbers its findings state


RESEARCH = """
- id: trial1996
  note_findings: >-
    9 patients; strength rose by 2.44 points (95% CI 1.22 to 3.6) after 3-8 days; one in five had
    headache. Follow-up 1,000 days.
- id: trial1996_check
  completes: trial1996
  PMID: "8797464"
"""


def research_site(tmp_path, findings: str, research: str = "research.yaml#trial1996", folder=True):
    from lems_site.references import research as research_module

    if folder:
        (tmp_path / "research").mkdir(exist_ok=True)
        (tmp_path / "research" / "research.yaml").write_text(textwrap.dedent(RESEARCH).lstrip("\n"))
    text = "references:\n" + entry("bain1996effects", URL="https://example.org/").replace(
        "  findings: A randomised trial of nine people.", f"  findings: {findings}"
    )
    if research is not None:
        text = text.replace("- id: bain1996effects\n", f"- id: bain1996effects\n  research: {research}\n")
    bib = load(tmp_path, text)
    found = research_module.load(str(tmp_path / "research")) if folder else None
    return [str(p) for p in research_module.check(bib, found, "research")]


def test_findings_numbers_held_by_the_research_entry_pass(tmp_path):
    findings = "In 9 people strength rose 2.44 points (95% CI 1.22-3.6) within 3 to 8 days; 1 in 5 had headache (20%)."
    assert research_site(tmp_path, findings) == []
    # Numbers of an entry that completes it count too; spelled numbers in the research count.
    assert research_site(tmp_path, "PMID 8797464; five had headache in 1000 days.") == []


def test_a_findings_number_the_research_does_not_hold_is_refused_at_its_line(tmp_path):
    findings = "In 12 people strength rose 2.5 points over 3-11 days; 1 in 4 had headache; 45% improved."
    assert research_site(tmp_path, findings) == [
        f"{REL}:11: 'bain1996effects': 'findings' states '12', '2.5', '3-11', '1 in 4' and '45%', not found in its "
        "research entry research.yaml#trial1996: use the numbers the research records, or correct the research first"
    ]


def test_research_must_name_an_existing_file_and_entry(tmp_path):
    assert research_site(tmp_path, "Nine.", "research.yaml#trial1969") == [
        f"{REL}:3: 'bain1996effects': no entry 'trial1969' in research/research.yaml (did you mean 'trial1996'?)"
    ]
    assert research_site(tmp_path, "Nine.", "other.yaml#trial1996") == [
        f"{REL}:3: 'bain1996effects': 'research' names research/other.yaml, which does not exist "
        "(research files: research.yaml)"
    ]
    assert research_site(tmp_path, "Nine.", "'../x.yaml#a'")[0].startswith(
        f"{REL}:3: 'bain1996effects': 'research' is '../x.yaml#a': expected <file>#<id>"
    )
    assert research_site(tmp_path, "Nine.", None) == [
        f"{REL}:2: 'bain1996effects': missing 'research': name its entry in research/ on the line after 'id:', "
        "expected <file>#<id>, e.g. research-safety.yaml#uktis2022_amifampridine_pregnancy"
    ]
    (tmp_path / "none").mkdir()
    assert research_site(tmp_path / "none", "Nine.", folder=False)[0].endswith(
        "'research' names research.yaml, but there is no folder research/: add the research files there"
    )


def test_research_is_never_shown_to_readers():
    assert "research" in bibliography.SITE_FIELDS and "unconfirmed" in bibliography.SITE_FIELDS


def test_every_real_entry_names_an_existing_research_entry(root):
    import os

    from lems_site.references import research as research_module

    bib = bibliography.load(os.path.join(root, "docs", "bibliography.yaml"), REL, TODAY)
    found = research_module.load(os.path.join(root, "research"))
    problems = [str(p) for p in research_module.check(bib, found, "research")]
    # Only the findings-number rule may fail here (the content is fixed in findings, not here).
    assert [p for p in problems if "'findings' states" not in p] == []
    assert all(e.data.get("research") for e in bib.entries.values())


def test_the_research_copy_is_identical_to_the_shared_originals(root):
    """The copy in research/ must not go stale: CI has ../shared, where the originals live."""
    import filecmp
    import os

    shared = os.path.join(root, "..", "shared", "references")
    if not os.path.isdir(shared):
        pytest.skip("no ../shared/references in this checkout (it is there in CI)")
    names = ("research.yaml", "research-safety.yaml", "research-report.md", "research-safety-report.md")
    different = [
        n for n in names if not filecmp.cmp(os.path.join(shared, n), os.path.join(root, "research", n), shallow=False)
    ]
    assert different == []
