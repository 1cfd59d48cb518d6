"""The plugin's options (`plugins: - lems:` in mkdocs.yml), validated like MkDocs' own.

MkDocs validates this `Config` once, when it loads mkdocs.yml; every other part of the build
reads the result from the plugin instance (or the `Settings` derived from it).
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass

from mkdocs.config import base
from mkdocs.config import config_options as c

from lems_site.vocabulary import SCHEMA_AUDIENCES


class AudienceConfig(base.Config):
    """One answer to "Which best describes you?"."""

    id = c.Type(str)
    label = c.Type(str)
    block_label = c.Type(str)
    # The version's name inside a sentence: "the version for <version_name>".
    version_name = c.Type(str)
    # What this version gives its readers, inside a sentence: "<version_name> get <offers>".
    # The chooser's help says how the versions differ; without it on every audience it says
    # only that they differ in detail (never "only in language": they do not).
    offers = c.Optional(c.Type(str))
    schema_audience = c.Choice(SCHEMA_AUDIENCES)

    def validate(self):
        """(failed options, warnings): MkDocs' own checks, then the audience id's form."""
        failed, warnings = super().validate()
        if not failed and not _AUDIENCE_ID.fullmatch(self.id or ""):
            failed.append(
                (
                    "id",
                    base.ValidationError(
                        f"expected lower-case letters, digits and hyphens, starting with a letter; got {self.id!r}"
                    ),
                )
            )
        return failed, warnings


class ReadabilityConfig(base.Config):
    """Which audience's sections are graded, and the highest Flesch-Kincaid grade allowed."""

    audience = c.Type(str, default="patient")
    max_grade = c.Type((int, float), default=8)


class DiagramsConfig(base.Config):
    """Mermaid diagrams drawn at build time (inline SVG) or, as a fallback, in the browser."""

    # "auto": draw where Chromium exists, else say so and leave drawing to mermaid2 in the
    # browser; "require": fail without Chromium (CI, publishing); "browser": never draw.
    draw = c.Choice(("auto", "require", "browser"), default="auto")
    chromium = c.Type(str, default="/usr/bin/chromium")
    mermaid = c.Type(str, default="node_modules/mermaid/dist/mermaid.min.js")


class LemsConfig(base.Config):
    """Every option of the plugin, each used by the checks, the rendering and the templates."""

    audiences = c.ListOfItems(c.SubConfig(AudienceConfig))
    bibliography = c.Type(str, default="bibliography.yaml")
    # The research files behind the bibliography, relative to mkdocs.yml's folder. When the
    # folder exists, every entry names its research entry (`research:`) and the build checks it.
    research = c.Type(str, default="research")
    abbreviations = c.Type(str, default="includes/abbreviations.md")
    glossary = c.Type(str, default="glossary.md")
    readability = c.SubConfig(ReadabilityConfig)
    diagrams = c.SubConfig(DiagramsConfig)
    repository = c.Type(str, default="")
    # The page (and section) that explains review statuses; the status box links to it.
    review_policy = c.Type(str, default="")
    # Pages that must open with a `/// urgent` callout (lems_site/urgent.py): fnmatch patterns
    # relative to docs_dir, such as `treatment/*.md` (`*` also matches across folders).
    urgent_help = c.ListOfItems(c.Type(str), default=[])
    # Pages about the site itself, not clinical topics (the disclaimer, the editorial policy):
    # a version of one of these may cite nothing. Patterns as for urgent_help.
    site_pages = c.ListOfItems(c.Type(str), default=[])
    # Empty: the user's cache folder (outside the repository, so no pull request can fill it).
    cache_dir = c.Type(str, default="")

    def validate(self):
        """(failed options, warnings): MkDocs' own checks, then the audience ids and the repository."""
        failed, warnings = super().validate()
        if failed:
            return failed, warnings
        ids = [a.id for a in self.audiences]
        if not ids:
            failed.append(("audiences", base.ValidationError("at least one audience is required")))
        elif len(set(ids)) != len(ids):
            failed.append(("audiences", base.ValidationError(f"audience ids must be unique; got {', '.join(ids)}")))
        elif self.readability.audience not in ids:
            failed.append(
                (
                    "readability.audience",
                    base.ValidationError(f"expected one of {', '.join(ids)}; got {self.readability.audience!r}"),
                )
            )
        if self.repository and not _HTTPS_URL.fullmatch(self.repository):
            failed.append(
                (
                    "repository",
                    base.ValidationError(
                        f"expected an https:// address without quotes or angle brackets; got {self.repository!r}"
                    ),
                )
            )
        return failed, warnings


