"""Review records: read as hostile input, every problem path:line, and the status they earn."""

from __future__ import annotations

import datetime as _dt
import json
import os

import pytest
from conftest import ROOT, TODAY
from helpers import FRONT_MATTER, doc
from jinja2 import Environment, FileSystemLoader

from lems_site import review, review_records, review_sheet
from lems_site.checks import run_source_checks
from lems_site.references import citations
from lems_site.vocabulary import REVIEWED, UPDATED

PAGE = (
    FRONT_MATTER
    + """
# A page

/// audience | patient

## Short answer {#short}

IVIG can help for a few weeks [@bain1996effects]. Nothing else is cited.

///

/// audience | professional

## Evidence {#evidence}

One crossover trial in nine people [@bain1996effects].

///
"""
)
REL = "docs/page.md"
DAY = _dt.date(2026, 11, 20)


def page_doc(text=PAGE):
    return doc(text, REL)


def current(document):
    return review_records.current_sentences(document, citations.find(document))


def record_text(document, *, name="Dr A Example", role="Consultant neurologist", date=DAY, checked=True, note=""):
    """A record as the sheet exports it: every string double-quoted (JSON is YAML)."""
    lines = [
        f"page: {json.dumps(REL)}",
        "reviewer:",
        f"  name: {json.dumps(name)}",
        f"  role: {json.dumps(role)}",
        f'date: "{date.isoformat()}"',
        "versions:",
    ]
    for version, sentences in current(document).items():
        lines.append(f"  {json.dumps(version)}:")
        for sentence in sentences:
            lines.append(f'    - fingerprint: "{sentence.fingerprint}"')
            if sentence.sources:
                lines.append("      sources:")
                for source in sentence.sources:
                    lines.append(f"        - key: {json.dumps(source.key)}")
                    lines.append(f"          checked: {'true' if checked else 'false'}")
                    lines.append(f"          note: {json.dumps(note)}")
    return "\n".join(lines) + "\n"


def parse(text, documents=None, today=TODAY):
    documents = documents if documents is not None else {REL: page_doc()}
    return review_records.parse(
        text, "reviews/page-2026-11-20.yaml", documents, ("patient", "professional", "outside-versions"), today
    )


def reviews_of(text, document=None):
    document = document or page_doc()
    record, problems = parse(text, {REL: document})
    assert problems == []
    return review_records.page_reviews([record], {REL: document}, {REL: citations.find(document)})[REL]


def test_every_sentence_of_every_version_is_fingerprinted_cited_or_not():
    versions = current(page_doc())
    assert set(versions) == {"patient", "professional", "outside-versions"}
    texts = [s.text for s in versions["patient"]]
    assert texts == ["Short answer", "IVIG can help for a few weeks.", "Nothing else is cited."]
    assert [s.keys for s in versions["patient"]] == [(), ("bain1996effects",), ()]
    assert versions["outside-versions"][0].text == "A page"
    # sha256 of the normalised text: white space and Unicode composition do not count.
    assert review_sheet.fingerprint("Caf\u00e9  au lait ") == review_sheet.fingerprint("Cafe\u0301 au lait")
    assert review_sheet.fingerprint("A.") != review_sheet.fingerprint("B.")


def test_a_complete_record_of_the_current_text_is_a_clinical_review():
    found = reviews_of(record_text(page_doc()))
    assert found.status == REVIEWED and found.record.reviewer == "Dr A Example, Consultant neurologist"
    values = review.status_values({"review_status": "submitted"}, found)
    assert values["status_label"] == "Clinically reviewed" and values["last_reviewed"] == DAY
    assert values["next_review_label"] == "Next review due"
    data = review.page_schema(title="T", url=None, meta={}, audiences=[], reviewed=found)
    assert data["lastReviewed"] == "2026-11-20"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr A Example, Consultant neurologist"}


def test_a_record_with_one_pair_unticked_is_no_review():
    found = reviews_of(record_text(page_doc(), checked=False))
    assert found.status is None and found.record is None and found.latest is not None
    values = review.status_values({"review_status": "under-review"}, found)
    assert values["status"] == "under-review" and values["last_reviewed"] is None
    assert values["next_review_label"] == "First clinical review due"
    assert "lastReviewed" not in review.page_schema(title="T", url=None, meta={}, audiences=[], reviewed=found)


