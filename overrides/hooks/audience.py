"""Validate the site options (extra: in mkdocs.yml) and register the `/// audience` block
with the labels listed there (extra.audiences)."""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from sitekit import state
from sitekit.audience_block import AudienceExtension
from sitekit.settings import load_site_config


def on_config(config, **_):
    try:
        site = load_site_config(dict(config["extra"]), config.config_file_path)
    except ValueError as err:  # a clear one-line error, like MkDocs' own, not a traceback
        raise PluginError(f"mkdocs.yml: {err}") from err
    # Validated once per build; the other hooks read it from here.
    state.site = site
    labels = {a.id: a.block_label for a in site.audiences}
    config["markdown_extensions"].append(AudienceExtension(labels=labels))
    return config
