#!/usr/bin/env python3
"""Measure the site against scripts/budgets.yaml (`make bench`, after `make build`); print a table.

1. Builds: the validated build (scripts/build.py, link check included) against a plain
   `mkdocs build` of the same site (MkDocs' `load_config()` overrides: no lems plugin, quiet
   validation, stock Material since the overrides render `lems.*`); median of N fresh processes.
2. Scaling: a generated site of about 50 and 200 pages, with and without `navigation.prune`.
3. Every page in both versions, cold in Chromium: requests, gzip bytes, layout shift.
4. Lighthouse performance (simulated mobile), median of N runs; a run in which an audit
   errors is INCOMPLETE, not a score. Reported, never enforced; JSON in reports/bench.json.

    python scripts/bench.py --runs 1 --lighthouse-pages about/,treatment/ivig/
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import timeit

import browser_settings
import generated_site
import sitehttp
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "mkdocs.yml")
BUDGETS_FILE = os.path.join(ROOT, "scripts", "budgets.yaml")
BUDGET_KEYS = ("page_gzip_kb", "lighthouse_performance", "layout_shift", "build_ratio", "scaling_exponent")
BUDGET_KEYS += ("search_first_query_kb",)  # measured by scripts/bench_search.py
LIGHTHOUSE = os.path.join(ROOT, "node_modules", ".bin", "lighthouse")
# Their gatherers (RootCauses, TraceElements) throw "reading 'frame_sequence'" inside
# @paulirish/trace_engine with Chromium 156. None of them carries weight in the score, which is
# made of the five metrics only; skipping them keeps every weighted audit running.
LIGHTHOUSE_SKIPPED = tuple(
    "render-blocking-resources largest-contentful-paint-element layout-shifts lcp-lazy-loaded "
    "non-composited-animations prioritize-lcp-image".split()
)
LIGHTHOUSE_OPTIONS = (
    "--output=json",
    "--quiet",
    "--only-categories=performance",
    "--skip-audits=" + ",".join(LIGHTHOUSE_SKIPPED),
)
VERSIONS = ("patient", "professional")
QUIET = {
    "nav": dict.fromkeys(("omitted_files", "not_found", "absolute_links"), "info"),
    "links": dict.fromkeys(("not_found", "anchors", "absolute_links", "unrecognized_links"), "info"),
}
LAYOUT_SHIFT = """
window.__cls = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({type: 'layout-shift', buffered: true});
"""


def load_budgets(path: str = BUDGETS_FILE) -> dict:
    """The budgets; ValueError naming any that is missing."""
    with open(path, encoding="utf-8") as f:
        budgets = yaml.safe_load(f) or {}
    missing = [k for k in BUDGET_KEYS if k not in budgets]
    if missing:
        raise ValueError(f"{path}: missing budget(s): {', '.join(missing)}")
    return budgets


def mark(value, budget, *, minimum: bool = False) -> str:
    """'within' or 'OVER' (a minimum is met at or above it); 'n/a' when not measured."""
    if value is None or budget is None:
        return "n/a"
    return "within" if (value >= budget if minimum else value <= budget) else "OVER"


def gzip_size(data: bytes) -> int:
    """Bytes a compressing server (gzip level 6) would send for `data`."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def exponent(small: tuple[int, float], large: tuple[int, float]) -> float:
    """The k in time ~ pages^k through two (pages, seconds) points: 1 is linear growth."""
    return math.log(large[1] / small[1]) / math.log(large[0] / small[0])


# ---------------------------------------------------------------------------------------------
# Builds: every run a new process, so no run inherits another's imports or caches in memory.


def plain_build(config_file: str, site_dir: str) -> None:
    """The plain build of the same site: MkDocs' own overrides, without the lems plugin."""
    from mkdocs.commands.build import build
    from mkdocs.utils.yaml import yaml_load  # MkDocs' loader: INHERIT and !!python/name work

    from lems_site.driver import in_folder_of, load_site

    with open(config_file, encoding="utf-8") as f:
        raw = yaml_load(f)
    plugins = [p for p in raw.get("plugins", []) if "lems" not in ([p] if isinstance(p, str) else p)]
    # The theme overrides render the plugin's values (`lems.*`): without it, stock Material.
    theme = {k: v for k, v in raw["theme"].items() if k != "custom_dir"}
    config = load_site(config_file, plugins=plugins, theme=theme, strict=False, validation=QUIET, site_dir=site_dir)
    if config is None:
        raise SystemExit(2)
    with in_folder_of(config_file):
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()


def build_commands(config_file: str, workdir: str) -> dict[str, list[str]]:
    # The validated build checks links in process: there is no slower variant to leave out.
    validated = [sys.executable, os.path.join(ROOT, "scripts", "build.py"), "--config", config_file]
    validated += ["--site-dir", os.path.join(workdir, "validated")]
    return {
        "plain": [sys.executable, __file__, "--plain-build", config_file, workdir + "/plain"],
        "validated": validated,
    }


