"""The reviewer's sheet pairs each cited sentence with its sources, escapes every value, and its
command refuses what is not a page."""

import datetime as _dt
import os
import subprocess
import sys
import textwrap
from html.parser import HTMLParser

import pytest
from conftest import ROOT, TODAY

from lems_site import review_sheet
from lems_site.driver import lems_plugin, load_site

HOSTILE = "<script>alert(1)</script>"

FIXTURE_CONFIG = """\
site_name: Review sheet fixture
docs_dir: docs
theme:
  name: material
  custom_dir: {overrides}
  font: false
  palette: {{}}
plugins:
  - lems:
      audiences:
        - id: patient
          label: Patient or family member
          block_label: For patients and families
          version_name: patients and families
          schema_audience: Patient
        - id: professional
          label: Healthcare professional
          block_label: For healthcare professionals
          version_name: healthcare professionals
          schema_audience: Clinician
      bibliography: bibliography.yaml
      readability: {{audience: patient, max_grade: 8}}
      cache_dir: {cache}
"""

BIBLIOGRAPHY = f"""\
references:
  - id: bain1996effects
    type: article-journal
    title: Effects of intravenous immunoglobulin on muscle weakness in LEMS
    author: [{{family: Bain, given: PG}}]
    container-title: Neurology
    issued: {{date-parts: [[1996]]}}
    PMID: "8797464"
    findings: IVIG gave short-term strength gains in a small crossover trial.
  - id: keogh2011treatment
    type: article-journal
    title: Treatment for Lambert-Eaton myasthenic syndrome
    author: [{{family: Keogh, given: M}}]
    container-title: Cochrane Database of Systematic Reviews
    issued: {{date-parts: [[2011]]}}
    DOI: 10.1002/14651858.CD003279.pub3
    findings: One small IVIG trial; 3,4-DAP has the stronger evidence.
    unverified: volume and issue not yet checked
  - id: hostile2020
    type: article-journal
    title: "Title {HOSTILE} & more"
    author: [{{family: "Smith{HOSTILE}"}}]
    container-title: Journal
    issued: {{date-parts: [[2020]]}}
    URL: https://example.org/paper
    findings: "Findings {HOSTILE} here"
"""

PAGE = """\
---
title: "Fixture <b>page</b>"
review_status: under-review
last_updated: 2026-11-01
next_review: 2027-02-01
---

# Fixture page

/// audience | patient

## Short answer {#fixture-short}

IVIG is not the first medicine. It can help for a few weeks [@bain1996effects]. It wears off
within two months [@keogh2011treatment]. Nothing else is cited here.

- A list item that is cited [@bain1996effects; @keogh2011treatment].
- A list item with no source.

///

/// audience | professional

## Evidence {#fixture-evidence}

**As tested.** Bain et al. 1996 gave 2 g/kg over 2 days [@bain1996effects]. Code such as
`[@notacitation]` is not cited. The [Cochrane review](https://example.org/) found one trial
[@keogh2011treatment] and a *hostile* entry agrees [@hostile2020].

| Feature | Result | Note |
|---|---|---|
| Design | Crossover trial [@bain1996effects] | Small [@bain1996effects] |
| Control | Albumin [@bain1996effects] | |

///
"""

# (audience, sentence text, keys), in page order.
EXPECTED = [
    ("patient", "It can help for a few weeks.", ["bain1996effects"]),
    ("patient", "It wears off within two months.", ["keogh2011treatment"]),
    ("patient", "A list item that is cited.", ["bain1996effects", "keogh2011treatment"]),
    ("professional", "As tested. Bain et al. 1996 gave 2 g/kg over 2 days.", ["bain1996effects"]),
    (
        "professional",
        "The Cochrane review found one trial and a hostile entry agrees.",
        ["keogh2011treatment", "hostile2020"],
    ),
    ("professional", "Design | Crossover trial | Small", ["bain1996effects"]),
    ("professional", "Control | Albumin", ["bain1996effects"]),
]


