"""The abbreviations file (tooltips on every page) and the Glossary page must agree."""

from __future__ import annotations

import re

from lems_site.problems import Problem
from lems_site.sources import Document

ABBREVIATION = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:\s*(?P<expansion>.+?)\s*$")


def abbreviations(path: str, rel: str | None = None) -> list[tuple[int, str, str]]:
    """(line, abbreviation, expansion) for each `*[ABBR]: expansion` line.

    Raises checks.files.SourceError when the file is not readable UTF-8.
    """
    from lems_site.checks.files import read_utf8

    return [
        (number, m.group("abbr"), m.group("expansion"))
        for number, text in enumerate(read_utf8(path, rel or path).split("\n"), start=1)
        if (m := ABBREVIATION.match(text))
    ]


def glossary_terms(doc: Document) -> dict[str, str]:
    """Definition-list terms of the Glossary page -> the first line of their definition."""
    terms, previous = {}, None
    for _number, text in doc.lines:
        if text.startswith(": ") and previous and previous.strip():
            terms.setdefault(previous.strip(), text[2:].strip())
        previous = text
    return terms


def check(abbreviations_rel: str, entries: list, glossary: Document) -> list[Problem]:
    """Each abbreviation missing from the Glossary page, or defined there with another expansion."""
    terms = glossary_terms(glossary)
    problems = []
    for line, abbr, expansion in entries:
        definition = terms.get(abbr)
        if definition is None:
            problems.append(
                Problem(
                    abbreviations_rel,
                    line,
                    f"abbreviation '{abbr}' is not a term on the Glossary page ({glossary.rel}): "
                    "add it there with the same expansion",
                )
            )
        elif not definition.lower().startswith(expansion.lower()):
            problems.append(
                Problem(
                    abbreviations_rel,
                    line,
                    f"abbreviation '{abbr}': the Glossary ({glossary.rel}) defines it as '{definition[:60]}', "
                    f"expected it to start with '{expansion}'",
                )
            )
    return problems