def time_builds(commands: dict[str, list[str]], runs: int, progress) -> dict[str, list[float]]:
    """Seconds of each command, `runs` times, interleaved so that load on the machine hits all alike.

    timeit, not pyperf: a build takes seconds, so there are no loops to calibrate, and pyperf's
    runner owns the command line and spawns its own worker processes for every value.
    """
    times: dict[str, list[float]] = {kind: [] for kind in commands}
    for run in range(runs):
        for kind, command in commands.items():
            progress(f"{kind} build {run + 1}/{runs}")
            times[kind].append(timeit.timeit(lambda c=command: _run(c), number=1))
    return times


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    if result.returncode:
        raise RuntimeError(f"{' '.join(command[1:3])} failed:\n" + (result.stdout + result.stderr)[-3000:])


def bench_scaling(workdir: str, sizes: list[int], progress) -> list[dict]:
    rows = []
    for prune in (False, True):
        for size in sizes:
            target = os.path.join(workdir, f"generated-{size}-{'prune' if prune else 'full'}")
            config, pages = generated_site.make(target, size, prune=prune)
            times = time_builds(build_commands(config, target), 1, progress)
            rows.append({"pages": pages, "prune": prune, **{k: v[0] for k, v in times.items()}})
            shutil.rmtree(target, ignore_errors=True)
    return rows


