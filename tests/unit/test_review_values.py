"""schema.org JSON-LD: the audiences a page serves, and a review only where one happened."""

import datetime as _dt

from lems_site import review

AUDIENCES = [
    {"id": "patient", "schema_audience": "Patient"},
    {"id": "professional", "schema_audience": "Clinician"},
]
SUBMITTED = {
    "review_status": "submitted",
    "last_updated": _dt.date(2026, 11, 22),
    "next_review": _dt.date(2027, 2, 22),
    "description": "D",
}


def schema(meta, audiences=AUDIENCES):
    return review.page_schema(title="IVIG", url="https://example.org/ivig/", meta=meta, audiences=audiences)


def test_a_submitted_page_claims_no_review():
    assert schema(SUBMITTED) == {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": "IVIG",
        "url": "https://example.org/ivig/",
        "inLanguage": "en",
        "audience": [{"@type": "Patient"}, {"@type": "MedicalAudience", "audienceType": "Clinician"}],
        "description": "D",
        "dateModified": "2026-11-22",
    }


def test_front_matter_cannot_claim_a_review_without_a_record():
    data = schema(
        {
            **SUBMITTED,
            "review_status": "approved",
            "reviewed_by": "Dr A Example, neurologist",
            "last_reviewed": _dt.date(2026, 11, 20),
        }
    )
    assert "lastReviewed" not in data and "reviewedBy" not in data


def test_a_page_for_one_audience_names_only_that_one():
    assert schema(SUBMITTED, audiences=AUDIENCES[1:])["audience"] == [
        {"@type": "MedicalAudience", "audienceType": "Clinician"}
    ]


def test_the_status_box_shows_no_review_from_front_matter():
    values = review.status_values(
        {**SUBMITTED, "review_status": "approved", "reviewed_by": "Dr A", "last_reviewed": _dt.date(2026, 11, 20)}
    )
    assert values["status_label"] == "Submitted, awaiting review"
    assert values["last_reviewed"] is None and values["reviewed_by"] is None
    # Never reviewed: the date is of a first review to come, not of a "next" one.
    assert values["next_review_label"] == "First clinical review due"


def test_the_report_link_quotes_every_value():
    url = review.report_url(
        "https://github.com/o/r", title='A "quoted" <title>', page_url="https://e.org/p/?a=1&b=2", source="p.md"
    )
    assert url == (
        "https://github.com/o/r/issues/new?template=page-problem.yml"
        "&title=Problem%20on%20page%3A%20A%20%22quoted%22%20%3Ctitle%3E&page=https%3A%2F%2Fe.org%2Fp%2F%3Fa%3D1%26b%3D2&source=p.md"
    )
