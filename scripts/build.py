#!/usr/bin/env python3
"""The validated build: `make build` runs this.

1. Source checks (scripts/validate.py): bibliography, citations, front matter, diagrams,
   audiences, readability. Every problem as `path:line: message`, then a count.
2. `mkdocs build --strict` into site/: the lems plugin also checks every link and anchor (in
   the source, with its line, and in every built file), the rendered HTML and the policy.
3. The readability report of every patient section.
With --online, every PMID and DOI is also compared with PubMed and Crossref.
Exits non-zero at the first step that fails; never changes the author's files.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import time

import validate as source_checks

from lems_site.driver import collect_warnings, in_folder_of, lems_plugin, load_site
from lems_site.plugin import REQUIRE_DIAGRAMS_ENV

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Validate, build and link-check the site.")
    parser.add_argument("--config", default=os.path.join(ROOT, "mkdocs.yml"))
    parser.add_argument("--site-dir", default=None, help="where to write the site (default: site_dir of mkdocs.yml)")
    parser.add_argument(
        "--online", action="store_true", help="also check every PMID and DOI against PubMed and Crossref"
    )
    parser.add_argument(
        "--fail-overdue", action="store_true", help="fail when a page's review is overdue (the scheduled job)"
    )
    parser.add_argument("--today", type=_dt.date.fromisoformat, default=None)
    parser.add_argument(
        "--require-diagrams",
        action="store_true",
        help=f"fail unless every diagram is drawn at build time (CI, publishing; also {REQUIRE_DIAGRAMS_ENV}=1)",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    site_dir = os.path.abspath(args.site_dir or os.path.join(os.path.dirname(args.config), "site"))
    config = load_site(args.config, strict=True, site_dir=site_dir)
    if config is None:
        return 2
    plugin = lems_plugin(config)
    if args.require_diagrams:
        plugin.config.diagrams.draw = "require"

    print("== 1/3 Source checks")
    report = plugin.check_sources(config, today=args.today)
    if source_checks.print_problems(report, args.fail_overdue):
        return 1

    if args.online:
        print("== Online reference check")
        import online_references

        if online_references.main(["--config", args.config]):
            return 1

    print("== 2/3 mkdocs build --strict (links and anchors included)")
    if mkdocs_build(config):
        print("mkdocs build failed: fix the problems above", file=sys.stderr)
        return 1
    if plugin.diagram_notice:
        print(plugin.diagram_notice)

    print("== 3/3 Readability")
    source_checks.print_readability(report.readability, plugin.settings.max_grade)
    print(f"Built {site_dir} in {time.monotonic() - started:.1f} s")
    return 0


def mkdocs_build(config) -> int:
    """`mkdocs build --strict` in this process, with the configuration already loaded.

    The plugin keeps the report it has just made, so the checks (and textstat's dictionary)
    are not paid for twice. MkDocs' warnings, and the plugin's, print as plain lines.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    failed = 0
    with collect_warnings() as messages:
        try:
            with in_folder_of(config.config_file_path):
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    build(config)
                finally:
                    config.plugins.on_shutdown()
        except MkDocsException as err:
            failed = 1
            if str(err) and not messages:
                messages.append(str(err))
        except Exception as err:  # a plugin or extension crashed: its message, not a traceback
            failed = 1
            messages.append(f"mkdocs stopped: {type(err).__module__}.{type(err).__name__}: {err}")
        except SystemExit:
            failed = 1
    for message in messages:
        print(message)
    return failed or bool(messages)


if __name__ == "__main__":
    sys.exit(main())
