"""Small builders for unit tests: a Document from text, Settings for a temporary docs tree."""

from __future__ import annotations

import os
import textwrap

from lems_site import sources as document
from lems_site.config import Settings


def doc(text: str, rel: str = "docs/page.md"):
    return document.parse(path="/nonexistent/" + rel, rel=rel, text=textwrap.dedent(text).lstrip("\n"))


def settings_for(tmp_path, bibliography_text: str, pages: dict) -> Settings:
    docs = tmp_path / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "bibliography.yaml").write_text(textwrap.dedent(bibliography_text).lstrip("\n"))
    for name, text in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return Settings(
        root=str(tmp_path),
        docs_dir=str(docs),
        audiences=("patient", "professional"),
        bibliography_path=os.path.join(str(docs), "bibliography.yaml"),
        readability_audience="patient",
        max_grade=8.0,
    )


GOOD_ENTRY = """
references:
- id: bain1996effects
  type: article-journal
  title: Effects of intravenous immunoglobulin
  author:
    - {family: Bain, given: PG}
  container-title: Neurology
  issued: {date-parts: [[1996]]}
  PMID: "8797464"
  findings: A crossover trial of IVIG in nine people.
"""

FRONT_MATTER = """---
review_status: submitted
last_updated: 2026-11-22
next_review: 2027-02-22
---
"""
