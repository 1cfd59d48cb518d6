"""Running the plugin outside `mkdocs build`: load mkdocs.yml once, then drive the one plugin.

The validated build, `make check`, the online check and the scaffold all start here, so the
configuration is loaded and validated once and the report flows one way: from the plugin.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from mkdocs.config.defaults import MkDocsConfig


def load_site(config_file: str, **overrides) -> MkDocsConfig | None:
    """Load and validate mkdocs.yml, or print why not (`path:1: message`) and return None."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config

    shown, config_file = config_file, os.path.abspath(config_file)
    with collect_warnings() as captured:
        try:
            with in_folder_of(config_file):
                return load_config(config_file, **overrides)
        except BaseException as err:  # MkDocs raises Abort (a SystemExit) for a bad config
            reasons = captured or [str(err) or type(err).__name__]
            for reason in reasons:
                print(f"{shown}:1: cannot load the site configuration: {reason}", file=sys.stderr)
            return None


def lems_plugin(config: MkDocsConfig):
    """The site's plugin instance of this configuration."""
    from lems_site.plugin import LemsPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, LemsPlugin):
            return plugin
    raise LookupError("mkdocs.yml does not list the 'lems' plugin under plugins:")


@contextlib.contextmanager
def in_folder_of(config_file: str):
    """Run the block in the folder of mkdocs.yml."""
    # Relative paths in mkdocs.yml (snippets' base_path) are relative to its folder.
    previous = os.getcwd()
    os.chdir(os.path.dirname(os.path.abspath(config_file)))
    try:
        yield
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def collect_warnings():
    """Yield a list that fills with the message of each WARNING or worse MkDocs logs."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    mkdocs_log = logging.getLogger("mkdocs")
    handler, propagate, level = _Collect(), mkdocs_log.propagate, mkdocs_log.level
    mkdocs_log.addHandler(handler)
    mkdocs_log.propagate = False
    mkdocs_log.setLevel(logging.INFO)
    try:
        yield messages
    finally:
        mkdocs_log.removeHandler(handler)
        mkdocs_log.propagate, mkdocs_log.level = propagate, level
