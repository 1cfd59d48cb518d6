"""The site's shared words, defined once.

Templates, the audience script, the scaffold and the checks all read them from here
(templates and JavaScript through the page context).
"""

from __future__ import annotations

# Review statuses an editor sets in front matter (`review_status`), in workflow order, with the
# label readers see. A clinical review is never typed: it is computed from a review record.
REVIEW_STATUSES = {
    "submitted": "Submitted, awaiting review",
    "under-review": "Under review",
}
DEFAULT_REVIEW_STATUS = "submitted"
# Statuses computed from the review records under REVIEWS_DIR (lems_site/review_records.py).
REVIEWED = "reviewed"  # a record covers every sentence of every version, every pair ticked
UPDATED = "updated"  # reviewed text changed after the latest complete record
COMPUTED_STATUSES = {
    REVIEWED: "Clinically reviewed",
    UPDATED: "Updated since its clinical review",
}
# The status box's name for the `next_review` date: a page never reviewed awaits its first one.
NEXT_REVIEW_LABELS = {
    "reviewed": "Next review due",
    "never": "First clinical review due",
}
# Front matter keys that once claimed a review by hand; now refused (the record says it).
TYPED_REVIEW_KEYS = ("reviewed_by", "last_reviewed")
# The top-level folder of committed review records, one YAML file per review of a page.
REVIEWS_DIR = "reviews"
# The sheet's marks of a sentence against the latest record for its page.
CHANGE_LABELS = {
    "new": "New since review",
    "changed": "Changed since review",
}

# schema.org audience types a version may declare (MedicalWebPage.audience).
SCHEMA_AUDIENCES = ("Patient", "Clinician", "MedicalResearcher")

# Where the reader's choice of version is kept in their browser (localStorage).
STORAGE_KEY = "lems.audience"
# The address parameter that links to one version: ?audience=professional
QUERY_PARAMETER = "audience"
# The Markdown block that holds one version: /// audience | patient
BLOCK_NAME = "audience"
# Where each version's search index is published in the site (lems_site/search.py), as
# search-on-demand.js asks for it.
SEARCH_INDEX = "search/search_index.{audience}.json"

# The sentences scripts/new_page.py writes into each version of a new page. The source checks
# (checks/unfinished.py) refuse a page that still holds any of them, so none is published.
PLACEHOLDER_OPENING = "Write the version for {version_name} here."
PLACEHOLDER_ADVICE = {
    "professional": ("Cite every clinical statement.",),
    # Every other audience, the patient one included.
    None: ("Use short sentences and everyday words.", "Explain each medical word the first time you use it."),
}
# ... and into the urgent-help callout of a page that must have one: refused the same way.
PLACEHOLDER_URGENT = (
    "Write the warning signs that need an ambulance here, as this page's sources give them.",
    "Say why they are urgent, and cite this page's sources.",
)
# The Markdown block that holds a page's urgent-help callout, shown in every version:
# /// urgent | Call 999 (UK), 112 (EU) or 911 (US) now if
URGENT_BLOCK_NAME = "urgent"

# A reference whose details are still being checked: what the plain-language version says,
# and the word before the fields still unconfirmed in the others ("Unconfirmed: journal, year").
REFERENCE_BEING_CHECKED = "Some details of this source are still being checked."
UNCONFIRMED_LABEL = "Unconfirmed"


def template_vocabulary() -> dict:
    """The words above, as handed to every template (`lems.vocabulary`)."""
    return {
        "review_statuses": {**REVIEW_STATUSES, **COMPUTED_STATUSES},
        "storage_key": STORAGE_KEY,
        "query_parameter": QUERY_PARAMETER,
        "search_index": SEARCH_INDEX,
        "reference_being_checked": REFERENCE_BEING_CHECKED,
        "unconfirmed_label": UNCONFIRMED_LABEL,
    }
