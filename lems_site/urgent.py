"""Urgent help: the `/// urgent | title` ... `///` block, and its checks.

Written once per page, after the title and before the first `/// audience` block, so that every
version shows it and readers without JavaScript meet it first. Its markup is the Jinja template
`partials/lems/urgent.html` (autoescaped); the block parses that template's output into the
Markdown tree and puts the block's own Markdown inside the template's body element.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree

from markdown.util import AtomicString
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block

from lems_site.config import page_matches
from lems_site.problems import Problem
from lems_site.sources import Block as SourceBlock
from lems_site.sources import Document
from lems_site.vocabulary import BLOCK_NAME, URGENT_BLOCK_NAME

TEMPLATE = "partials/lems/urgent.html"
# Said when the editor gives no title: what to do, in words a frightened reader can act on.
DEFAULT_TITLE = "Get emergency help now if"
# The callout's heading: one per page, so one fixed id that links can point at (#urgent-help).
HEADING_ID = "urgent-help"
# Its entry in the table of contents (the heading itself is a whole instruction).
TOC_LABEL = "Urgent help"
# The body element of the template, where the block's Markdown goes.
BODY_MARKER = "data-lems-urgent-body"


class UrgentBlock(Block):
    """The page's urgent-help callout: a heading (the title) and the block's Markdown."""

    NAME = URGENT_BLOCK_NAME
    ARGUMENT = None  # the title; optional
    OPTIONS = {}

    def on_create(self, parent):
        title = (self.argument or "").strip() or DEFAULT_TITLE
        html = self.config["render"](title=title, heading_id=HEADING_ID, toc_label=TOC_LABEL)
        root = etree.fromstring(html)
        body = None
        for element in root.iter():
            # The template's words are final: Markdown must not read them as Markdown or HTML.
            if element.text:
                element.text = AtomicString(element.text)
            if element.tail:
                element.tail = AtomicString(element.tail)
            if BODY_MARKER in element.attrib:
                body = element
        if body is None:
            raise ValueError(f"{TEMPLATE} has no element with {BODY_MARKER}")
        del body.attrib[BODY_MARKER]
        root.tail = None
        parent.append(root)
        return body


class UrgentExtension(BlocksExtension):
    """Registers the urgent block; `render(title=, heading_id=, toc_label=)` gives its markup."""

    def __init__(self, *args, **kwargs):
        # Not None: Python-Markdown would read a None default as a yes/no option.
        self.config = {"render": [_no_renderer, "Renders partials/lems/urgent.html (see template_renderer)"]}
        super().__init__(*args, **kwargs)

    def extendMarkdownBlocks(self, md, block_mgr):
        block_mgr.register(UrgentBlock, self.getConfigs())


def _no_renderer(**values) -> str:
    raise ValueError("UrgentExtension needs render=template_renderer(env) to draw the callout")


def template_renderer(env):
    """The render function for UrgentExtension, from a Jinja environment that finds the template."""
    return env.get_template(TEMPLATE).render


def makeExtension(*args, **kwargs):  # noqa: N802 (Python-Markdown's name)
    """Python-Markdown's entry point."""
    return UrgentExtension(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Source checks


def urgent_blocks(doc: Document) -> list[SourceBlock]:
    """The page's urgent blocks, in source order."""
    return [b for b in doc.blocks if b.name == URGENT_BLOCK_NAME]


def is_required(page: str, patterns: tuple[str, ...]) -> bool:
    """Whether a page (its path relative to docs_dir) must carry an urgent block."""
    return page_matches(page, patterns)


def check_blocks(doc: Document, *, required: bool) -> list[Problem]:
    """Problems with the page's urgent blocks, each at its opening line.

    One block where required, at the top level and before the first audience block, with
    content, a citation and a phone link, and a plain-text title.
    """
    problems = []
    blocks = urgent_blocks(doc)
    audience = [b for b in doc.blocks if b.name == BLOCK_NAME]
    if required and not blocks:
        line = audience[0].start if audience else _title_line(doc)
        problems.append(
            Problem(
                doc.rel,
                line,
                f"page has no '/// {URGENT_BLOCK_NAME}' block (urgent_help of the lems plugin in mkdocs.yml lists it): "
                f"add one after the title and before the first '/// {BLOCK_NAME}' block, saying when to call "
                "[999](tel:999), [112](tel:112) or [911](tel:911)",
            )
        )
    for index, block in enumerate(blocks):
        if index:
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"second '/// {URGENT_BLOCK_NAME}' block (the first is at line {blocks[0].start}): "
                    "a page has one urgent-help callout; merge the two",
                )
            )
        outer = _enclosing(doc, block)
        if outer is not None:
            opened = f"'/// {outer.name}{' | ' + outer.argument if outer.argument else ''}'"
            fix = (
                "move it above the first audience block, so that every version shows it"
                if outer.name == BLOCK_NAME
                else "write it at the top level of the page, after the title"
            )
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"'/// {URGENT_BLOCK_NAME}' block inside {opened} (opened at line {outer.start}): {fix}",
                )
            )
        elif audience and audience[0].start < block.start:
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"'/// {URGENT_BLOCK_NAME}' block after the first '/// {BLOCK_NAME}' block (line "
                    f"{audience[0].start}): move it above, just after the title, so readers meet it first",
                )
            )
        content = _content(doc, block)
        if not content:
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"'/// {URGENT_BLOCK_NAME}' block is empty: list the warning signs and the numbers to call, "
                    "e.g. [999](tel:999)",
                )
            )
        elif not any(_CITATION.search(text) for _, text in content):
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"'/// {URGENT_BLOCK_NAME}' block cites no source: cite the warning signs to the sources "
                    "on this page that give them, such as [@key]",
                )
            )
        if content and not any(_PHONE_LINK.search(text) for _, text in content):
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"'/// {URGENT_BLOCK_NAME}' block has no phone link a reader can tap: write the numbers as "
                    "links, e.g. [999](tel:999), [112](tel:112), [911](tel:911)",
                )
            )
        if _MARKUP.search(block.argument):
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    f"the title of '/// {URGENT_BLOCK_NAME}' is shown as plain text, so links and emphasis "
                    f"in it would show as typed: got '{block.argument}'; put links in the block's text",
                )
            )
    return problems


