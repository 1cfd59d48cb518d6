"""Review: front matter rules, and the values a page shows from them.

The rules: known keys, status, ISO dates, review cycle. The values: status box, schema.org
data, the "report a problem" address. A clinical review is never read from front matter: it is
computed from the committed review records (review_records.py) and handed in as `reviewed`.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from urllib.parse import quote

from lems_site.problems import Problem
from lems_site.sources import Document, iso_date
from lems_site.vocabulary import (
    COMPUTED_STATUSES,
    DEFAULT_REVIEW_STATUS,
    NEXT_REVIEW_LABELS,
    REVIEW_STATUSES,
    REVIEWED,
    REVIEWS_DIR,
    TYPED_REVIEW_KEYS,
    UPDATED,
)

ALLOWED_KEYS = {
    "title": "the page title (defaults to the first heading)",
    "description": "one sentence for search engines and link previews",
    "review_status": "submitted or under-review",
    "last_updated": "ISO date of the last editorial change",
    "next_review": "ISO date by which a clinician must review the page (again)",
    "bibliography": "'full' on the page that lists every reference",
    "hide": "Material's option to hide navigation, toc or footer",
    "search": "Material's search options for the page",
}
REQUIRED_KEYS = ("review_status", "last_updated", "next_review")
# Why a typed claim of review is refused, and what to do instead.
RECORD_HINT = (
    "a page is shown as clinically reviewed only from a review record in "
    f"{REVIEWS_DIR}/ (make review PAGE={{page}}, Export review record, commit the file)"
)


def check(doc: Document, today: _dt.date) -> list[Problem]:
    """Every front matter problem of one page."""
    if doc.front_matter_error:
        line, message = doc.front_matter_error
        return [Problem(doc.rel, line, message)]
    fm, lines = doc.front_matter, doc.front_matter_lines
    at = lambda key: lines.get(key, 1)  # noqa: E731
    problems = []

    for key in fm:
        if key in TYPED_REVIEW_KEYS:
            hint = RECORD_HINT.format(page=doc.rel)
            problems.append(Problem(doc.rel, at(key), f"front matter '{key}' is refused: {hint}; remove the line"))
        elif key not in ALLOWED_KEYS:
            guess = difflib.get_close_matches(str(key), [*ALLOWED_KEYS, *TYPED_REVIEW_KEYS], n=1, cutoff=0.6)
            if guess and guess[0] in TYPED_REVIEW_KEYS:
                hint = f"; a review is never typed: {RECORD_HINT.format(page=doc.rel)}; remove the line"
            elif guess:
                hint = f" (did you mean '{guess[0]}'?)"
            else:
                hint = f"; expected one of {', '.join(ALLOWED_KEYS)}"
            problems.append(Problem(doc.rel, at(key), f"front matter: unknown key '{key}'{hint}"))
    for key in REQUIRED_KEYS:
        if key not in fm:
            problems.append(Problem(doc.rel, 1, f"front matter: missing '{key}' ({ALLOWED_KEYS[key]})"))

    status = fm.get("review_status")
    if status == "approved":
        problems.append(
            Problem(
                doc.rel,
                at("review_status"),
                f"front matter 'review_status: approved' is refused: {RECORD_HINT.format(page=doc.rel)}; "
                "set 'submitted' or 'under-review'",
            )
        )
    elif "review_status" in fm and status not in REVIEW_STATUSES:
        problems.append(
            Problem(
                doc.rel,
                at("review_status"),
                f"front matter 'review_status': expected one of {', '.join(REVIEW_STATUSES)}; got '{status}'",
            )
        )

    dates = {}
    for key in ("last_updated", "next_review"):
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


def status_values(meta: dict, reviewed=None) -> dict:
    """What the review-status box shows: a clinical review only from a record that covers the page.

    `reviewed` is the page's review_records.PageReview, or None when no record names the page.
    """
    status = meta.get("review_status", DEFAULT_REVIEW_STATUS)
    if status not in REVIEW_STATUSES:
        status = DEFAULT_REVIEW_STATUS
    record = reviewed.record if reviewed is not None and reviewed.status in (REVIEWED, UPDATED) else None
    if record is not None:
        status = reviewed.status
    return {
        "status": status,
        "status_label": COMPUTED_STATUSES.get(status) or REVIEW_STATUSES[status],
        "reviewed": status == REVIEWED,
        "updated": status == UPDATED,
        "last_updated": iso_date(meta.get("last_updated")),
        "last_reviewed": record.date if record else None,
        "reviewed_by": record.reviewer if record else None,
        "next_review": iso_date(meta.get("next_review")),
        # A page never reviewed has a first review to come, not a "next" one.
        "next_review_label": NEXT_REVIEW_LABELS["reviewed" if record else "never"],
    }


def page_schema(*, title: str, url: str | None, meta: dict, audiences: list[dict], reviewed=None) -> dict:
    """schema.org MedicalWebPage data; reviewed only while a record covers the page's text."""
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
    values = status_values(meta, reviewed)
    if values["last_updated"]:
        data["dateModified"] = values["last_updated"].isoformat()
    if values["reviewed"]:
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
