"""Mermaid diagrams must be accessible: a title, a description and a text alternative beside them."""

from __future__ import annotations

import re

from lems_site.problems import Problem
from lems_site.sources import Document

ACC_TITLE = re.compile(r"^\s*accTitle\s*:\s*\S")
ACC_DESCR = re.compile(r"^\s*accDescr\s*(?::\s*\S|\{)")
# A text alternative: an ordered list item or a table row, before the next heading or fence.
ALTERNATIVE = re.compile(r"^\s*(?:\d+\.\s+\S|\|)")
STOP = re.compile(r"^\s*(?:#{1,6}\s|`{3,}|~{3,}|/{3,}\s*$)")
LOOKAHEAD_LINES = 12


def check(doc: Document) -> list[Problem]:
    """Each Mermaid diagram of the page without a title, a description or a text alternative."""
    problems = []
    body = dict(doc.lines)
    last_line = doc.lines[-1][0] if doc.lines else 0
    for fence in doc.fences:
        if fence.lang != "mermaid":
            continue
        texts = [t for _, t in fence.lines]
        if not any(ACC_TITLE.match(t) for t in texts):
            problems.append(
                Problem(
                    doc.rel,
                    fence.start,
                    "Mermaid diagram without 'accTitle: ...': give it a short title for screen readers",
                )
            )
        if not any(ACC_DESCR.match(t) for t in texts):
            problems.append(
                Problem(
                    doc.rel,
                    fence.start,
                    "Mermaid diagram without 'accDescr: ...': describe what it shows for screen readers",
                )
            )
        if not _has_alternative(body, fence.end + 1, last_line):
            problems.append(
                Problem(
                    doc.rel,
                    fence.start,
                    "Mermaid diagram without a text alternative: "
                    "follow it with an ordered list or a table giving the same steps",
                )
            )
    return problems


def _has_alternative(body: dict, start: int, last_line: int) -> bool:
    for number in range(start, min(start + LOOKAHEAD_LINES, last_line + 1)):
        text = body.get(number, "")
        if STOP.match(text):
            return False
        if ALTERNATIVE.match(text):
            return True
    return False