def check_patterns(patterns: tuple[str, ...], pages: list[str], *, config_rel: str, config_text: str) -> list[Problem]:
    """Each urgent_help pattern that matches no page (a misspelt path protects nothing)."""
    problems = []
    for pattern in patterns:
        if any(page_matches(page, (pattern,)) for page in pages):
            continue
        line = next(
            (number for number, text in enumerate(config_text.split("\n"), start=1) if pattern in text),
            1,
        )
        problems.append(
            Problem(
                config_rel,
                line,
                f"urgent_help pattern '{pattern}' of the lems plugin matches no page: "
                "write a path relative to docs_dir, such as safety.md or treatment/*.md",
            )
        )
    return problems


def page_path(doc_rel: str, docs_dir_rel: str) -> str:
    """The page's path relative to docs_dir, as urgent_help patterns are written."""
    return posixpath.relpath(doc_rel, docs_dir_rel)


def _enclosing(doc: Document, block: SourceBlock) -> SourceBlock | None:
    """The innermost other block that holds `block`'s opening line."""
    holders = [
        b for b in doc.blocks if b is not block and b.start < block.start and (b.end is None or b.end > block.start)
    ]
    return max(holders, key=lambda b: b.start) if holders else None


def _content(doc: Document, block: SourceBlock) -> list[tuple[int, str]]:
    end = block.end if block.end is not None else (doc.lines[-1][0] + 1 if doc.lines else block.start)
    return [(n, text) for n, text in doc.lines if block.start < n < end and text.strip()]


def _title_line(doc: Document) -> int:
    for number, text in doc.lines:
        if text.startswith("# ") and not doc.is_code(number):
            return number
    return doc.body_start


# A Markdown link to a phone number, or an HTML one: `](tel:...)`, `href="tel:...`.
_PHONE_LINK = re.compile(r"\]\(\s*<?tel:|href\s*=\s*[\"']?tel:", re.I)
# A Pandoc citation: `[@key]` or `[@a; @b]` (checked in full by references/citations.py).
_CITATION = re.compile(r"\[[^\]]*@[^\]]*\]")
# Markdown or HTML in a title that is shown as plain text.
_MARKUP = re.compile(r"\]\(|[<`*_]")
