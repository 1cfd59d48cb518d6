#!/usr/bin/env python3
"""Check the site's sources: bibliography, citations, front matter, diagrams, audiences, links, readability.

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

from lems_site.driver import lems_plugin, load_site
from lems_site.problems import summary

PROBLEMS_HEADER = "== Problems in the sources (links and anchors included), each as path:line: message"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml")
    parser.add_argument(
        "--today", type=_dt.date.fromisoformat, default=None, help="the date reviews are due against (YYYY-MM-DD)"
    )
    parser.add_argument("--fail-overdue", action="store_true", help="fail when a page's next_review date has passed")
    parser.add_argument("--readability", action="store_true", help="also print the grade of every patient section")
    args = parser.parse_args(argv)

    config = load_site(args.config)
    if config is None:
        return 2
    plugin = lems_plugin(config)
    report = plugin.check_sources(config, today=args.today)
    if args.readability:
        print_readability(report.readability, plugin.settings.max_grade)
        # The problems are not part of the grade report above: a header of their own.
        print(f"\n{PROBLEMS_HEADER}")
    return print_problems(report, args.fail_overdue)


def print_problems(report, fail_overdue: bool) -> int:
    """Every problem, the count, and the exit status they call for."""
    failing = report.failing(fail_overdue)
    for problem in report.problems:
        print(problem)
    overdue = [p for p in report.problems if p.severity == "overdue"]
    if overdue and not fail_overdue:
        print(
            f"{len(overdue)} review{'s' if len(overdue) != 1 else ''} overdue "
            "(reported only; --fail-overdue makes them fail)"
        )
    print(summary(failing))
    return 1 if failing else 0


def print_readability(scores, max_grade: float) -> None:
    """The grade of every graded section, marked against the limit."""
    print(f"Readability (Flesch-Kincaid grade, limit {max_grade:g}) of each patient section:")
    for s in scores:
        mark = "ok  " if s.grade <= max_grade else "OVER"
        print(f"  {mark} {s.grade:5.1f}  {s.words:4d} words  {s.path}:{s.line}  {s.title}")


if __name__ == "__main__":
    sys.exit(main())
