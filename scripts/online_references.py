#!/usr/bin/env python3
"""Compare every PMID and DOI in the bibliography with PubMed and Crossref.

The site is loaded once and the lems plugin's own source checks give the bibliography, so
the online check drives the same plugin as the build. Every problem is printed as
`path:line: message` (the line of the PMID or DOI field), then a count; exits 1 when there
is any problem. Reads the bibliography only; it never changes it. The comparison itself is
lems_site/online.py; answers are cached under the plugin's cache_dir (outside the checkout).

    python scripts/online_references.py
    python scripts/online_references.py --max-age-days 0     # ask again for everything
    python scripts/build.py --online                          # the validated build, plus this check
"""

from __future__ import annotations

import argparse
import os
import sys

from lems_site import online
from lems_site.driver import lems_plugin, load_site
from lems_site.problems import relpath, summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=os.path.join(ROOT, "mkdocs.yml"), help="the site's mkdocs.yml")
    parser.add_argument("--cache-dir", default=None, help="where answers are cached (default: the plugin's cache_dir)")
    parser.add_argument("--max-age-days", type=float, default=30, help="reuse cached answers this recent (default: 30)")
    parser.add_argument("--pubmed-url", default=online.PUBMED_URL, help="E-utilities base address")
    parser.add_argument("--crossref-url", default=online.CROSSREF_URL, help="Crossref API base address")
    parser.add_argument("--timeout", type=float, default=20, help="seconds to wait for each answer (default: 20)")
    parser.add_argument("--pubmed-interval", type=float, default=online.PUBMED_INTERVAL, help=argparse.SUPPRESS)
    parser.add_argument("--retries", type=int, default=online.RETRIES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    config = load_site(args.config)
    if config is None:
        return 2
    plugin = lems_plugin(config)
    report = plugin.check_sources(config)
    settings = plugin.settings
    bib = report.bibliography
    rel = relpath(settings.bibliography_path, settings.root)
    if bib is None or not bib.entries:
        problems = [p for p in report.problems if p.path == rel] if bib is None else bib.problems
        for problem in problems:
            print(problem)
        print(summary(problems) if problems else f"{rel}: no entries to check")
        return 1 if problems else 0

    session = online.make_session(
        cache_dir=args.cache_dir or settings.cache_dir,
        max_age_days=args.max_age_days,
        pubmed_url=args.pubmed_url,
        pubmed_interval=args.pubmed_interval,
        retries=args.retries,
        warn=lambda message: print(message, file=sys.stderr),
    )
    with session:
        outcome = online.check(
            bib.entries.values(),
            session=session,
            rel=rel,
            pubmed_url=args.pubmed_url,
            crossref_url=args.crossref_url,
            timeout=args.timeout,
        )
    for problem in outcome.problems:
        print(problem)
    plural = lambda n, word: f"{n} {word}{'s' if n != 1 else ''}"  # noqa: E731
    print(
        f"{plural(outcome.checked, 'identifier')} checked: {outcome.from_cache} from the cache, "
        f"{plural(outcome.requests, 'request')} sent"
    )
    print(summary(outcome.problems))
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
