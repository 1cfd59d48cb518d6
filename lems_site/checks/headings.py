"""Stable section anchors: an explicit id on every section heading, once per page.

Professionals link to sections, so every section heading carries an explicit id
(`## Dosing {#ivig-dosing}`) that survives rewording.
"""

from __future__ import annotations

import re

from lems_site.problems import Problem
from lems_site.sources import Document

SECTION_HEADING = re.compile(r"^(?P<hashes>#{2,6})\s+(?P<text>.+?)\s*$")
EXPLICIT_ID = re.compile(r"\{[^}]*#(?P<id>[A-Za-z][\w-]*)[^}]*\}\s*$")


def check(doc: Document) -> list[Problem]:
    """Each section heading of the page without an explicit id, or with an id used before."""
    problems, seen = [], {}
    for number, text in doc.lines:
        if doc.is_code(number):
            continue
        heading = SECTION_HEADING.match(text)
        if not heading:
            continue
        found = EXPLICIT_ID.search(heading.group("text"))
        if not found:
            title = heading.group("text").strip()
            problems.append(
                Problem(
                    doc.rel,
                    number,
                    f"heading '{title}' has no explicit id: "
                    f"add one such as {{#{_suggest(doc, title)}}} so links to it survive rewording",
                )
            )
            continue
        anchor = found.group("id")
        if anchor in seen:
            problems.append(
                Problem(
                    doc.rel,
                    number,
                    f"heading id '#{anchor}' is already used at line {seen[anchor]}: ids must be unique on a page",
                )
            )
        else:
            seen[anchor] = number
    return problems


def _suggest(doc: Document, title: str) -> str:
    page = doc.rel.rsplit("/", 1)[-1].removesuffix(".md")
    words = re.findall(r"[a-z0-9]+", title.lower())[:4]
    return "-".join([page if page != "index" else "home", *words])
