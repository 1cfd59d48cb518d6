"""Review: front matter rules, and the values a page shows from them.

The rules: known keys, status, ISO dates, review cycle. The values: status box, schema.org
data, the "report a problem" address.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from urllib.parse import quote

from lems_site.problems import Problem
from lems_site.sources import Document, iso_date
from lems_site.vocabulary import DEFAULT_REVIEW_STATUS, REVIEW_STATUSES

ALLOWED_KEYS = {
    "title": "the page title (defaults to the first heading)",
    "description": "one sentence for search engines and link previews",
    "review_status": "submitted, under-review or approved",
    "last_updated": "ISO date of the last editorial change",
    "last_reviewed": "ISO date of the last clinical review (approved pages)",
    "next_review": "ISO date by which a clinician must review the page again",
    "reviewed_by": "the clinical reviewer's name and role (approved pages)",
    "bibliography": "'full' on the page that lists every reference",
    "hide": "Material's option to hide navigation, toc or footer",
    "search": "Material's search options for the page",
}
REQUIRED_KEYS = ("review_status", "last_updated", "next_review")


def check(doc: Document, today: _dt.date) -> list[Problem]:
    """Every front matter problem of one page."""
    if doc.front_matter_error:
        line, message = doc.front_matter_error
        return [Problem(doc.rel, line, message)]
    fm, lines = doc.front_matter, doc.front_matter_lines
    at = lambda key: lines.get(key, 1)  # noqa: E731
    problems = []

    for key in fm:
        if key not in ALLOWED_KEYS:
            guess = difflib.get_close_matches(str(key), list(ALLOWED_KEYS), n=1, cutoff=0.6)
            hint = f" (did you mean '{guess[0]}'?)" if guess else f"; expected one of {', '.join(ALLOWED_KEYS)}"
            problems.append(Problem(doc.rel, at(key), f"front matter: unknown key '{key}'{hint}"))
    for key in REQUIRED_KEYS:
        if key not in fm:
            problems.append(Problem(doc.rel, 1, f"front matter: missing '{key}' ({ALLOWED_KEYS[key]})"))

    status = fm.get("review_status")
    if "review_status" in fm and status not in REVIEW_STATUSES:
        problems.append(
            Problem(
                doc.rel,
                at("review_status"),
                f"front matter 'review_status': expected one of {', '.join(REVIEW_STATUSES)}; got '{status}'",
            )
        )

    dates = {}
    for key in ("last_updated", "last_reviewed", "next_review"):
        if key in fm:
            value = iso_date(fm[key])
            if value is None:
                problems.append(
                    Problem(
                        doc.rel, at(key), f"front matter '{key}': expected an ISO date (YYYY-MM-DD); got '{fm[key]}'"
                    )
                )
            else:
                dates[key] = value

    if "last_reviewed" in dates and "next_review" in dates and dates["next_review"] <= dates["last_reviewed"]:
        problems.append(
            Problem(
                doc.rel,
                at("next_review"),
                f"front matter 'next_review' ({dates['next_review']}) "
                f"must be after 'last_reviewed' ({dates['last_reviewed']})",
            )
        )

    if status == "approved":
        reviewer = fm.get("reviewed_by")
        if not (isinstance(reviewer, str) and reviewer.strip()):
            problems.append(
                Problem(
                    doc.rel,
                    at("review_status"),
                    "front matter: an approved page must name its clinical reviewer in 'reviewed_by'",
                )
            )
        if "last_reviewed" not in fm:
            problems.append(
                Problem(
                    doc.rel,
                    at("review_status"),
                    "front matter: an approved page needs 'last_reviewed', the date of its clinical review",
                )
            )

    if "bibliography" in fm and fm["bibliography"] != "full":
        problems.append(
            Problem(
                doc.rel, at("bibliography"), f"front matter 'bibliography': expected 'full'; got '{fm['bibliography']}'"
            )
        )

    due = dates.get("next_review")
    if due is not None and due < today:
        problems.append(
            Problem(
                doc.rel,
                at("next_review"),
                f"review overdue: 'next_review' was {due} ({(today - due).days} days ago); "
                "review the page and update its dates",
                "overdue",
            )
        )
    return problems


def status_values(meta: dict) -> dict:
    """What the review-status box shows: only a clinical review that happened is claimed."""
    status = meta.get("review_status", DEFAULT_REVIEW_STATUS)
    if status not in REVIEW_STATUSES:
        status = DEFAULT_REVIEW_STATUS
    reviewed = status == "approved" and iso_date(meta.get("last_reviewed"))
    reviewer = meta.get("reviewed_by") if reviewed else None
    return {
        "status": status,
        "status_label": REVIEW_STATUSES[status],
        "last_updated": iso_date(meta.get("last_updated")),
        "last_reviewed": reviewed or None,
        "next_review": iso_date(meta.get("next_review")),
        "reviewed_by": str(reviewer) if reviewer else None,
    }


def page_schema(*, title: str, url: str | None, meta: dict, audiences: list[dict]) -> dict:
    """schema.org MedicalWebPage data; reviewed only when an approved review names its reviewer."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": title,
        "url": url,
        "inLanguage": "en",
        "audience": [
            {"@type": "Patient"}
            if a["schema_audience"] == "Patient"
            else {"@type": "MedicalAudience", "audienceType": a["schema_audience"]}
            for a in audiences
        ],
    }
    if isinstance(meta.get("description"), str):
        data["description"] = meta["description"]
    values = status_values(meta)
    if values["last_updated"]:
        data["dateModified"] = values["last_updated"].isoformat()
    if values["last_reviewed"] and values["reviewed_by"]:
        data["lastReviewed"] = values["last_reviewed"].isoformat()
        data["reviewedBy"] = {"@type": "Person", "name": values["reviewed_by"]}
    return data


def report_url(repository: str, *, title: str, page_url: str, source: str) -> str:
    """A prefilled "report a problem" issue on the repository (no request until followed)."""
    if not repository:
        return ""
    return (
        f"{repository.rstrip('/')}/issues/new?template=page-problem.yml"
        f"&title={quote('Problem on page: ' + title, safe='')}&page={quote(page_url, safe='')}"
        f"&source={quote(source)}"
    )
