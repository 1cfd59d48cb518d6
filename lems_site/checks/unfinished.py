"""A page that is not ready to publish: scaffold text left in it, or a version that cites nothing.

scripts/new_page.py writes a page that renders at once, so that an editor can preview it; these
checks keep it from being published before both versions are written and cited.
"""

from __future__ import annotations

import re

from lems_site.config import page_matches
from lems_site.problems import Problem
from lems_site.sources import Document
from lems_site.vocabulary import BLOCK_NAME, PLACEHOLDER_ADVICE, PLACEHOLDER_OPENING, PLACEHOLDER_URGENT

_OPENING = re.compile(re.escape(PLACEHOLDER_OPENING).replace(re.escape("{version_name}"), r".+?"))
_ADVICE = (*(sentence for sentences in PLACEHOLDER_ADVICE.values() for sentence in sentences), *PLACEHOLDER_URGENT)


def check(doc: Document, citations, *, docs_rel: str = "", site_pages: tuple[str, ...] = ()) -> list[Problem]:
    """Each line holding a scaffold sentence, and each version of a topic page without a citation.

    `docs_rel` is the path of the page under docs/; `site_pages` (the lems plugin's option)
    the patterns of pages about the site itself, whose versions may cite nothing. Scaffold
    text is refused there too.
    """
    problems = []
    for number, text in doc.lines:
        if doc.is_code(number):
            continue
        found = _OPENING.search(text) or next((s for s in _ADVICE if s in text), None)
        if found:
            sentence = found.group(0) if isinstance(found, re.Match) else found
            problems.append(
                Problem(
                    doc.rel,
                    number,
                    f"placeholder text from the new-page scaffold: {sentence!r}: "
                    "replace it with the page's content before it is published",
                )
            )
    if page_matches(docs_rel, site_pages):
        return problems
    cited_lines = [c.line for c in citations if c.keys]
    for block in doc.audience_blocks():
        end = block.end or (doc.lines[-1][0] if doc.lines else block.start)
        if not any(block.start < line < end for line in cited_lines):
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"the '/// {BLOCK_NAME} | {block.argument}' version cites no source: "
                    "cite each section of it from docs/bibliography.yaml, such as [@key]",
                )
            )
    return problems
