#!/usr/bin/env python3
"""Write the reviewer's sheet of one page: every cited sentence beside its sources, to tick off.

    python scripts/review_sheet.py --page docs/treatment/ivig.md
    make review PAGE=docs/treatment/ivig.md

Writes reports/review-<page>.html (reports/ is not committed): one self-contained HTML file
to open in a browser or print. A clinical reviewer works through it, exports the review record
and commits it under reviews/ (CONTRIBUTING.md, "Move a page through review").
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import subprocess
import sys

from lems_site import review_sheet
from lems_site.driver import lems_plugin, load_site

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", required=True, help="the page's Markdown file, e.g. docs/treatment/ivig.md")
    parser.add_argument("--out", default=None, help="where to write the sheet (default: reports/review-<page>.html)")
    parser.add_argument("--config", default=os.path.join(ROOT, "mkdocs.yml"), help="the site's mkdocs.yml")
    parser.add_argument(
        "--today", type=_dt.date.fromisoformat, default=None, help="the date the sheet is made (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)

    page = args.page
    if not os.path.isfile(page):
        print(
            f"{page}:1: no such page: expected a Markdown file of the site, e.g. docs/treatment/ivig.md",
            file=sys.stderr,
        )
        return 2
    config = load_site(args.config)
    if config is None:
        return 2
    plugin = lems_plugin(config)
    report = plugin.check_sources(config, today=args.today)
    root = plugin.settings.root
    rel = os.path.relpath(os.path.abspath(page), root).replace(os.sep, "/")
    if rel not in report.documents:
        docs = plugin.settings.docs_dir_rel
        print(f"{page}:1: not a page of the site: expected a page under {docs}/, not an include", file=sys.stderr)
        return 2

    audiences = {a.id: a.block_label for a in plugin.config.audiences}
    stem = review_sheet.page_stem(rel, plugin.settings.docs_dir_rel)
    sheet = review_sheet.build(
        report, rel, audiences=audiences, commit=git_commit(root), generated=args.today, stem=stem
    )
    out = args.out or os.path.join(root, "reports", f"review-{stem}.html")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(sheet)

    found = review_sheet.sentences(report.documents[rel], report.citations.get(rel, []))
    counts = []
    for audience in audiences:
        mine = [s for s in found if s.audience == audience]
        counts.append(f"{audience} {len(mine)} sentences, {sum(len(s.sources) for s in mine)} pairs")
    shown = os.path.relpath(out)
    print(
        f"Wrote {shown} ({os.path.getsize(out)} bytes): {len(found)} cited sentences, "
        f"{sum(len(s.sources) for s in found)} sentence-source pairs ({'; '.join(counts)})"
    )
    page_problems = [p for p in report.problems if p.path == rel]
    if page_problems:
        print(
            f"{len(page_problems)} problem{'s' if len(page_problems) != 1 else ''} on this page (listed in the sheet):"
        )
        for problem in page_problems:
            print(problem)
    return 0


def git_commit(root: str) -> str | None:
    """The checkout's short commit, marked when the working tree has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head} (with uncommitted changes)" if dirty else head or None


if __name__ == "__main__":
    sys.exit(main())
