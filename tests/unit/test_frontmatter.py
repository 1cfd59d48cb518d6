"""Front matter rules, each with its exact message."""

import datetime as _dt

from conftest import TODAY
from helpers import doc

from lems_site import review as frontmatter


def check(front, today=TODAY):
    return [str(p) for p in frontmatter.check(doc(f"---\n{front}---\n\n# Title\n"), today)]


GOOD = "review_status: submitted\nlast_updated: 2026-11-22\nnext_review: 2027-02-22\n"


def test_good_front_matter():
    assert check(GOOD) == []


def test_yaml_error_names_the_line_in_the_file():
    assert check(GOOD + "title: [unclosed\n") == [
        "docs/page.md:5: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_unknown_key_suggests_a_known_one():
    assert check(GOOD + "nxt_review: 2027-01-01\n") == [
        "docs/page.md:5: front matter: unknown key 'nxt_review' (did you mean 'next_review'?)"
    ]


def test_missing_keys():
    assert check("title: T\n") == [
        "docs/page.md:1: front matter: missing 'review_status' (submitted or under-review)",
        "docs/page.md:1: front matter: missing 'last_updated' (ISO date of the last editorial change)",
        "docs/page.md:1: front matter: missing 'next_review' (ISO date by which a clinician must review the page (again))",
    ]


def test_unknown_review_status():
    assert check(GOOD.replace("submitted", "aproved")) == [
        "docs/page.md:2: front matter 'review_status': expected one of submitted, under-review; got 'aproved'"
    ]


def test_dates_must_be_iso():
    assert check(GOOD.replace("2026-11-22", "22/11/2026")) == [
        "docs/page.md:3: front matter 'last_updated': expected an ISO date (YYYY-MM-DD); got '22/11/2026'"
    ]


def test_impossible_date():
    assert check(GOOD.replace("2027-02-22", "2027-02-30")) == [
        "docs/page.md:1: front matter has an impossible date: day is out of range for month"
    ]


RECORD = (
    "a page is shown as clinically reviewed only from a review record in reviews/ "
    "(make review PAGE=docs/page.md, Export review record, commit the file)"
)


def test_approval_typed_in_front_matter_is_refused():
    # A review is computed from a committed record, never typed: with or without a reviewer.
    assert check(
        GOOD.replace("submitted", "approved") + "reviewed_by: Dr A Example, neurologist\nlast_reviewed: 2026-11-20\n"
    ) == [
        f"docs/page.md:5: front matter 'reviewed_by' is refused: {RECORD}; remove the line",
        f"docs/page.md:6: front matter 'last_reviewed' is refused: {RECORD}; remove the line",
        f"docs/page.md:2: front matter 'review_status: approved' is refused: {RECORD}; set 'submitted' or 'under-review'",
    ]


def test_editor_set_statuses_pass():
    assert check(GOOD.replace("submitted", "under-review")) == []


def test_overdue_review_is_reported_with_its_own_severity():
    problems = frontmatter.check(doc(f"---\n{GOOD}---\n"), _dt.date(2027, 3, 1))
    assert [(str(p), p.severity) for p in problems] == [
        (
            "docs/page.md:4: review overdue: 'next_review' was 2027-02-22 (7 days ago); review the page and update its dates",
            "overdue",
        )
    ]


def test_unclosed_front_matter():
    assert [str(p) for p in frontmatter.check(doc("---\ntitle: T\n\n# T\n"), TODAY)] == [
        "docs/page.md:1: front matter opened with '---' is never closed"
    ]
