"""Mermaid diagrams need accTitle, accDescr and a text alternative beside them."""

from helpers import doc

from lems_site.diagrams import checks as diagrams

GOOD = """
```mermaid
flowchart TD
    accTitle: Steps
    accDescr: From diagnosis to treatment.
    A --> B
```

Text version of this flowchart:

1. A.
2. B.
"""


def check(text):
    return [str(p) for p in diagrams.check(doc(text))]


def test_accessible_diagram_passes():
    assert check(GOOD) == []


def test_table_is_a_text_alternative_too():
    assert check(GOOD.replace("1. A.\n2. B.", "| Step | What |\n|---|---|\n| 1 | A |")) == []


def test_missing_title():
    assert check(GOOD.replace("    accTitle: Steps\n", "")) == [
        "docs/page.md:1: Mermaid diagram without 'accTitle: ...': give it a short title for screen readers"
    ]


def test_missing_description():
    assert check(GOOD.replace("    accDescr: From diagnosis to treatment.\n", "")) == [
        "docs/page.md:1: Mermaid diagram without 'accDescr: ...': describe what it shows for screen readers"
    ]


def test_missing_text_alternative():
    assert check(GOOD.split("Text version")[0] + "## Next section\n\n1. Not an alternative.\n") == [
        "docs/page.md:1: Mermaid diagram without a text alternative: follow it with an ordered list or a table giving the same steps"
    ]


def test_other_code_fences_are_not_diagrams():
    assert check("```python\nprint(1)\n```\n") == []
