"""A Markdown source file seen line by line: front matter, code fences and `///` blocks.

Every check works on source line numbers (1-based, counted in the file on disk), because
MkDocs strips the front matter before hooks see the Markdown.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

import yaml

FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
BLOCK_OPEN = re.compile(r"^\s*(?P<slashes>/{3,})\s*(?P<name>[A-Za-z][\w-]*)\s*(?:\|\s*(?P<arg>.*?))?\s*$")
BLOCK_CLOSE = re.compile(r"^\s*(?P<slashes>/{3,})\s*$")
# Inline code on one line (`x`, ``x``): never a citation, a link or markup.
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*(?:\{[^}]*\})?\s*#*\s*$")


@dataclass
class Block:
    """One `///` block of a page: its name, its argument and the lines that open and close it."""

    name: str
    argument: str
    start: int  # line of the opening `///`
    end: int | None = None  # line of the closing `///`


@dataclass
class Fence:
    """One fenced code block of a page: its language, its lines and their content."""

    lang: str
    start: int
    end: int  # line of the closing fence (or the last line when never closed)
    lines: list  # (line number, text) of the content


@dataclass
class Document:
    """One Markdown page as the checks read it, every line under its number in the source file."""

    path: str  # absolute
    rel: str  # relative to the repository root, for messages
    text: str
    front_matter: dict = field(default_factory=dict)
    front_matter_lines: dict = field(default_factory=dict)  # key -> line
    front_matter_error: tuple | None = None  # (line, message)
    body_start: int = 1  # line number of the first line after the front matter
    lines: list = field(default_factory=list)  # (line number, text) of the body
    fences: list = field(default_factory=list)
    blocks: list = field(default_factory=list)
    block_problems: list = field(default_factory=list)  # (line, message)
    _code_lines: set = field(default_factory=set)
    _audience_of_line: dict = field(default_factory=dict)

    def is_code(self, line: int) -> bool:
        """Whether the line belongs to a code fence (its fence lines included)."""
        return line in self._code_lines

    def audience_at(self, line: int) -> str | None:
        """The audience of the innermost audience block holding the line, or None outside one."""
        return self._audience_of_line.get(line)

    def audience_blocks(self) -> list[Block]:
        """The page's audience blocks, in source order."""
        return [b for b in self.blocks if b.name == "audience"]


def parse(path: str, rel: str, text: str | None = None) -> Document:
    """The Document of one page; raises checks.files.SourceError when it is not readable UTF-8."""
    if text is None:
        from lems_site.checks.files import read_utf8

        text = read_utf8(path, rel)
    doc = Document(path=path, rel=rel, text=text)
    all_lines = text.split("\n")
    body_index = _read_front_matter(doc, all_lines)
    doc.body_start = body_index + 1
    doc.lines = [(i + 1, all_lines[i]) for i in range(body_index, len(all_lines))]
    _scan_structure(doc)
    return doc


def _read_front_matter(doc: Document, lines: list[str]) -> int:
    """Parse YAML front matter ourselves: MkDocs silently drops a front matter it cannot parse."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            source = "\n".join(lines[1:index])
            try:
                loaded = yaml.compose(source, Loader=yaml.SafeLoader)
                data = yaml.safe_load(source) if loaded is not None else {}
            except yaml.YAMLError as err:
                mark = getattr(err, "problem_mark", None)
                line = (mark.line + 2) if mark else 1
                reason = getattr(err, "problem", None) or str(err)
                doc.front_matter_error = (line, f"front matter is not valid YAML: {reason}")
                return index + 1
            except ValueError as err:  # e.g. 2026-02-30 matches YAML's date form but is no date
                doc.front_matter_error = (1, f"front matter has an impossible date: {err}")
                return index + 1
            if data is None:
                data = {}
            if not isinstance(data, dict):
                doc.front_matter_error = (2, "front matter must be a mapping of keys to values")
                return index + 1
            doc.front_matter = data
            if loaded is not None and isinstance(loaded, yaml.MappingNode):
                doc.front_matter_lines = {k.value: k.start_mark.line + 2 for k, _ in loaded.value}
            return index + 1
    doc.front_matter_error = (1, "front matter opened with '---' is never closed")
    return 0


def _scan_structure(doc: Document) -> None:
    fence = None
    stack: list[Block] = []
    for number, text in doc.lines:
        if fence is not None:
            doc._code_lines.add(number)
            closing = re.match(r"^\s*(`{3,}|~{3,})\s*$", text)
            if closing and closing.group(1)[0] == fence["char"] and len(closing.group(1)) >= fence["len"]:
                doc.fences.append(Fence(fence["lang"], fence["start"], number, fence["lines"]))
                fence = None
            else:
                fence["lines"].append((number, text))
            continue
        opening = FENCE_OPEN.match(text)
        if opening:
            doc._code_lines.add(number)
            marker = opening.group("fence")
            fence = {
                "char": marker[0],
                "len": len(marker),
                "lang": opening.group("lang").lower(),
                "start": number,
                "lines": [],
            }
            _mark_audience(doc, number, stack)
            continue
        closing = BLOCK_CLOSE.match(text)
        if closing:
            if stack:
                stack.pop().end = number
            else:
                doc.block_problems.append((number, "'///' closes a block that was never opened"))
            continue
        opening = BLOCK_OPEN.match(text)
        if opening:
            block = Block(opening.group("name"), (opening.group("arg") or "").strip(), number)
            if block.name == "audience" and any(b.name == "audience" for b in stack):
                doc.block_problems.append(
                    (
                        number,
                        "audience block inside another audience block: "
                        "close the first with '///' before opening the next",
                    )
                )
            doc.blocks.append(block)
            stack.append(block)
        _mark_audience(doc, number, stack)
    if fence is not None:
        doc.block_problems.append((fence["start"], "code fence is never closed"))
    for block in stack:
        doc.block_problems.append(
            (block.start, f"'/// {block.name}' block is never closed: add a line with '///' after its content")
        )


def _mark_audience(doc: Document, number: int, stack: list[Block]) -> None:
    for block in reversed(stack):
        if block.name == "audience":
            doc._audience_of_line[number] = block.argument
            return


def iso_date(value) -> _dt.date | None:
    """A date written in ISO form (YAML gives a date; a quoted string must still be ISO)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
