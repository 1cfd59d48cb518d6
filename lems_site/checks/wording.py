"""Wording the content rules forbid (CONTENT.md rules 4 and 6).

- A statement about the site's own coverage ("no source here gives …") is not a clinical
  claim: it carries no citation, or a reader takes the cited work to say it.
- Plain-language text speaks about the condition and the reader, never about the site's
  research ("could not be checked for this site").
- No reader-facing text reads like the editors' worklog ("recalled", "not available for this
  page"): readers need the evidence and what to do about its gaps ("confirm on the current
  label"), not the state of the research files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lems_site.problems import Problem
from lems_site.sources import Document

# Sentences about what the site's sources do or do not contain.
COVERAGE = re.compile(
    r"\b(?:"
    r"no (?:source|study|trial|report) (?:here|on this site|in (?:this|the) (?:site's )?bibliography)"
    r"|none of the (?:site's )?sources"
    r"|(?:this|the) site's (?:own )?(?:sources|bibliography|research|references)"
    r"|(?:sources|studies|research|references) (?:on|for|of|in|behind|used by) this (?:site|page)"
    r"|the sources (?:here )?(?:do not|don't|did not|never) (?:say|give|describe|report|state|mention|cover)"
    r"|not (?:found|given|covered|described|reported) (?:in|by) (?:the|these|our) sources"
    r"|(?:could|can) not be (?:checked|verified|confirmed) for this (?:site|page)"
    r"|(?:not|never) (?:checked|verified|confirmed|reached) for this (?:site|page)"
    r")\b",
    re.I,
)
# Words about the site's research, which plain-language text must not use at all.
RESEARCH_TALK = re.compile(
    COVERAGE.pattern + r"|\b(?:our|the site's) (?:sources|research|bibliography)\b"
    r"|\bthe (?:studies|sources|papers) (?:on|behind|for) this (?:site|page)\b",
    re.I,
)
# Worklog words: how a value was found (recalled, seen on a mirror) or what the editors lacked.
# Plain-language readers get none of them; other readers get the evidence instead of the page's
# own gaps ("not available for this page" says the same as "confirm on the label", less usefully).
PLAIN_WORKLOG = re.compile(r"\b(?:recalled|not seen|mirror(?:s|ed)?|third[- ]party)\b", re.I)
WORKLOG = re.compile(r"\b(?:sources used here|for this page|recalled|to the editors)\b", re.I)
CITATION = re.compile(r"\[[^\]\n]*@[^\]\n]*\]")


def check(doc: Document, *, plain_audience: str) -> list[Problem]:
    """Cited coverage statements, plain-language research talk and worklog words, each by line."""
    problems = []
    for line, sentence, audience in sentences(doc):
        worklog = (PLAIN_WORKLOG if audience == plain_audience else WORKLOG).search(sentence)
        if worklog:
            problems.append(
                Problem(
                    doc.rel,
                    line,
                    (
                        f"{audience or 'page'} text uses worklog wording ('{worklog.group(0)}'): readers need"
                        " the evidence, not how the editors found it; say what is or is not known"
                        " (e.g. 'no published schedule') or what to check ('confirm on the current label')"
                    ),
                )
            )
        if audience == plain_audience and RESEARCH_TALK.search(sentence):
            phrase = RESEARCH_TALK.search(sentence).group(0)
            problems.append(
                Problem(
                    doc.rel,
                    line,
                    (
                        f"{plain_audience} text talks about the site's research ('{phrase}'): speak about LEMS and"
                        " the reader, and say uncertainty once, in the page's 'How sure are we?' section"
                    ),
                )
            )
        elif CITATION.search(sentence) and COVERAGE.search(sentence):
            phrase = COVERAGE.search(sentence).group(0)
            problems.append(
                Problem(
                    doc.rel,
                    line,
                    (
                        f"a statement about the site's own coverage ('{phrase}') carries a citation: such"
                        " statements are not claims of the cited work; remove the citation or reword"
                    ),
                )
            )
    return problems


def sentences(doc: Document) -> Iterator[tuple[int, str, str | None]]:
    """(first line, sentence, audience) for each sentence of prose, outside code."""
    paragraph: list[tuple[int, str]] = []

    def flush():
        if not paragraph:
            return
        text, starts = "", []
        for number, line in paragraph:
            starts.append((len(text), number))
            text += line.strip() + " "
        position = 0
        for piece in _SENTENCE_END.split(text):
            if piece.strip():
                index = text.find(piece, position)
                line = max(n for offset, n in starts if offset <= max(index, 0))
                yield line, piece.strip(), doc.audience_at(paragraph[0][0])
                position = index + len(piece)
        paragraph.clear()

    for number, line in doc.lines:
        if doc.is_code(number) or not line.strip() or _SKIP.match(line):
            yield from flush()
            continue
        if _ITEM.match(line):
            # A list item, table row or admonition starts a statement of its own.
            yield from flush()
        paragraph.append((number, line))
    yield from flush()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[*])")
_SKIP = re.compile(r"^\s*(?:#{1,6}\s|/{3,}|\*\[)")
_ITEM = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|\||!!!|\?\?\?)")