class SheetParser(HTMLParser):
    """Each sentence of the sheet: its section, text, source lines and (key, times) pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.section = None
        self.rows = []
        self.scripts = 0
        self.checkboxes = []
        self.labels = {}
        self._label_for = None
        self._in_sentence = False
        self._in_sup = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and (a.get("aria-labelledby") or "").startswith("audience-"):
            self.section = a["aria-labelledby"].removeprefix("audience-")
        elif tag == "tbody" and "data-sentence" in a:
            self.rows.append(
                {
                    "section": self.section,
                    "text": "",
                    "cites": "",
                    "lines": [int(n) for n in a["data-lines"].split()],
                    "pairs": [],
                }
            )
        elif tag == "tr" and "data-key" in a:
            self.rows[-1]["pairs"].append((a["data-key"], int(a["data-times"])))
        elif tag == "span" and a.get("class") == "sentence" and self.rows and not self.rows[-1]["text"]:
            self._in_sentence = True
        elif tag == "sup" and self._in_sentence:
            self._in_sup = True
        elif tag == "script":
            self.scripts += 1
        elif tag == "input" and a.get("type") == "checkbox" and "data-pair" in a:
            self.checkboxes.append(a["id"])
        elif tag == "label":
            self._label_for = a.get("for")
            self.labels[self._label_for] = ""

    def handle_endtag(self, tag):
        if tag == "sup":
            self._in_sup = False
        elif tag == "span" and not self._in_sup:
            self._in_sentence = False
        elif tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._in_sentence and self._in_sup:
            self.rows[-1]["cites"] += data
        elif self._in_sentence:
            self.rows[-1]["text"] += data
        if self._label_for:
            self.labels[self._label_for] += data


def parse(html: str) -> SheetParser:
    parser = SheetParser()
    parser.feed(html)
    return parser


def sheet_for(config_file: str, rel: str):
    config = load_site(config_file)
    assert config is not None
    plugin = lems_plugin(config)
    report = plugin.check_sources(config, today=TODAY)
    audiences = {a.id: a.block_label for a in plugin.config.audiences}
    html = review_sheet.build(report, rel, audiences=audiences, commit="abc1234", generated=_dt.date(2026, 11, 22))
    return report, html


@pytest.fixture
def fixture_site(tmp_path):
    (tmp_path / "docs").mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text(FIXTURE_CONFIG.format(overrides=os.path.join(ROOT, "overrides"), cache=tmp_path.parent / "cache"))
    (tmp_path / "docs" / "bibliography.yaml").write_text(BIBLIOGRAPHY)
    (tmp_path / "docs" / "page.md").write_text(PAGE)
    return config


def test_each_sentence_is_paired_with_every_source_it_cites(fixture_site):
    report, html = sheet_for(str(fixture_site), "docs/page.md")
    sheet = parse(html)
    found = [(row["section"], " ".join(row["text"].split()), [key for key, _ in row["pairs"]]) for row in sheet.rows]
    assert found == EXPECTED
    # Citations appear as the reader's numbers, in page order of first citation.
    assert [row["cites"] for row in sheet.rows] == ["1", "2", "1,\u200a2", "1", "23", "11", "1"]
    # Two cells of one row cite the same source: one pair, counted twice.
    keys = sum(len(c.keys) for c in report.citations["docs/page.md"])
    assert sum(times for row in sheet.rows for _, times in row["pairs"]) == keys == 10
    assert len(sheet.checkboxes) == sum(len(row["pairs"]) for row in sheet.rows) == 9
    assert "0</span> of 9 checked" in html
    # Every box has its own label, naming the sentence and the source.
    assert all(sheet.labels[box].startswith("Checked: sentence ") for box in sheet.checkboxes)
    assert len(set(sheet.checkboxes)) == len(sheet.checkboxes)


def test_header_names_the_page_its_status_dates_and_commit(fixture_site):
    _, html = sheet_for(str(fixture_site), "docs/page.md")
    assert "<title>Review sheet: Fixture &lt;b&gt;page&lt;/b&gt;</title>" in html
    for text in (
        "<code>docs/page.md</code>",
        "<dt>Review status</dt><dd>Under review</dd>",
        "<dt>Latest review record</dt><dd>None yet: every sentence is to be reviewed</dd>",
        "<dd>2026-11-01</dd>",
        "<dd>2027-02-01</dd>",
        "<code>abc1234</code>",
        "<dd>2026-11-22</dd>",
    ):
        assert text in html
    assert (
        "https://pubmed.ncbi.nlm.nih.gov/8797464/" in html and "https://doi.org/10.1002/14651858.CD003279.pub3" in html
    )
    assert "<strong>Unverified:</strong> volume and issue not yet checked" in html
    assert "IVIG gave short-term strength gains in a small crossover trial." in html
    # Uncited sentences just before a cited one are shown with it; code is never a citation.
    assert "<em>Just before it, uncited:</em> <span data-fingerprint=" in html
    for uncited in ("Code such as [@notacitation] is not cited.", "IVIG is not the first medicine."):
        digest = review_sheet.fingerprint(uncited)
        assert f'<span data-fingerprint="{digest}" data-version="' in html and f">{uncited}</span>" in html
    # Uncited sentences that no cited one follows get their own row, without a tick.
    assert "Nothing else is cited here.</span>" in html and "A list item with no source.</span>" in html
    assert html.count("No source cited: read it as part of the page.") >= 2


def test_hostile_titles_and_findings_are_escaped(fixture_site):
    _, html = sheet_for(str(fixture_site), "docs/page.md")
    # The one script is the sheet's own; the bibliography's markup is shown as text.
    assert parse(html).scripts == 1
    assert html.count("<script") == 1
    assert "Findings &lt;script&gt;alert(1)&lt;/script&gt; here" in html
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    # The bibliography check reports the findings markup; the sheet lists it.
    assert "must be plain text" not in html  # a bibliography problem, not this page's


def test_the_ivig_page_pairs_every_citation(tmp_path):
    rel = "docs/treatment/ivig.md"
    report, html = sheet_for(os.path.join(ROOT, "mkdocs.yml"), rel)
    sheet = parse(html)
    cited = report.citations[rel]
    # The urgent-help callout, shown in every version, first: as on the page.
    assert {row["section"] for row in sheet.rows} == {"none", "patient", "professional"}
    # Every citation key is in a pair of a sentence at its line, and counted once there.
    for citation in cited:
        for key in citation.keys:
            assert any(citation.line in row["lines"] and key in dict(row["pairs"]) for row in sheet.rows), (
                citation,
                key,
            )
    assert sum(times for row in sheet.rows for _, times in row["pairs"]) == sum(len(c.keys) for c in cited)
    # Both versions in page order: every patient sentence comes before every professional one.
    sections = [row["section"] for row in sheet.rows]
    assert sections == sorted(sections, key=["none", "patient", "professional"].index)
    lines = [row["lines"][0] for row in sheet.rows]
    assert lines == sorted(lines)
    # Plain text: no Markdown or citation left in a sentence.
    for row in sheet.rows:
        assert row["text"] and not any(mark in row["text"] for mark in ("[@", "**", "](", "{#"))
    urgent = sheet.rows[0]
    assert urgent["section"] == "none" and urgent["pairs"] == [
        ("cslbehring2017privigen", 1),
        ("fda2013thrombosis", 1),
        ("intimmunopharmacol2006adverse", 1),
    ]
    first = next(row for row in sheet.rows if row["section"] == "patient")
    assert first["text"] == "A medicine called amifampridine (3,4-DAP) comes first." and first["pairs"] == [
        ("skeie2010guidelines", 1)
    ]


def run(*args):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "review_sheet.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )


def test_the_command_refuses_what_is_not_a_page_without_a_traceback(tmp_path):
    result = run("--page", "docs/treatment/nothing.md", "--out", str(tmp_path / "x.html"))
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "docs/treatment/nothing.md:1: no such page: expected a Markdown file of the site,"
        " e.g. docs/treatment/ivig.md"
    )
    result = run("--page", "docs/includes/abbreviations.md", "--out", str(tmp_path / "x.html"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "docs/includes/abbreviations.md:1: not a page of the site: expected a page under docs/, not an include"
    )
    assert not (tmp_path / "x.html").exists()


def test_the_command_writes_the_sheet(tmp_path):
    out = tmp_path / "sheet.html"
    result = run("--page", "docs/treatment/ivig.md", "--out", str(out), "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote ") and "sentence-source pairs" in result.stdout
    assert "<dd>2026-11-22</dd>" in out.read_text()


def test_sentences_split_at_full_stops_but_not_abbreviations():
    text = textwrap.dedent("""\
        Bain et al. 1996 showed it, e.g. in limbs \x000\x00. Next one \x001\x00.""")
    assert review_sheet._split(text) == ["Bain et al. 1996 showed it, e.g. in limbs \x000\x00.", " Next one \x001\x00."]
    # A citation after the full stop stays with the sentence it follows.
    assert review_sheet._split("It works. \x000\x00 Then more.") == ["It works.\x000\x00", "Then more."]


class FingerprintParser(HTMLParser):
    """What the export reads: every element with a fingerprint, in document order, by version."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.versions: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-fingerprint" in a:
            self.versions.setdefault(a["data-version"], []).append(a["data-fingerprint"])


