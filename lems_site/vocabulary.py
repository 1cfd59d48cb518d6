"""The site's shared words, defined once.

Templates, the audience script, the scaffold and the checks all read them from here
(templates and JavaScript through the page context).
"""

from __future__ import annotations

# Review statuses, in workflow order, with the label readers see.
REVIEW_STATUSES = {
    "submitted": "Submitted, awaiting review",
    "under-review": "Under review",
    "approved": "Approved",
}
DEFAULT_REVIEW_STATUS = "submitted"

# schema.org audience types a version may declare (MedicalWebPage.audience).
SCHEMA_AUDIENCES = ("Patient", "Clinician", "MedicalResearcher")

# Where the reader's choice of version is kept in their browser (localStorage).
STORAGE_KEY = "lems.audience"
# The address parameter that links to one version: ?audience=professional
QUERY_PARAMETER = "audience"
# The Markdown block that holds one version: /// audience | patient
BLOCK_NAME = "audience"

# The sentences scripts/new_page.py writes into each version of a new page. The source checks
# (checks/unfinished.py) refuse a page that still holds any of them, so none is published.
PLACEHOLDER_OPENING = "Write the version for {version_name} here."
PLACEHOLDER_ADVICE = {
    "professional": ("Cite every clinical statement.",),
    # Every other audience, the patient one included.
    None: ("Use short sentences and everyday words.", "Explain each medical word the first time you use it."),
}

# A reference whose details are still being checked: what the plain-language version says,
# and the word before the fields still unconfirmed in the others ("Unconfirmed: journal, year").
REFERENCE_BEING_CHECKED = "Some details of this source are still being checked."
UNCONFIRMED_LABEL = "Unconfirmed"


def template_vocabulary() -> dict:
    """The words above, as handed to every template (`lems.vocabulary`)."""
    return {
        "review_statuses": REVIEW_STATUSES,
        "storage_key": STORAGE_KEY,
        "query_parameter": QUERY_PARAMETER,
        "reference_being_checked": REFERENCE_BEING_CHECKED,
        "unconfirmed_label": UNCONFIRMED_LABEL,
    }
