"""Fail `mkdocs build --strict` (and warn in `mkdocs serve`) on every content problem.

The rules live in sitekit.validate, shared with scripts/validate.py. Problems are logged as
warnings through a logger under "mkdocs.", the only ones --strict counts.
"""

from __future__ import annotations

import logging
import os

from mkdocs.exceptions import PluginError

from sitekit import state
from sitekit.settings import settings_from_mkdocs
from sitekit.validate import check_rendered_html, grade_cache_path, validate_site


def on_config(config, **_):
    try:
        state.settings = settings_from_mkdocs(config)
    except ValueError as err:
        raise PluginError(f"mkdocs.yml: {err}") from err
    return config


def on_pre_build(config, **_):
    # scripts/build.py runs the same checks just before building in the same process: reuse them.
    if state.prevalidated is not None:
        state.report, state.prevalidated = state.prevalidated, None
    else:
        state.report = validate_site(state.settings, grade_cache=grade_cache_path(state.settings))
    for problem in state.report.problems:
        if problem.severity == "error":
            log.warning(str(problem))
        else:
            log.info(str(problem))


def on_page_content(html, page, config, files, **_):
    rel = os.path.relpath(page.file.abs_src_path, state.settings.root).replace(os.sep, "/")
    doc = state.report.documents.get(rel) if state.report else None
    for problem in check_rendered_html(html, rel, doc):
        log.warning(str(problem))
    return html


log = logging.getLogger("mkdocs.plugins.lems.validation")