def test_every_sheet_carries_every_sentence_a_record_must_cover():
    # The export (the sheet's script) walks these elements; the build compares a record with
    # review_records.current_sentences: both must list the same sentences in the same order.
    from lems_site import review_records

    config = load_site(os.path.join(ROOT, "mkdocs.yml"))
    plugin = lems_plugin(config)
    report = plugin.check_sources(config, today=TODAY)
    audiences = {a.id: a.block_label for a in plugin.config.audiences}
    formatted = review_sheet.bibliography.format_entries(report.bibliography)
    for rel, doc in report.documents.items():
        html = review_sheet.build(report, rel, audiences=audiences, generated=TODAY, formatted=formatted)
        parser = FingerprintParser()
        parser.feed(html)
        expected = {
            version: [s.fingerprint for s in sentences]
            for version, sentences in review_records.current_sentences(doc, report.citations.get(rel, [])).items()
        }
        assert parser.versions == expected, rel


def test_a_citation_split_over_a_line_shows_as_the_reader_sees_it():
    # evidence.md writes `[@keogh2011treatment;` at the end of one line and the next key on the
    # line after: the sheet must show one sentence with its numbers, no `@key` or `]` left over.
    rel = "docs/evidence.md"
    report, html = sheet_for(os.path.join(ROOT, "mkdocs.yml"), rel)
    split = [c for c in report.citations[rel] if c.end_line > c.line]
    assert split, "evidence.md no longer has a citation split over a line: pick another page"
    sheet = parse(html)
    for citation in split:
        rows = [row for row in sheet.rows if citation.line in row["lines"]]
        assert rows, citation
        for row in rows:
            assert "@" not in row["text"] and "]" not in row["text"], row["text"]
            assert set(citation.keys) <= set(dict(row["pairs"])), (row["pairs"], citation.keys)
            assert row["cites"] and " ." not in row["text"]
