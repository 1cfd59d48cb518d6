"""Snippet includes (`--8<-- "file"`): where each resolves, and that it stays in its allowed place.

pymdownx.snippets reads includes before Markdown sees the page, even inside code fences, so an
include is resolved here the way the extension resolves it (its `base_path` list, a folder or
one named file), but with every link followed: a snippet base holds only what the repository
itself holds. The included text is then checked and graded as part of the page.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from lems_site.checks.files import SourceError, is_inside, read_utf8
from lems_site.problems import Problem
from lems_site.sources import Document

# The two forms pymdownx.snippets 13 reads: `--8<-- "file"` on one line, or a block of file
# names between two lines of `--8<--`. A leading `;` escapes the marker.
INLINE_INCLUDE = re.compile(r"^[ \t]*(?P<escape>;*)-{1,}8<-{1,}[ \t]+(?P<q>[\"'])(?P<name>.+?)(?P=q)[ \t]*$")
_BLOCK = re.compile(r"^[ \t]*(?P<escape>;*)-{1,}8<-{1,}[ \t]*$")
# `file.md:3:10` (lines) or `file.md:section`: the file is the part before.
_SUFFIX = re.compile(r"(?i)(?::-?[0-9]*){1,2}(?:,-?[0-9]*(?::-?[0-9]*)?)*$|:[a-z][-_0-9a-z]*$")


@dataclass(frozen=True)
class Include:
    """One include in a page: its line, the name as written, and the file (None: refused)."""

    line: int
    name: str
    path: str | None
    problem: str | None = None


def includes(doc: Document, bases: tuple[str, ...], root: str) -> list[Include]:
    """Every include of the page, resolved against the snippet bases."""
    found, in_block = [], False
    for number, text in doc.lines:
        if _BLOCK.match(text):
            if not _BLOCK.match(text).group("escape"):
                in_block = not in_block
            continue
        name = None
        if in_block:
            name = text.strip() or None
        else:
            match = INLINE_INCLUDE.match(text)
            if match and not match.group("escape"):
                name = match.group("name")
        if name and not name.startswith(("http://", "https://")):
            found.append(_resolve(number, name, bases, root))
        elif name:
            found.append(
                Include(number, name, None, "snippets from the web are not included: copy the text into docs/includes/")
            )
    return found


def resolve_name(name: str, bases: tuple[str, ...], root: str) -> str | None:
    """The file `name` means, as pymdownx.snippets finds it, or None when no base allows it."""
    candidates = [name]
    stripped = _SUFFIX.sub("", name)
    if stripped != name:
        candidates.append(stripped)
    for candidate in candidates:
        for base in bases:
            if os.path.isdir(base):
                path = os.path.abspath(os.path.join(base, candidate))
                # Both the written path and the file it leads to must stay in the base.
                if path.startswith(base.rstrip(os.sep) + os.sep) and is_inside(path, base) and os.path.isfile(path):
                    return path
            elif os.path.isfile(base):
                path = os.path.join(os.path.dirname(base), candidate)
                if os.path.isfile(path) and os.path.samefile(path, base) and is_inside(path, root):
                    return path
    return None


def _resolve(line: int, name: str, bases: tuple[str, ...], root: str) -> Include:
    path = resolve_name(name, bases, root)
    if path is None:
        allowed = ", ".join(os.path.relpath(b, root).replace(os.sep, "/") for b in bases)
        return Include(
            line,
            name,
            None,
            f"snippet '{name}' is not a file in an allowed place ({allowed}): check the name, and put"
            " included text in docs/includes/",
        )
    return Include(line, name, path)


def check(doc: Document, bases: tuple[str, ...], root: str) -> tuple[list[Problem], list[str]]:
    """Problems of the page's includes, and the files they include (for the caller to check once)."""
    problems, files = [], []
    for include in includes(doc, bases, root):
        if include.problem:
            problems.append(Problem(doc.rel, include.line, include.problem))
        else:
            files.append(include.path)
    return problems, files


def included_text(path: str, root: str) -> str | None:
    """The text of an included file, or None when it is not readable (reported elsewhere)."""
    try:
        return read_utf8(path, os.path.relpath(path, root))
    except SourceError:
        return None