def test_changed_text_after_the_record_is_updated_since_review_and_marked():
    text = record_text(page_doc())
    edited = page_doc(PAGE.replace("for a few weeks", "for a few months").replace("Nothing else", "Nothing more"))
    found = reviews_of(text, edited)
    assert found.status == UPDATED
    values = review.status_values({}, found)
    assert values["status_label"] == "Updated since its clinical review" and values["last_reviewed"] == DAY
    assert "lastReviewed" not in review.page_schema(title="T", url=None, meta={}, audiences=[], reviewed=found)
    marks = review_records.changes(found.latest, "patient", current(edited)["patient"])
    assert marks == [None, "changed", "changed"]
    assert review_records.changes(found.latest, "professional", current(edited)["professional"]) == [None, None]
    # A sentence added to a paragraph is new; a changed source makes the sentence changed.
    added = page_doc(PAGE.replace("Nothing else is cited.", "Nothing else is cited. Ask your team."))
    assert review_records.changes(found.latest, "patient", current(added)["patient"]) == [None, None, None, "new"]
    recited = page_doc(PAGE.replace("nine people [@bain1996effects]", "nine people [@keogh2011treatment]"))
    assert review_records.changes(found.latest, "professional", current(recited)["professional"]) == [None, "changed"]
    assert not review_records.covers(found.latest, current(recited))
    # A removed sentence is a change too.
    removed = page_doc(PAGE.replace(" Nothing else is cited.", ""))
    assert reviews_of(text, removed).status == UPDATED


def test_malformed_records_are_refused_with_path_and_line():
    text = """\
page: docs/nothing.md
reviewer:
  name: "<script>alert(1)</script>"
  role: ""
date: 2099-01-01
signed: yes
versions:
  patient:
    - fingerprint: "abc"
    - fingerprint: "%s"
      sources:
        - key: "bain1996effects"
          checked: yes
          note: 3
  parents: []
""" % ("0" * 64)
    record, problems = parse(text)
    assert record is None
    assert [str(p) for p in problems] == [
        "reviews/page-2026-11-20.yaml:6: review record: the record: unknown key 'signed'; expected page, reviewer, date, commit, versions",
        "reviews/page-2026-11-20.yaml:1: review record: 'page': expected a page of the site such as docs/treatment/ivig.md; got 'docs/nothing.md'",
        "reviews/page-2026-11-20.yaml:3: review record: 'reviewer.name': expected plain text on one line, 1 to 120 characters, without '<', '>' or control characters; got '<script>alert(1)</script>'",
        "reviews/page-2026-11-20.yaml:4: review record: 'reviewer.role': expected plain text on one line, 1 to 120 characters, without '<', '>' or control characters; got ''",
        "reviews/page-2026-11-20.yaml:5: review record: 'date': 2099-01-01 is in the future (today is 2026-11-22): give the day of the review",
        "reviews/page-2026-11-20.yaml:15: review record: 'versions': unknown key 'parents' (did you mean 'patient'?)",
        "reviews/page-2026-11-20.yaml:9: review record: 'fingerprint': expected 64 lowercase hexadecimal digits (sha256); got 'abc'",
        "reviews/page-2026-11-20.yaml:13: review record: 'checked': expected true or false; got 'yes'",
        "reviews/page-2026-11-20.yaml:14: review record: 'note': expected text; got '3'",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "page: [unclosed\n",
            "reviews/page-2026-11-20.yaml:2: review record is not valid YAML: expected ',' or ']', but got '<stream end>'",
        ),
        (
            "- a list\n",
            "reviews/page-2026-11-20.yaml:1: review record: the record: expected a mapping of keys to values",
        ),
        (
            "page: &a docs/page.md\nreviewer: *a\n",
            "reviews/page-2026-11-20.yaml:1: review record uses a YAML anchor or alias: write every value out",
        ),
        (
            "page: !!python/object:os.system docs/page.md\n",
            "reviews/page-2026-11-20.yaml:1: review record: 'page': expected text; got 'docs/page.md'",
        ),
        (
            "date: 2026-02-30\n",
            "reviews/page-2026-11-20.yaml:1: review record: 'date': expected an ISO date (YYYY-MM-DD); got '2026-02-30'",
        ),
        (
            "date: 20/11/2026\n",
            "reviews/page-2026-11-20.yaml:1: review record: 'date': expected an ISO date (YYYY-MM-DD); got '20/11/2026'",
        ),
        (
            "reviewer: {name: Dr A, role: GP, email: a@b}\n",
            "reviews/page-2026-11-20.yaml:1: review record: 'reviewer': unknown key 'email'; expected name, role",
        ),
        (
            'reviewer: {name: "Dr\\nA", role: GP}\n',
            "reviews/page-2026-11-20.yaml:1: review record: 'reviewer.name': expected plain text on one line, 1 to 120 characters, without '<', '>' or control characters; got 'Dr\\nA'",
        ),
    ],
)
def test_each_malformed_value_is_named(text, message):
    record, problems = parse(text)
    assert record is None
    assert message in [str(p) for p in problems]