def bench_pages(site_dir: str, progress) -> list[dict]:
    """Every page in both versions, cold: requests, raw and gzip bytes, layout shift."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sitehttp.serve(site_dir) as base_url, sync_playwright() as playwright:
        browser = browser_settings.launch(playwright)
        for path in browser_settings.page_paths(os.path.join(ROOT, "docs")):
            for version in VERSIONS:
                progress(f"page /{path} ({version})")
                rows.append({"path": "/" + path, "version": version, **_measure(browser, base_url + path, version)})
        browser.close()
    return rows


def _measure(browser, url: str, version: str) -> dict:
    from lems_site.vocabulary import STORAGE_KEY

    context = browser.new_context()  # a new context is a cold cache
    context.add_init_script(f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(version)});" + LAYOUT_SHIFT)
    responses = []
    page = context.new_page()
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    diagrams = page.locator(browser_settings.DIAGRAMS).count()
    if diagrams:
        page.wait_for_function(browser_settings.DIAGRAMS_DRAWN, timeout=30000)
        page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # shifts are reported a frame after they happen
    shift = page.evaluate("window.__cls")
    bodies = [r.body() for r in responses if not 300 <= r.status < 400]  # a redirect has no body
    context.close()
    raw, packed = sum(map(len, bodies)), sum(gzip_size(b) for b in bodies if b)
    return dict(diagrams=diagrams, requests=len(responses), raw=raw, gzip=packed, layout_shift=shift)


def lighthouse_result(report: dict) -> dict:
    """The performance score x100, or INCOMPLETE with the ids of audits that errored."""
    audits = report.get("audits") or {}
    failed = sorted(k for k, a in audits.items() if a.get("scoreDisplayMode") == "error" or a.get("errorMessage"))
    score = ((report.get("categories") or {}).get("performance") or {}).get("score")
    if failed or report.get("runtimeError") or not isinstance(score, int | float):
        return {"score": None, "failed_audits": failed or ["runtimeError"]}
    return {"score": round(score * 100), "failed_audits": []}


def bench_lighthouse(site_dir: str, workdir: str, paths: list[str], runs: int, progress) -> list[dict]:
    flags = "--chrome-flags=" + " ".join(("--headless=new", *browser_settings.CHROMIUM_ARGS))
    env = dict(os.environ, CHROME_PATH=browser_settings.CHROMIUM)
    rows = []
    with sitehttp.serve(site_dir) as base_url:
        for path in paths:
            results = []
            for run in range(runs):
                progress(f"lighthouse /{path} {run + 1}/{runs}")
                out = os.path.join(workdir, "lighthouse.json")
                command = [LIGHTHOUSE, base_url + path, *LIGHTHOUSE_OPTIONS, f"--output-path={out}", flags]
                done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
                if done.returncode or not os.path.exists(out):
                    results.append({"score": None, "failed_audits": [f"lighthouse exit {done.returncode}"]})
                    continue
                with open(out, encoding="utf-8") as f:
                    results.append(lighthouse_result(json.load(f)))
                os.remove(out)
            failed = sorted({a for r in results for a in r["failed_audits"]})
            scores = [r["score"] for r in results]
            median = None if failed else statistics.median(scores)
            rows.append(dict(path="/" + path, runs=scores, failed_audits=failed, median=median))
    return rows


def table(headers: list[str], rows: list[list]) -> str:
    """Plain text, first column left-aligned, the others right-aligned."""
    cells = [headers] + [[str(c) for c in row] + [""] * (len(headers) - len(row)) for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in cells
    ]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def report(results: dict, budgets: dict) -> str:
    """Every figure against its budget: the builds and scaling, then every page and version."""
    b, scaling = results["builds"], results["scaling"]
    plain, validated = statistics.median(b["plain"]), statistics.median(b["validated"])
    runs = lambda times: " ".join(f"{t:.2f}" for t in times)  # noqa: E731
    ratio, limit = validated / plain, budgets["build_ratio"]
    rows = [["plain mkdocs build, s (no lems plugin, stock theme, validation quiet)", f"{plain:.2f}", runs(b["plain"])]]
    rows += [["validated build, s (scripts/build.py, link check included)", f"{validated:.2f}", runs(b["validated"])]]
    rows += [["validated / plain (medians)", f"{ratio:.2f}", "", f"<= {limit}", mark(ratio, limit)]]
    sizes, limit = sorted({r["pages"] for r in scaling}), budgets["scaling_exponent"]
    small, large = sizes[0], sizes[-1]
    for prune in (False, True):
        for kind in ("validated", "plain"):
            t = {r["pages"]: r[kind] for r in scaling if r["prune"] == prune}
            k = exponent((small, t[small]), (large, t[large]))
            name = f"exponent, {kind}{' + navigation.prune' if prune else ''}, {small} -> {large} pages"
            rows.append([name, f"{k:.2f}", f"{t[small]:.2f} s -> {t[large]:.2f} s", f"<= {limit}", mark(k, limit)])
    out = [table(["figure (exponents: 1 run each)", "value", "runs", "budget", "mark"], rows)]
    lighthouse, rows = {r["path"]: r for r in results["lighthouse"]}, []
    for p in results["pages"]:
        kind = "diagram" if p["diagrams"] else "plain"
        kb, lh, kb_limit = p["gzip"] / 1024, lighthouse.get(p["path"]), budgets["page_gzip_kb"][kind]
        lh_limit = budgets["lighthouse_performance"][kind]
        if lh is None:
            score, lh_mark = "not run", "-"
        elif lh["failed_audits"]:
            score, lh_mark = "INCOMPLETE", "INCOMPLETE"
        else:
            score = f"{lh['median']:g} ({'/'.join(map(str, lh['runs']))})"
            lh_mark = mark(lh["median"], lh_limit, minimum=True)
        cls = round(p["layout_shift"], 3)
        weight = [p["requests"], f"{p['raw'] / 1024:.1f}", f"{kb:.1f} / {kb_limit}", mark(kb, kb_limit)]
        shift = [f"{cls:.3f}", mark(cls, budgets["layout_shift"]), f"{score} / {lh_limit}", lh_mark]
        rows.append([p["path"], p["version"], kind, *weight, *shift])
    headers = "version type reqs raw_KB gzip_KB_/_max mark CLS mark Lighthouse_/_min mark".split()
    out += ["", table(["page (cold load; KB, gzip level 6)", *[h.replace("_", " ") for h in headers]], rows)]
    out += [f"Lighthouse: simulated mobile, median of runs; skipped (they throw): {', '.join(LIGHTHOUSE_SKIPPED)}"]
    failed = [r for r in results["lighthouse"] if r["failed_audits"]]
    out += [f"INCOMPLETE {r['path']}: audits with errors: {', '.join(r['failed_audits'])}" for r in failed]
    words = " ".join(out).split()
    counts = {m: words.count(m) for m in ("within", "OVER", "INCOMPLETE")}
    return "\n".join([*out, "", "Summary: " + ", ".join(f"{n} {m}" for m, n in counts.items()) + " (not enforced)."])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--plain-build"]:  # one timed run, in its own process
        plain_build(*map(os.path.abspath, argv[1:3]))
        return 0
    parser = argparse.ArgumentParser(description="Measure the site against scripts/budgets.yaml.")
    parser.add_argument("--site-dir", default=os.path.join(ROOT, "site"), help="the built site (default: site/)")
    parser.add_argument("--runs", type=int, default=3, help="runs per build and per Lighthouse page (median)")
    parser.add_argument("--sizes", default="50,200", help="page counts of the generated site")
    parser.add_argument("--lighthouse-pages", default="all", help="comma-separated URL paths, or all")
    parser.add_argument("--json", default=os.path.join(ROOT, "reports", "bench.json"))
    args = parser.parse_args(argv)
    budgets = load_budgets()
    if not os.path.isfile(os.path.join(args.site_dir, "index.html")):
        print(f"{args.site_dir} has no index.html: run `make build` first", file=sys.stderr)
        return 2
    started = timeit.default_timer()

    def progress(message: str) -> None:
        print(f"[bench {timeit.default_timer() - started:5.0f} s] {message}", file=sys.stderr, flush=True)

    pages = [p.strip("/") + "/" if p.strip("/") else "" for p in args.lighthouse_pages.split(",")]
    lighthouse_pages = browser_settings.page_paths(os.path.join(ROOT, "docs")) if pages == ["all/"] else pages
    workdir = tempfile.mkdtemp(prefix="lems-bench-")
    try:
        results = {
            "builds": time_builds(build_commands(CONFIG, workdir), args.runs, progress),
            "scaling": bench_scaling(workdir, [int(s) for s in args.sizes.split(",")], progress),
            "pages": bench_pages(args.site_dir, progress),
            "lighthouse": bench_lighthouse(args.site_dir, workdir, lighthouse_pages, args.runs, progress),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = report(results, budgets)
    print(text)
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump({**results, "budgets": budgets, "report": text}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
