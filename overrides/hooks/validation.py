"""Fail `mkdocs build --strict` (and warn in `mkdocs serve`) on every content problem.

The rules live in sitekit.validate, shared with scripts/validate.py. Problems are logged as
warnings through a logger under "mkdocs.", the only ones --strict counts.
"""

from __future__ import annotations

import logging
import re

from mkdocs.exceptions import PluginError

from sitekit import state
from sitekit.settings import settings_from_mkdocs
from sitekit.validate import validate_site


def on_config(config, **_):
    try:
        state.settings = settings_from_mkdocs(config)
    except ValueError as err:
        raise PluginError(f"mkdocs.yml: {err}") from err
    return config


def on_pre_build(config, **_):
    state.report = validate_site(state.settings)
    for problem in state.report.problems:
        if problem.severity == "error":
            log.warning(str(problem))
        else:
            log.info(str(problem))


def on_page_content(html, page, config, files, **_):
    for problem in _leftover_block_syntax(html, page):
        log.warning(problem)
    return html


def _leftover_block_syntax(html: str, page) -> list[str]:
    """An invalid `///` block renders silently as text; find it in the HTML, name its source line."""
    visible = _CODE.sub("", html)
    problems = []
    doc = state.report.documents.get(_rel(page)) if state.report else None
    for match in _LEFTOVER.finditer(visible):
        text = match.group("text").strip()
        line = 1
        if doc:
            for number, source in doc.lines:
                if source.strip() == text or (text and source.strip().startswith(text)):
                    line = number
                    break
        problems.append(f"{_rel(page)}:{line}: block syntax '{text}' was left as literal text in the HTML: check the block name, its argument and its options")
    return problems


def _rel(page) -> str:
    import os

    return os.path.relpath(page.file.abs_src_path, state.settings.root).replace(os.sep, "/")


_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.S)
_LEFTOVER = re.compile(r"(?:^|>|\n)\s*(?P<text>/{3,}[^<\n]*)")
log = logging.getLogger("mkdocs.plugins.lems.validation")
