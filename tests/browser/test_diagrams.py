"""Every Mermaid diagram renders to an SVG carrying the title and description written in it."""

import os
import re

import pytest

from browser.conftest import PAGES
from conftest import ROOT

ACC = re.compile(r"^\s*acc(Title|Descr)\s*:\s*(.+?)\s*$", re.M)


def diagrams_in(path):
    source = os.path.join(ROOT, "docs", (path.rstrip("/") or "index") + ".md")
    if not os.path.exists(source):
        source = os.path.join(ROOT, "docs", path, "index.md")
    text = open(source, encoding="utf-8").read()
    found = []
    for block in re.findall(r"```mermaid\n(.*?)```", text, re.S):
        fields = dict(ACC.findall(block))
        found.append((fields.get("Title"), fields.get("Descr")))
    return found


DIAGRAM_PAGES = [p for p in PAGES if diagrams_in(p)]


def test_the_site_has_diagrams():
    assert len(DIAGRAM_PAGES) >= 2


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_every_diagram_renders_with_its_title_and_description(visit, path, audience):
    page = visit().open(f"{path}?audience={audience}")
    svgs = page.locator("div.mermaid > svg")
    expected = diagrams_in(path)
    assert svgs.count() == len(expected)
    for index, (title, description) in enumerate(expected):
        svg = svgs.nth(index)
        assert svg.locator("title").first.text_content().strip() == title
        assert svg.locator("desc").first.text_content().strip() == description
        assert "Syntax error" not in svg.text_content()
        assert svg.get_attribute("aria-labelledby") and svg.get_attribute("aria-describedby")


def test_a_diagram_in_the_hidden_version_is_drawn_and_ready_when_shown(visit):
    """Diagrams are drawn while their version is hidden, with real sizes, so a switch shows them at once."""
    page = visit().open("treatment/ivig/")
    page.locator('.lems-chooser input[value="professional"]').check()
    box = page.locator('.lems-audience[data-audience="professional"] div.mermaid > svg').first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
