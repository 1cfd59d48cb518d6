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
    assert check(GOOD + "reviewd_by: Dr A\n") == [
        "docs/page.md:5: front matter: unknown key 'reviewd_by' (did you mean 'reviewed_by'?)"
    ]


def test_missing_keys():
    assert check("title: T\n") == [
        "docs/page.md:1: front matter: missing 'review_status' (submitted, under-review or approved)",
        "docs/page.md:1: front matter: missing 'last_updated' (ISO date of the last editorial change)",
        "docs/page.md:1: front matter: missing 'next_review' (ISO date by which a clinician must review the page again)",
    ]


def test_unknown_review_status():
    assert check(GOOD.replace("submitted", "aproved")) == [
        "docs/page.md:2: front matter 'review_status': expected one of submitted, under-review, approved; got 'aproved'"
    ]


def test_dates_must_be_iso():
    assert check(GOOD.replace("2026-11-22", "22/11/2026")) == [
        "docs/page.md:3: front matter 'last_updated': expected an ISO date (YYYY-MM-DD); got '22/11/2026'"
    ]


def test_impossible_date():
    assert check(GOOD.replace("2027-02-22", "2027-02-30")) == [
        "docs/page.md:1: front matter has an impossible date: day is out of range for month"
    ]


def test_next_review_must_follow_last_reviewed():
    assert check(
        GOOD.replace("2027-02-22", "2026-01-01") + "last_reviewed: 2026-06-01\n", today=_dt.date(2025, 1, 1)
    ) == ["docs/page.md:4: front matter 'next_review' (2026-01-01) must be after 'last_reviewed' (2026-06-01)"]


def test_approved_page_needs_a_reviewer_and_a_review_date():
    assert check(GOOD.replace("submitted", "approved")) == [
        "docs/page.md:2: front matter: an approved page must name its clinical reviewer in 'reviewed_by'",
        "docs/page.md:2: front matter: an approved page needs 'last_reviewed', the date of its clinical review",
    ]


def test_approved_page_with_reviewer_passes():
    assert (
        check(
            GOOD.replace("submitted", "approved")
            + "reviewed_by: Dr A Example, neurologist\nlast_reviewed: 2026-11-20\n"
        )
        == []
    )


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
