#!/usr/bin/env python3
"""Check the site's sources: bibliography, citations, front matter, diagrams, audiences, readability.

Prints every problem as `path:line: message`, then a count, and exits 1 when any problem
fails the build. Reads files only; it never changes them.

    python scripts/validate.py                 # the real site
    python scripts/validate.py --config tests/fixtures/broken_site/mkdocs.yml
    python scripts/validate.py --fail-overdue  # the scheduled job: overdue reviews fail too
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys

import _paths  # noqa: F401  (puts overrides/hooks on sys.path)
from sitekit.problems import summary
from sitekit.settings import load_settings
from sitekit.validate import grade_cache_path, validate_site


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml")
    parser.add_argument("--today", type=_dt.date.fromisoformat, default=None, help="the date reviews are due against (YYYY-MM-DD)")
    parser.add_argument("--fail-overdue", action="store_true", help="fail when a page's next_review date has passed")
    parser.add_argument("--readability", action="store_true", help="also print the grade of every patient section")
    args = parser.parse_args(argv)

    settings = load_settings_or_report(args.config)
    if settings is None:
        return 2
    report = validate_site(settings, args.today, grade_cache=grade_cache_path(settings))
    if args.readability:
        print_readability(report.readability, settings.max_grade)
    return print_problems(report, args.fail_overdue)


def load_settings_or_report(config_file: str):
    """Load mkdocs.yml; on failure print one `path:1: message` line per reason, no traceback."""
    from sitekit.mkdocs_log import collect_warnings

    with collect_warnings() as captured:
        try:
            return load_settings(config_file)
        except BaseException as err:  # MkDocs raises Abort (a SystemExit) for a bad config
            reasons = captured or [str(err) or type(err).__name__]
            for reason in reasons:
                print(f"{config_file}:1: cannot load the site configuration: {reason}", file=sys.stderr)
            return None


def print_problems(report, fail_overdue: bool) -> int:
    failing = report.failing(fail_overdue)
    for problem in report.problems:
        print(problem)
    overdue = [p for p in report.problems if p.severity == "overdue"]
    if overdue and not fail_overdue:
        print(f"{len(overdue)} review{'s' if len(overdue) != 1 else ''} overdue (reported only; --fail-overdue makes them fail)")
    print(summary(failing))
    return 1 if failing else 0


def print_readability(scores, max_grade: float) -> None:
    print(f"Readability (Flesch-Kincaid grade, limit {max_grade:g}) of each patient section:")
    for s in scores:
        mark = "ok  " if s.grade <= max_grade else "OVER"
        print(f"  {mark} {s.grade:5.1f}  {s.words:4d} words  {s.path}:{s.line}  {s.title}")


if __name__ == "__main__":
    sys.exit(main())
