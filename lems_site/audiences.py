"""Audiences: the `/// audience | patient` ... `///` block, its checks, and its anchors.

Each block renders as `<div class="lems-audience" data-audience="...">` with a visible label,
so that without JavaScript every version is shown under its own heading-like label. The
anchors inside each block tell the head script which version a `#fragment` belongs to.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import lxml.html
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block, type_string_in

from lems_site.problems import Problem
from lems_site.sources import Document
from lems_site.vocabulary import BLOCK_NAME


class AudienceBlock(Block):
    """One version of the page's content, for one audience."""

    NAME = BLOCK_NAME
    ARGUMENT = True
    OPTIONS = {}

    def on_init(self):
        self.labels = self.config["labels"]

    def on_validate(self, parent):
        # An unknown audience invalidates the block: it then shows as literal text, which the
        # build reports (the source checks name the line first).
        try:
            self.argument = type_string_in(list(self.labels), insensitive=False)(self.argument)
        except ValueError:
            return False
        return True

    def on_create(self, parent):
        block = etree.SubElement(parent, "div", {"class": "lems-audience", "data-audience": self.argument})
        # Out of the search index: each search result shows its version's label as a tag
        # (lems_site/search.py), and the label's words would otherwise match every page.
        label = etree.SubElement(block, "p", {"class": "lems-audience__label", "data-search-exclude": ""})
        label.text = self.labels[self.argument]
        return block


class AudienceExtension(BlocksExtension):
    """Registers the audience block with the labels from the plugin's options."""

    def __init__(self, *args, **kwargs):
        self.config = {"labels": [{}, "Audience id -> the label shown above its block"]}
        super().__init__(*args, **kwargs)

    def extendMarkdownBlocks(self, md, block_mgr):
        block_mgr.register(AudienceBlock, self.getConfigs())


def makeExtension(*args, **kwargs):  # noqa: N802 (Python-Markdown's name)
    """Python-Markdown's entry point."""
    return AudienceExtension(*args, **kwargs)


def check_blocks(doc: Document, audiences: tuple[str, ...]) -> list[Problem]:
    """Unknown audiences, and a topic page missing one audience's version."""
    problems = []
    present = set()
    blocks = doc.audience_blocks()
    for block in blocks:
        if block.argument not in audiences:
            problems.append(
                Problem(
                    doc.rel,
                    block.start,
                    (
                        f"unknown audience '{block.argument}': expected one of {', '.join(audiences)}"
                        " (audiences of the lems plugin in mkdocs.yml)"
                    ),
                )
            )
        else:
            present.add(block.argument)
    if present:
        for audience in audiences:
            if audience not in present:
                problems.append(
                    Problem(
                        doc.rel,
                        blocks[0].start,
                        (
                            f"page has no '/// {BLOCK_NAME} | {audience}' version: "
                            "every topic is written for each audience"
                        ),
                    )
                )
    return problems


def anchors_in(html: str) -> tuple[dict[str, str], list[str], set[str]]:
    """(id -> audience of the block holding it, audiences with a block, every id on the page)."""
    anchors: dict[str, str] = {}
    blocks: set[str] = set()
    ids: set[str] = set()
    if not html.strip():
        return anchors, [], ids
    stack = [(lxml.html.fragment_fromstring(html, create_parent="div"), None)]
    while stack:
        element, audience = stack.pop()
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments
            own = child.get("data-audience") if "lems-audience" in (child.get("class") or "").split() else None
            if own:
                blocks.add(own)
            current = own or audience
            if child.get("id"):
                ids.add(child.get("id"))
                if current:
                    anchors[child.get("id")] = current
            elif child.tag == "a" and child.get("name"):
                ids.add(child.get("name"))
            stack.append((child, current))
    return anchors, sorted(blocks), ids


def tag_toc(output: str, anchors: dict[str, str]) -> str:
    """Mark each table-of-contents entry with the version its section belongs to."""
    if not anchors:
        return output

    def tag(match):
        audience = anchors.get(match.group("id"))
        if not audience:
            return match.group(0)
        return f'<li class="md-nav__item" data-audience="{audience}">{match.group("link")}'

    return _TOC_ITEM.sub(tag, output)


_TOC_ITEM = re.compile(
    r'<li class="md-nav__item">(?P<link>\s*<a (?=[^>]*class="md-nav__link")[^>]*href="#(?P<id>[^"]+)"[^>]*>)'
)
