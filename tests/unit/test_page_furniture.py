"""schema.org JSON-LD: the audiences a page serves, and a review only where one happened."""

import datetime as _dt
import json
from types import SimpleNamespace

import page_furniture
from sitekit import state
from sitekit.settings import load_site_config

EXTRA = {"audiences": [
    {"id": "patient", "label": "Patient or family member", "block_label": "For patients and families", "schema_audience": "Patient"},
    {"id": "professional", "label": "Healthcare professional", "block_label": "For healthcare professionals", "schema_audience": "Clinician"},
]}


def json_ld(meta, present=("patient", "professional")):
    page = SimpleNamespace(title="IVIG", canonical_url="https://example.org/ivig/", meta=meta, audiences_present=list(present))
    state.site = load_site_config(EXTRA)  # as the audience hook does in on_config
    html = page_furniture._json_ld(page, _Config(EXTRA))
    assert html.startswith('<script type="application/ld+json">') and html.endswith("</script>")
    return json.loads(html[len('<script type="application/ld+json">'):-len("</script>")])


class _Config(dict):
    config_file_path = "mkdocs.yml"

    def __init__(self, extra):
        super().__init__(extra=extra)


SUBMITTED = {"review_status": "submitted", "last_updated": _dt.date(2026, 11, 22), "next_review": _dt.date(2027, 2, 22), "description": "D"}


def test_a_submitted_page_claims_no_review():
    data = json_ld(SUBMITTED)
    assert data == {
        "@context": "https://schema.org", "@type": "MedicalWebPage", "name": "IVIG", "url": "https://example.org/ivig/",
        "inLanguage": "en", "audience": [{"@type": "Patient"}, {"@type": "MedicalAudience", "audienceType": "Clinician"}],
        "description": "D", "dateModified": "2026-11-22",
    }


def test_an_approved_page_names_its_reviewer_and_date():
    data = json_ld({**SUBMITTED, "review_status": "approved", "reviewed_by": "Dr A Example, neurologist", "last_reviewed": _dt.date(2026, 11, 20)})
    assert data["lastReviewed"] == "2026-11-20"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr A Example, neurologist"}


def test_a_page_for_one_audience_names_only_that_one():
    assert json_ld(SUBMITTED, present=("professional",))["audience"] == [{"@type": "MedicalAudience", "audienceType": "Clinician"}]
