#!/usr/bin/env python3
"""Search's weight against scripts/budgets.yaml (`make bench`, after `make build`); print a table.

For each version: its index (lems_site/search.py; raw and gzip level 6) and what the browser
downloads from the reader's first sign of searching to the first result (Material's worker and
the version's index, as search-on-demand.js loads them), on the built site and on the generated
site of scripts/bench.py at about --pages pages. Reported, never enforced.

    python scripts/bench_search.py --pages 400
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import timeit

import bench
import browser_settings
import generated_site
import sitehttp

QUERY = "magnesium"
PAGE = "treatment/ivig/"


def measure(site_dir: str, workdir: str, large: int, progress) -> list[dict]:
    """The built site, then a generated site of about `large` pages (validated build)."""
    pages = len(browser_settings.page_paths(os.path.join(bench.ROOT, "docs")))
    rows = [{"pages": pages, **row} for row in weight(site_dir, progress)]
    target = os.path.join(workdir, f"generated-{large}-search")
    config, pages = generated_site.make(target, large, prune=True)
    progress(f"building {pages} pages")
    built = os.path.join(target, "site")
    bench._run(
        [sys.executable, os.path.join(bench.ROOT, "scripts", "build.py"), "--config", config, "--site-dir", built]
    )
    rows += [{"pages": pages, **row} for row in weight(built, progress)]
    shutil.rmtree(target, ignore_errors=True)
    return rows


def weight(site_dir: str, progress) -> list[dict]:
    """Per version: its index file, and every body fetched from intent to the first result."""
    from playwright.sync_api import sync_playwright

    from lems_site.vocabulary import SEARCH_INDEX, STORAGE_KEY

    rows = []
    with sitehttp.serve(site_dir) as base_url, sync_playwright() as playwright:
        browser = browser_settings.launch(playwright)
        for version in bench.VERSIONS:
            progress(f"{QUERY!r} ({version}) in {site_dir}")
            with open(os.path.join(site_dir, SEARCH_INDEX.format(audience=version)), "rb") as f:
                index = f.read()
            context = browser.new_context()  # a cold cache
            context.add_init_script(f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(version)});")
            page = context.new_page()
            page.goto(base_url + PAGE, wait_until="networkidle")
            responses = []
            page.on("response", lambda response, seen=responses: seen.append(response))
            page.focus("input.md-search__input")
            page.keyboard.type(QUERY)
            page.locator(".md-search-result__item").first.wait_for(timeout=120000)
            bodies = [r.body() for r in responses if r.ok]
            fetched = sorted(r.url.removeprefix(base_url) for r in responses)
            context.close()
            rows.append(
                dict(
                    version=version,
                    index_raw=len(index),
                    index_gzip=bench.gzip_size(index),
                    first_query_raw=sum(map(len, bodies)),
                    first_query_gzip=sum(bench.gzip_size(b) for b in bodies if b),
                    fetched=fetched,
                )
            )
        browser.close()
    return rows


def report(rows: list[dict], budgets: dict) -> str:
    limit, lines = budgets["search_first_query_kb"], []
    for r in rows:
        kb = r["first_query_gzip"] / 1024
        index = f"{r['index_raw'] / 1024:.1f} / {r['index_gzip'] / 1024:.1f}"
        lines.append([r["pages"], r["version"], index, f"{r['first_query_raw'] / 1024:.1f}", f"{kb:.1f} / {limit}"])
        lines[-1] += [bench.mark(kb, limit), " ".join(r["fetched"])]
    headers = ["pages", "version", "index KB raw / gzip", "first query raw KB", "gzip KB / max", "mark", "fetched"]
    note = f"{QUERY!r} typed on /{PAGE}; first query: every body fetched until the first result shows."
    return "\n".join([bench.table(headers, lines), note])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure search against scripts/budgets.yaml.")
    parser.add_argument("--site-dir", default=os.path.join(bench.ROOT, "site"), help="the built site (default: site/)")
    parser.add_argument("--pages", type=int, default=400, help="page count of the generated site")
    parser.add_argument("--json", default=os.path.join(bench.ROOT, "reports", "bench-search.json"))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    budgets = bench.load_budgets()
    if not os.path.isfile(os.path.join(args.site_dir, "index.html")):
        print(f"{args.site_dir} has no index.html: run `make build` first", file=sys.stderr)
        return 2
    started = timeit.default_timer()

    def progress(message: str) -> None:
        print(f"[bench search {timeit.default_timer() - started:5.0f} s] {message}", file=sys.stderr, flush=True)

    workdir = tempfile.mkdtemp(prefix="lems-bench-search-")
    try:
        rows = measure(args.site_dir, workdir, args.pages, progress)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = report(rows, budgets)
    print(text)
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump({"search": rows, "budget": budgets["search_first_query_kb"], "report": text}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
