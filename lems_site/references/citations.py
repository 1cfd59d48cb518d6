"""Pandoc-style citations in Markdown: `[@key]` and `[@key1; @key2]`.

Finding them (with source lines, outside code) serves both the checks and the rendering, so
what the build validates is exactly what it renders.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from lems_site.references.bibliography import Bibliography
from lems_site.sources import Document
from lems_site.problems import Problem

# Square brackets holding an `@` at the start of a word, not followed by `(` (a link).
CANDIDATE = re.compile(r"(?<![!\\])\[(?P<inner>[^\[\]\n]*?(?:^|(?<=[\s;\[]))@[^\[\]\n]*)\](?!\()")
KEY = r"[A-Za-z0-9][A-Za-z0-9_:.\-]*[A-Za-z0-9]|[A-Za-z0-9]"
VALID = re.compile(rf"^\s*@(?:{KEY})(?:\s*;\s*@(?:{KEY}))*\s*$")
ONE_KEY = re.compile(rf"@({KEY})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass(frozen=True)
class Citation:
    line: int
    text: str  # as written, brackets included
    keys: tuple  # empty when malformed
    audience: str | None
    problem: str | None = None


def _mask_code(text: str) -> str:
    return INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)


def find(doc: Document) -> list[Citation]:
    found = []
    for number, text in doc.lines:
        if doc.is_code(number):
            continue
        masked = _mask_code(text)
        for match in CANDIDATE.finditer(masked):
            raw = text[match.start():match.end()]
            inner = match.group("inner")
            audience = doc.audience_at(number)
            if not inner.replace("@", "").replace(";", "").strip():
                found.append(Citation(number, raw, (), audience, f"empty citation '{raw}': write [@key] with a key from the bibliography"))
            elif not VALID.match(inner):
                found.append(Citation(number, raw, (), audience, f"malformed citation '{raw}': expected [@key] or [@key1; @key2] (keys separated by ';', each starting with '@')"))
            else:
                found.append(Citation(number, raw, tuple(ONE_KEY.findall(inner)), audience))
    return found


def check(doc: Document, citations: list[Citation], bib: Bibliography) -> list[Problem]:
    problems = []
    for citation in citations:
        if citation.problem:
            problems.append(Problem(doc.rel, citation.line, citation.problem))
            continue
        for key in citation.keys:
            if key not in bib.entries:
                near = bib.nearest_key(key)
                hint = f" (did you mean '{near}'?)" if near else ""
                problems.append(Problem(doc.rel, citation.line, f"citation key '{key}' is not in the bibliography{hint}"))
    return problems


# --------------------------------------------------------------------------------------------
# Rendering


def number_keys(citations: list[Citation], known: set) -> dict[str, int]:
    """Number each cited key in order of its first citation on the page."""
    numbers: dict[str, int] = {}
    for citation in citations:
        for key in citation.keys:
            if key in known and key not in numbers:
                numbers[key] = len(numbers) + 1
    return numbers


def render_marker(keys: tuple, numbers: dict) -> str:
    links = [
        f'<a href="#ref-{key}" aria-label="Reference {numbers[key]}">{numbers[key]}</a>'
        for key in keys if key in numbers
    ]
    if not links:
        return ""
    return f'<sup class="lems-cite">{",&#8202;".join(links)}</sup>'


def replace_in_markdown(markdown: str, first_line: int, doc: Document, numbers: dict) -> str:
    """Swap each valid citation for its superscript marker; leave code untouched."""
    lines = markdown.split("\n")
    for offset, text in enumerate(lines):
        number = first_line + offset
        if doc.is_code(number) or "@" not in text:
            continue
        masked = _mask_code(text)
        pieces, last = [], 0
        for match in CANDIDATE.finditer(masked):
            inner = match.group("inner")
            if not VALID.match(inner):
                continue
            marker = render_marker(tuple(ONE_KEY.findall(inner)), numbers)
            if not marker:
                continue
            # A citation follows its sentence with a space in the source; drop the space.
            start = match.start()
            while start > last and text[start - 1] == " ":
                start -= 1
            pieces.append(text[last:start])
            pieces.append(marker)
            last = match.end()
        if pieces:
            pieces.append(text[last:])
            lines[offset] = "".join(pieces)
    return "\n".join(lines)


def reference_list_html(numbers: dict, cited_in: dict, formatted: dict, bib: Bibliography, known_audiences: tuple) -> str:
    from lems_site.references.bibliography import entry_html

    items = []
    for key, number in numbers.items():
        contexts = cited_in.get(key, set())
        # Cited outside any audience block: every version of the page shows it.
        if None in contexts or not contexts:
            tag = " ".join(known_audiences)
        else:
            tag = " ".join(a for a in known_audiences if a in contexts)
        items.append(
            f'<li id="ref-{html.escape(key)}" value="{number}" data-cited-in="{tag}">'
            f"{entry_html(bib.entries[key], formatted[key])}</li>"
        )
    # Out of the search index: every page would otherwise match every author's name; the
    # References page lists each entry once, searchably.
    return '<ol class="lems-references" data-search-exclude>\n' + "\n".join(items) + "\n</ol>"


def full_list_html(bib: Bibliography, formatted: dict) -> str:
    """Every entry, by first author then year; ids match the per-page lists (`ref-<key>`)."""
    from lems_site.references.bibliography import entry_html

    def sort_key(entry):
        first = (entry.data.get("author") or [{}])[0]
        name = first.get("family") or first.get("literal") or "" if isinstance(first, dict) else ""
        return (str(name).lower(), entry.year or 0, entry.key)

    items = [
        f'<li id="ref-{html.escape(e.key)}">{entry_html(e, formatted[e.key])}</li>'
        for e in sorted(bib.entries.values(), key=sort_key)
        if e.key in formatted
    ]
    return '<ol class="lems-references lems-references--full">\n' + "\n".join(items) + "\n</ol>\n"
