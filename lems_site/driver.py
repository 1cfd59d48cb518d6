"""Running the plugin outside `mkdocs build`: load mkdocs.yml once, then drive the one plugin.

The validated build, `make check`, the online check and the scaffold all start here, so the
configuration is loaded and validated once and the report flows one way: from the plugin.
"""

from __future__ import annotations

import contextlib
import os
import sys

from mkdocs.config.defaults import MkDocsConfig

from lems_site.mkdocs_log import collect_warnings


def load_site(config_file: str, **overrides) -> MkDocsConfig | None:
    """Load and validate mkdocs.yml, or print why not (`path:1: message`) and return None."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config

    config_file = os.path.abspath(config_file)
    with collect_warnings() as captured:
        try:
            with _in_folder_of(config_file):
                return load_config(config_file, **overrides)
        except BaseException as err:  # MkDocs raises Abort (a SystemExit) for a bad config
            reasons = captured or [str(err) or type(err).__name__]
            for reason in reasons:
                print(f"{config_file}:1: cannot load the site configuration: {reason}", file=sys.stderr)
            return None


def lems_plugin(config: MkDocsConfig):
    """The site's plugin instance of this configuration."""
    from lems_site.plugin import LemsPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, LemsPlugin):
            return plugin
    raise LookupError("mkdocs.yml does not list the 'lems' plugin under plugins:")


@contextlib.contextmanager
def _in_folder_of(config_file: str):
    # Relative paths in mkdocs.yml (snippets' base_path) are relative to its folder.
    previous = os.getcwd()
    os.chdir(os.path.dirname(os.path.abspath(config_file)))
    try:
        yield
    finally:
        os.chdir(previous)


in_folder_of = _in_folder_of
