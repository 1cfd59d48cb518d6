"""Plain-text values that Material's templates print unescaped: page titles, descriptions, names.

MkDocs' Jinja environment has autoescape off, and Material prints `page.meta.title` into
<title>, `page.meta.description` into an attribute, nav titles and `site_name` as they are.
Those templates are not ours to change, so their values are refused here when they could be
read as markup: `<` or `>` (a tag, or a `<!--` that hides the rest of the page), `"` (ends the
attribute) and character references (`&lt;` becomes `<` wherever a value is decoded again).
The site's own templates escape everything by construction ({% autoescape true %}).
"""

from __future__ import annotations

import re

from lems_site.problems import Problem
from lems_site.sources import Document

FRONT_MATTER_TEXT = ("title", "description", "reviewed_by")
# Named references need their `;`, except the legacy few browsers also read without one.
_MARKUP = re.compile(
    r"[<>\"]|&(?:#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|[A-Za-z][A-Za-z0-9]*;|(?:lt|gt|amp|quot)(?![A-Za-z0-9]))", re.I
)


def markup_in(value: str) -> str | None:
    """The first piece of `value` that could be read as HTML, or None."""
    match = _MARKUP.search(value)
    return match.group(0) if match else None


def check_front_matter(doc: Document) -> list[Problem]:
    """Front matter text that reaches HTML unescaped."""
    problems = []
    for key in FRONT_MATTER_TEXT:
        value = doc.front_matter.get(key)
        found = markup_in(value) if isinstance(value, str) else None
        if found:
            problems.append(
                Problem(doc.rel, doc.front_matter_lines.get(key, 1), _message(f"front matter '{key}'", found))
            )
    return problems


def check_config(config, rel: str) -> list[Problem]:
    """site_name, site_description and every nav title of mkdocs.yml; `rel` names the file."""
    try:
        with open(config.config_file_path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError, TypeError):
        lines = []

    def line_of(text: str) -> int:
        return next((i for i, line in enumerate(lines, start=1) if text in line), 1)

    problems = []
    for key in ("site_name", "site_description"):
        value = config.get(key)
        found = markup_in(value) if isinstance(value, str) else None
        if found:
            problems.append(Problem(rel, line_of(f"{key}:"), _message(key, found)))
    for title in _nav_titles(config.get("nav") or []):
        found = markup_in(title)
        if found:
            problems.append(Problem(rel, line_of(title), _message(f"nav title '{title}'", found)))
    return problems


def _nav_titles(nav) -> list[str]:
    titles = []
    for item in nav if isinstance(nav, list) else []:
        if isinstance(item, dict):
            for title, value in item.items():
                titles.append(str(title))
                titles.extend(_nav_titles(value))
    return titles


def _message(what: str, found: str) -> str:
    return f'{what} contains {found!r}, which the theme would print as HTML: write plain text (no < > " or &...;)'