def test_a_record_missing_its_keys_names_each():
    record, problems = parse("commit: abc\n")
    assert record is None
    assert [str(p) for p in problems] == [
        f"reviews/page-2026-11-20.yaml:1: review record: the record: missing '{key}'"
        for key in ("page", "reviewer", "date", "versions")
    ]


def test_the_folder_accepts_only_record_files(tmp_path):
    reviews = tmp_path / "reviews"
    (reviews / "sub").mkdir(parents=True)
    (reviews / "README.md").write_text("What this folder holds.\n")
    (reviews / "notes.txt").write_text("x\n")
    (reviews / "bad.yaml").write_bytes(b"\xff\xfe")
    (reviews / "good.yaml").write_text(record_text(page_doc()))
    os.symlink(reviews / "good.yaml", reviews / "link.yaml")
    records, problems = review_records.load(str(tmp_path), {REL: page_doc()}, ("patient", "professional"), TODAY)
    assert [r.path for r in records] == ["reviews/good.yaml"]
    assert [str(p) for p in problems] == [
        "reviews/sub:1: folder inside reviews/: expected records directly in reviews/",
        "reviews/bad.yaml:1: review record is not UTF-8 text: export it again from the reviewer's sheet",
        "reviews/link.yaml:1: not a review record: expected a '.yaml' file (not a link) exported from the reviewer's sheet (make review PAGE=...)",
        "reviews/notes.txt:1: not a review record: expected a '.yaml' file (not a link) exported from the reviewer's sheet (make review PAGE=...)",
    ]


def test_the_build_checks_records_and_a_reviewed_pages_next_review(tmp_path):
    from helpers import GOOD_ENTRY, settings_for

    settings = settings_for(tmp_path, GOOD_ENTRY, {"page.md": PAGE.replace("[@keogh2011treatment]", "")})
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "page.yaml").write_text(record_text(page_doc(), date=_dt.date(2027, 2, 22)))
    (tmp_path / "reviews" / "broken.yaml").write_text(
        "page: docs/page.md\nreviewer: {name: A, role: B}\ndate: 2026-11-01\nversions: []\n"
    )
    report = run_source_checks(settings, today=_dt.date(2027, 3, 1))
    messages = [str(p) for p in report.problems]
    assert "reviews/broken.yaml:4: review record: 'versions': expected a mapping of keys to values" in messages
    assert (
        "docs/page.md:4: front matter 'next_review' (2027-02-22) must be after the clinical review of 2027-02-22 "
        "(reviews/page.yaml): set the date of the next review"
    ) in messages
    assert report.reviews["docs/page.md"].status == REVIEWED


HOSTILE = "<script>alert(1)</script>"


def test_hostile_record_values_are_shown_as_text():
    # Validation refuses markup in a name; the templates escape it all the same.
    record = review_records.Record("reviews/x.yaml", REL, HOSTILE, f"role {HOSTILE}", DAY, {})
    found = review_records.PageReview(status=REVIEWED, record=record, latest=record)
    env = Environment(loader=FileSystemLoader(os.path.join(ROOT, "overrides")), autoescape=True)
    values = {**review.status_values({}, found), "policy_url": "", "care_team_audience": "patient"}
    html = env.get_template("partials/lems/page-status.html").render(review=values)
    assert "<script>" not in html
    assert "by &lt;script&gt;alert(1)&lt;/script&gt;, role &lt;script&gt;alert(1)&lt;/script&gt;." in html
    schema = review.page_schema(title="T", url=None, meta={}, audiences=[], reviewed=found)
    ld = env.get_template("partials/lems/json-ld.html").render(lems={"page": {"schema": schema}})
    assert "<script>alert" not in ld and "\\u003cscript\\u003e" in ld


def test_the_sheet_keeps_an_unchanged_ticks_and_shows_a_hostile_note_as_text(tmp_path):
    from helpers import GOOD_ENTRY, settings_for

    settings = settings_for(tmp_path, GOOD_ENTRY, {"page.md": PAGE})
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "page.yaml").write_text(record_text(page_doc(), note=f"note {HOSTILE}"))
    report = run_source_checks(settings, today=TODAY)
    html = review_sheet.build(report, REL, audiences={"patient": "P", "professional": "H"}, generated=TODAY)
    assert html.count("<script") == 1  # the sheet's own
    assert html.count(">note &lt;script&gt;alert(1)&lt;/script&gt;</textarea>") == 2
    assert html.count(" checked>") == 2
    assert "0 sentences new and 0 changed since it" in html
