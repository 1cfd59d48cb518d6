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


def template_vocabulary() -> dict:
    """The words above, as handed to every template (`lems.vocabulary`)."""
    return {
        "review_statuses": REVIEW_STATUSES,
        "storage_key": STORAGE_KEY,
        "query_parameter": QUERY_PARAMETER,
        "search_index": SEARCH_INDEX,
    }
