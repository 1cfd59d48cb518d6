"""The `/// audience | patient` ... `///` block (pymdownx Blocks API).

Each block renders as `<div class="lems-audience" data-audience="...">` with a visible label,
so that without JavaScript every version is shown under its own heading-like label.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block, type_string_in


class AudienceBlock(Block):
    NAME = "audience"
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
        label = etree.SubElement(block, "p", {"class": "lems-audience__label"})
        label.text = self.labels[self.argument]
        return block


class AudienceExtension(BlocksExtension):
    def __init__(self, *args, **kwargs):
        self.config = {"labels": [{}, "Audience id -> the label shown above its block"]}
        super().__init__(*args, **kwargs)

    def extendMarkdownBlocks(self, md, block_mgr):
        block_mgr.register(AudienceBlock, self.getConfigs())


def makeExtension(*args, **kwargs):
    return AudienceExtension(*args, **kwargs)
