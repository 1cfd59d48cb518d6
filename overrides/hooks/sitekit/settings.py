"""The site's own options, read from `extra:` in mkdocs.yml and validated like MkDocs' own.

They live under `extra` (not a plugin's config) because the theme templates need the same
values: the audience chooser lists `extra.audiences`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.config import base
from mkdocs.config import config_options as c


class AudienceConfig(base.Config):
    id = c.Type(str)
    label = c.Type(str)
    block_label = c.Type(str)
    schema_audience = c.Choice(("Patient", "Clinician", "MedicalResearcher"))


class ReadabilityConfig(base.Config):
    audience = c.Type(str, default="patient")
    max_grade = c.Type((int, float), default=8)


class SiteConfig(base.Config):
    audiences = c.ListOfItems(c.SubConfig(AudienceConfig))
    bibliography = c.Type(str, default="bibliography.yaml")
    abbreviations = c.Type(str, default="includes/abbreviations.md")
    glossary = c.Type(str, default="glossary.md")
    readability = c.SubConfig(ReadabilityConfig)
    repository = c.Type(str, default="")
    generator = c.Type(bool, default=False)


@dataclass(frozen=True)
class Settings:
    """What the checks need from mkdocs.yml, with paths made absolute."""

    root: str
    docs_dir: str
    audiences: tuple[str, ...]
    bibliography_path: str
    readability_audience: str
    max_grade: float
    abbreviations_path: str = ""
    glossary_path: str = ""


def load_site_config(extra: dict, config_file_path: str = "mkdocs.yml") -> SiteConfig:
    """Validate `extra`; raise ValueError with MkDocs-style messages when it is wrong."""
    known = {k: v for k, v in extra.items() if k in _SITE_KEYS}
    cfg = SiteConfig(config_file_path=config_file_path)
    cfg.load_dict(known)
    failed, _warnings = cfg.validate()
    if failed:
        raise ValueError("; ".join(f"extra.{key}: {err}" for key, err in failed))
    if not cfg.audiences:
        raise ValueError("extra.audiences: at least one audience is required")
    return cfg


def settings_from_mkdocs(config) -> Settings:
    """Build Settings from a loaded MkDocs config (in a hook or a script)."""
    import os

    site = load_site_config(dict(config["extra"]), config.config_file_path)
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    docs_dir = os.path.abspath(config["docs_dir"])
    return Settings(
        root=root,
        docs_dir=docs_dir,
        audiences=tuple(a.id for a in site.audiences),
        bibliography_path=os.path.join(docs_dir, site.bibliography),
        readability_audience=site.readability.audience,
        max_grade=float(site.readability.max_grade),
        abbreviations_path=os.path.join(docs_dir, site.abbreviations),
        glossary_path=os.path.join(docs_dir, site.glossary),
    )


def load_settings(config_file: str) -> Settings:
    """Load mkdocs.yml the way MkDocs does (without running plugins) and return Settings."""
    from mkdocs.config import load_config

    return settings_from_mkdocs(load_config(config_file))


_SITE_KEYS = {name for name, _ in SiteConfig._schema}