@dataclass(frozen=True)
class Settings:
    """What the source checks need, with every path made absolute."""

    root: str
    docs_dir: str
    audiences: tuple[str, ...]
    bibliography_path: str
    readability_audience: str
    max_grade: float
    abbreviations_path: str = ""
    glossary_path: str = ""
    cache_dir: str = ""
    research_dir: str = ""  # empty: the site keeps no research files
    # Where pymdownx.snippets may include from (absolute): folders or single files.
    snippet_bases: tuple[str, ...] = ()
    # Pages that must carry an urgent-help block (patterns relative to docs_dir), and the
    # mkdocs.yml they are written in (for messages).
    urgent_pages: tuple[str, ...] = ()
    # Pages whose versions need no citation (patterns relative to docs_dir).
    site_pages: tuple[str, ...] = ()
    config_file: str = ""

    @property
    def docs_dir_rel(self) -> str:
        """The docs folder as messages name it, relative to the repository root."""
        return os.path.relpath(self.docs_dir, self.root).replace(os.sep, "/")


def page_matches(page: str, patterns: tuple[str, ...]) -> bool:
    """Whether a page (its path relative to docs_dir) is one a page-pattern option names.

    The options urgent_help and site_pages are fnmatch patterns, where `*` also crosses folders.
    """
    return any(fnmatch.fnmatchcase(page, pattern) for pattern in patterns)


def settings_for(options: LemsConfig, mkdocs_config) -> Settings:
    """Settings from the validated plugin options and the loaded MkDocs config."""
    root = os.path.dirname(os.path.abspath(mkdocs_config.config_file_path))
    docs_dir = os.path.abspath(mkdocs_config["docs_dir"])
    return Settings(
        root=root,
        docs_dir=docs_dir,
        audiences=tuple(a.id for a in options.audiences),
        bibliography_path=os.path.join(docs_dir, options.bibliography),
        research_dir=os.path.join(root, options.research) if options.research else "",
        readability_audience=options.readability.audience,
        max_grade=float(options.readability.max_grade),
        abbreviations_path=os.path.join(docs_dir, options.abbreviations),
        glossary_path=os.path.join(docs_dir, options.glossary),
        cache_dir=os.path.join(root, options.cache_dir) if options.cache_dir else default_cache_dir(root),
        snippet_bases=snippet_bases(mkdocs_config, root, docs_dir),
        urgent_pages=tuple(options.urgent_help),
        site_pages=tuple(options.site_pages),
        config_file=os.path.abspath(mkdocs_config.config_file_path),
    )


def snippet_bases(mkdocs_config, root: str, docs_dir: str) -> tuple[str, ...]:
    """pymdownx.snippets' base_path entries, absolute (relative ones are from mkdocs.yml's folder)."""
    options = (mkdocs_config.get("mdx_configs") or {}).get("pymdownx.snippets") or {}
    bases = options.get("base_path", ["."])
    if isinstance(bases, str):
        bases = [bases]
    return tuple(os.path.abspath(os.path.join(root, str(base))) for base in bases)


def default_cache_dir(root: str) -> str:
    """A cache folder of this checkout's own, in the user's cache folder."""
    import hashlib

    import platformdirs

    checkout = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:12]
    return os.path.join(platformdirs.user_cache_dir("lems-site"), checkout)


_AUDIENCE_ID = re.compile(r"[a-z][a-z0-9-]*")
_HTTPS_URL = re.compile(r"https://[^\s\"'<>`]+")
