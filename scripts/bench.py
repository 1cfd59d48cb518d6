#!/usr/bin/env python3
"""Benchmark the site against scripts/budgets.yaml: `make bench` runs this after `make build`.

Measured in one run on this machine, printed as plain-text tables and written as JSON to
reports/bench.json:

1. Build time: the validated build (scripts/build.py) against a plain `mkdocs build` of the
   same site with the site's hooks removed and strict off; median of 3 runs each.
2. Scaling: the same two builds on synthetic sites of 50, 200 and 800 pages.
3. Page weight: every page of site/ loaded cold in Chromium (Playwright): requests, bytes
   raw and gzip-compressed, JS and CSS.
4. Lighthouse scores for one plain page and one diagram page.

Every figure is marked "within" or "OVER" its budget. Budgets are reported, not enforced:
the exit status is 0 unless the benchmark itself cannot run (a build that fails, a browser
that does not start).

    python scripts/bench.py                      # everything, about 6 minutes on 2 cores
    python scripts/bench.py --sizes 50,200 --no-lighthouse
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

import _paths
import sitehttp

ROOT = _paths.ROOT
BUDGETS_FILE = os.path.join(ROOT, "scripts", "budgets.yaml")
REPORT_JSON = os.path.join(ROOT, "reports", "bench.json")
CHROMIUM = os.environ.get("LEMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
LIGHTHOUSE = os.path.join(ROOT, "node_modules", ".bin", "lighthouse")
LIGHTHOUSE_PAGES = {"plain": "about/", "diagram": "treatment/ivig/"}
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SCALING_TEMPLATE = os.path.join("treatment", "ivig.md")
BUDGET_KEYS = ("plain_page_gzip_kb", "diagram_page_gzip_kb", "validated_build_ratio", "lighthouse_plain", "lighthouse_diagram")
KB = 1024
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


# ---------------------------------------------------------------------------------------------
# Budgets and marking
# ---------------------------------------------------------------------------------------------


def load_budgets(path: str = BUDGETS_FILE) -> dict:
    """The budgets file as a dict; ValueError when a budget is missing."""
    with open(path, encoding="utf-8") as f:
        budgets = yaml.safe_load(f) or {}
    missing = [key for key in BUDGET_KEYS if key not in budgets]
    if missing:
        raise ValueError(f"{path}: missing budget(s): {', '.join(missing)}")
    return budgets


def mark(value, budget, minimum: bool = False) -> str:
    """"within" or "OVER": a maximum budget is met at or below it, a minimum at or above it.

    A figure that could not be measured (None) is marked "n/a".
    """
    if value is None or budget is None:
        return "n/a"
    ok = value >= budget if minimum else value <= budget
    return "within" if ok else "OVER"


def gzip_size(data: bytes, level: int = 6) -> int:
    """Size in bytes of `data` gzip-compressed at `level` (what a compressing server would send)."""
    return len(gzip.compress(data, compresslevel=level, mtime=0))


# ---------------------------------------------------------------------------------------------
# Config text edits (text, not YAML round trips: the `!!python/name:` tag must survive)
# ---------------------------------------------------------------------------------------------


def remove_top_level_block(text: str, key: str) -> str:
    """Remove `key:` at the top level with every line that belongs to it (indented lines,
    `- ` items, blank lines inside it). Blank lines at its end and everything else stay."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    start = re.compile(rf"^{re.escape(key)}\s*:")
    while i < len(lines):
        if not start.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        i += 1
        block_end = i
        while i < len(lines):
            line = lines[i]
            if line.strip() == "":
                i += 1
            elif line[0] in " \t-":
                i += 1
                block_end = i
            else:
                break
        out.extend(lines[block_end:i])  # blank lines after the block belong to what follows
    return "".join(out)


def set_top_level_scalar(text: str, key: str, value: str) -> str:
    """Set `key: value` at the top level, replacing the existing line or appending one."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:.*$", re.M)
    if pattern.search(text):
        return pattern.sub(f"{key}: {value}", text, count=1)
    return text + ("" if text.endswith("\n") or not text else "\n") + f"{key}: {value}\n"


def plain_config_text(text: str) -> str:
    """mkdocs.yml for a plain build: the `hooks:` block removed and `strict: false`."""
    return set_top_level_scalar(remove_top_level_block(text, "hooks"), "strict", "false")


def write_plain_config(config_file: str, workdir: str) -> str:
    """Write the plain mkdocs.yml in `workdir`, beside symlinks to the real docs/ and overrides/,
    so that the paths MkDocs resolves against the config file (docs_dir, custom_dir) stay right.
    Run the build from the original folder: snippets resolve their base_path against the cwd."""
    source_dir = os.path.dirname(os.path.abspath(config_file))
    os.makedirs(workdir, exist_ok=True)
    for name in ("docs", "overrides"):
        link = os.path.join(workdir, name)
        if not os.path.lexists(link) and os.path.exists(os.path.join(source_dir, name)):
            os.symlink(os.path.join(source_dir, name), link)
    target = os.path.join(workdir, "mkdocs-plain.yml")
    with open(config_file, encoding="utf-8") as f:
        text = f.read()
    with open(target, "w", encoding="utf-8") as f:
        f.write(plain_config_text(text))
    return target


# ---------------------------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------------------------


class BuildFailed(RuntimeError):
    pass


class BuildTimedOut(BuildFailed):
    pass


def validated_build_command(config: str, site_dir: str | None, linkcheck: bool) -> list[str]:
    command = [sys.executable, os.path.join(ROOT, "scripts", "build.py"), "--config", config]
    if site_dir:
        command += ["--site-dir", site_dir]
    if not linkcheck:
        command.append("--no-linkcheck")
    return command


def plain_build_command(config: str, site_dir: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", config, "--site-dir", site_dir]


def timed_run(command: list[str], cwd: str, timeout: float | None = None) -> float:
    """Seconds the command took; BuildFailed (with its last output) when it fails."""
    started = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BuildTimedOut(f"timed out after {timeout:.0f} s: {' '.join(command[1:3])}") from None
    elapsed = time.perf_counter() - started
    if result.returncode:
        tail = (result.stdout + result.stderr).strip().splitlines()[-4:]
        raise BuildFailed(f"exit {result.returncode}: {' '.join(command)}\n    " + "\n    ".join(tail))
    return elapsed


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def bench_builds(workdir: str, runs: int, budget_ratio: float, progress) -> dict:
    """Validated (no linkcheck), full (with linkcheck) and plain builds of the real site, interleaved."""
    config = os.path.join(ROOT, "mkdocs.yml")
    plain_config = write_plain_config(config, os.path.join(workdir, "plain"))
    kinds = {
        "validated": (validated_build_command(config, os.path.join(workdir, "site-validated"), linkcheck=False), ROOT),
        "full": (validated_build_command(config, os.path.join(workdir, "site-full"), linkcheck=True), ROOT),
        # Same working directory as the validated build: snippets' base_path is relative to it.
        "plain": (plain_build_command(plain_config, os.path.join(workdir, "site-plain")), ROOT),
    }
    times: dict[str, list[float]] = {k: [] for k in kinds}
    for run in range(runs):
        for kind, (command, cwd) in kinds.items():
            progress(f"build {kind} {run + 1}/{runs}")
            times[kind].append(timed_run(command, cwd, timeout=300))
    result = {k: {"runs_s": v, "median_s": median(v)} for k, v in times.items()}
    for kind in ("validated", "full"):
        r = ratio(result[kind]["median_s"], result["plain"]["median_s"])
        result[kind]["ratio"] = r
        result[kind]["mark"] = mark(r, budget_ratio)
    result["budget_ratio"] = budget_ratio
    return result


# ---------------------------------------------------------------------------------------------
# Synthetic sites for the scaling test
# ---------------------------------------------------------------------------------------------

_ID = re.compile(r"(\{\s*#)([A-Za-z][\w-]*)")
_LINK = re.compile(r"\]\((?![A-Za-z][\w+.-]*:)(?P<path>[^)\s#]*\.md)(?P<fragment>#[^)\s]*)?\)")
_CITATION_KEY = re.compile(r"(?<![\w.])@([A-Za-z][\w-]*)")


def suffix_ids(markdown: str, suffix: str) -> str:
    """`{#some-id}` becomes `{#some-id-<suffix>}`, so that no two generated pages share an id."""
    return _ID.sub(lambda m: f"{m.group(1)}{m.group(2)}-{suffix}", markdown)


def retarget_links(markdown: str, path: str, fragment: str | None = None) -> str:
    """Point every link to a Markdown page at `path` (+ `#fragment`); other links stay."""
    target = path + (f"#{fragment}" if fragment else "")
    return _LINK.sub(lambda m: f"]({target})", markdown)


def synthetic_page(template: str, number: int, count: int) -> str:
    """Page `number` of `count`: the template with its ids suffixed and its page links pointing
    at the next generated page (and at an anchor that exists there), so links stay checked."""
    suffix = f"{number:03d}"
    following = number % count + 1
    text = suffix_ids(template, suffix)
    first_id = _ID.search(template)
    fragment = f"{first_id.group(2)}-{following:03d}" if first_id else None
    return retarget_links(text, page_name(following), fragment)


def page_name(number: int) -> str:
    return f"page-{number:03d}.md"


def cited_keys(*texts: str) -> set[str]:
    return {key for text in texts for key in _CITATION_KEY.findall(text)}


def trimmed_bibliography(text: str, keep: set[str]) -> str:
    """The bibliography with only the entries in `keep` (an entry cited nowhere fails the build)."""
    data = yaml.safe_load(text)
    refs = data["references"] if isinstance(data, dict) else data
    kept = [entry for entry in refs if entry.get("id") in keep]
    out = {**data, "references": kept} if isinstance(data, dict) else kept
    return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=1000)


def make_synthetic_site(target: str, pages: int) -> str:
    """A site of `pages` copies of docs/treatment/ivig.md in `target`; returns its mkdocs.yml.

    Copied beside them: mkdocs.yml (nav removed, so MkDocs lists every page), the bibliography
    (trimmed to the entries the pages cite), the abbreviations, the glossary (its page links
    pointing at the first generated page) and docs/assets. overrides/ is a symlink to the real
    folder, so the theme overrides and the hooks are the site's own.
    """
    real_docs = os.path.join(ROOT, "docs")
    docs = os.path.join(target, "docs")
    generated = os.path.join(docs, "pages")
    os.makedirs(generated)
    os.makedirs(os.path.join(docs, "includes"))
    os.symlink(os.path.join(ROOT, "overrides"), os.path.join(target, "overrides"))
    if os.path.isdir(os.path.join(real_docs, "assets")):
        shutil.copytree(os.path.join(real_docs, "assets"), os.path.join(docs, "assets"))
    shutil.copy(os.path.join(real_docs, "includes", "abbreviations.md"), os.path.join(docs, "includes", "abbreviations.md"))

    template = _read(os.path.join(real_docs, SCALING_TEMPLATE))
    glossary = retarget_links(_read(os.path.join(real_docs, "glossary.md")), "pages/" + page_name(1))
    _write(os.path.join(docs, "glossary.md"), glossary)
    for number in range(1, pages + 1):
        _write(os.path.join(generated, page_name(number)), synthetic_page(template, number, pages))
    _write(os.path.join(docs, "bibliography.yaml"), trimmed_bibliography(_read(os.path.join(real_docs, "bibliography.yaml")), cited_keys(template, glossary)))

    config = os.path.join(target, "mkdocs.yml")
    _write(config, remove_top_level_block(_read(os.path.join(ROOT, "mkdocs.yml")), "nav"))
    return config


def bench_scaling(workdir: str, sizes: list[int], deadline: float, progress) -> list[dict]:
    """One validated (no linkcheck) and one plain build per size, within the time left."""
    results = []
    fitted: list[tuple[int, float]] = []  # (pages, seconds for both builds)
    for pages in sizes:
        row = {"pages": pages, "validated_s": None, "plain_s": None, "note": ""}
        results.append(row)
        left = deadline - time.monotonic()
        projected = project_seconds(fitted, pages)
        if projected is not None and projected > left:
            row["note"] = f"not run: both builds projected at ~{projected:.0f} s, more than the {max(left, 0):.0f} s left of the time budget"
            continue
        if left < 10:
            row["note"] = f"not run: only {max(left, 0):.0f} s left of the time budget"
            continue
        target = os.path.join(workdir, f"synthetic-{pages}")
        config = make_synthetic_site(target, pages)
        plain_config = os.path.join(target, "mkdocs-plain.yml")
        _write(plain_config, plain_config_text(_read(config)))
        try:
            progress(f"scaling: validated build of {pages} pages")
            row["validated_s"] = timed_run(validated_build_command(config, None, linkcheck=False), target, timeout=max(deadline - time.monotonic(), 10))
            progress(f"scaling: plain build of {pages} pages")
            row["plain_s"] = timed_run(plain_build_command(plain_config, os.path.join(target, "site-plain")), target, timeout=max(deadline - time.monotonic(), 10))
        except BuildTimedOut as err:
            row["note"] = f"did not finish within the time budget: {err}"
        except BuildFailed as err:
            row["note"] = f"build failed: {str(err).splitlines()[0]}"
            row["error"] = str(err)
        else:
            fitted.append((pages, row["validated_s"] + row["plain_s"]))
            row["ratio"] = ratio(row["validated_s"], row["plain_s"])
        shutil.rmtree(target, ignore_errors=True)
    return results


def project_seconds(points: list[tuple[int, float]], pages: int) -> float | None:
    """Time for `pages` from earlier (pages, seconds) points: a power law through the last two,
    never below linear growth from the last one."""
    if not points:
        return None
    last_pages, last_s = points[-1]
    linear = last_s * pages / last_pages
    if len(points) < 2:
        return linear
    (p0, s0), (p1, s1) = points[-2], points[-1]
    import math

    exponent = math.log(s1 / s0) / math.log(p1 / p0) if s0 > 0 and p1 != p0 else 1.0
    return max(linear, s1 * (pages / p1) ** exponent)


# ---------------------------------------------------------------------------------------------
# Page weight in Chromium
# ---------------------------------------------------------------------------------------------


def site_pages(site_dir: str) -> list[str]:
    """URL paths of every page (folder/index.html) of a built site, home first."""
    paths = []
    for folder, subfolders, files in os.walk(site_dir):
        subfolders[:] = sorted(d for d in subfolders if not (folder == site_dir and d in ("assets", "search")))
        if "index.html" in files:
            rel = os.path.relpath(folder, site_dir).replace(os.sep, "/")
            paths.append("" if rel == "." else rel + "/")
    return sorted(paths, key=lambda p: (p != "", p))


def resource_kind(resource_type: str, url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    if resource_type == "script" or path.endswith((".js", ".mjs")):
        return "js"
    if resource_type == "stylesheet" or path.endswith(".css"):
        return "css"
    return resource_type or "other"


def summarize_requests(records: list[dict]) -> dict:
    """Totals of a page's requests: each record has kind, raw and gzip (bytes)."""
    totals = {"requests": len(records), "raw": 0, "gzip": 0, "js_raw": 0, "js_gzip": 0, "css_raw": 0, "css_gzip": 0}
    for r in records:
        totals["raw"] += r["raw"]
        totals["gzip"] += r["gzip"]
        if r["kind"] in ("js", "css"):
            totals[r["kind"] + "_raw"] += r["raw"]
            totals[r["kind"] + "_gzip"] += r["gzip"]
    return totals


DIAGRAMS_DRAWN = (
    "() => [...document.querySelectorAll('div.mermaid')]"
    ".every(d => d.getAttribute('data-processed') && d.querySelector(':scope > svg'))"
)


def bench_page_weight(site_dir: str, budgets: dict, progress) -> list[dict]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    rows = []
    with sitehttp.serve(site_dir) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for path in site_pages(site_dir):
                progress(f"page weight: /{path}")
                rows.append(_measure_page(browser, base_url, path, budgets))
        finally:
            browser.close()
    return rows


def _measure_page(browser, base_url: str, path: str, budgets: dict) -> dict:
    context = browser.new_context()  # cold cache: a new context for every page
    requests, failed = [], []
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r))
        page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
        page.goto(base_url + path, wait_until="networkidle", timeout=60000)
        diagrams = page.locator("div.mermaid").count()
        drawn = None
        if diagrams:
            try:
                page.wait_for_function(DIAGRAMS_DRAWN, timeout=30000)
                drawn = True
            except Exception:  # reported, not fatal: the weight is still measured
                drawn = False
            page.wait_for_load_state("networkidle")
        records = []
        for request in list(requests):
            response = request.response()
            try:
                body = response.body() if response is not None else b""
            except Exception:  # a redirect or an aborted request has no body
                body = b""
            records.append({
                "url": request.url[len(base_url):] if request.url.startswith(base_url) else request.url,
                "kind": resource_kind(request.resource_type, request.url),
                "status": response.status if response is not None else None,
                "raw": len(body),
                "gzip": gzip_size(body) if body else 0,
            })
    finally:
        context.close()
    totals = summarize_requests(records)
    kind = "diagram" if diagrams else "plain"
    budget_kb = budgets["diagram_page_gzip_kb" if diagrams else "plain_page_gzip_kb"]
    return {
        "path": "/" + path, "type": kind, "diagrams": diagrams, "diagrams_drawn": drawn,
        **totals, "failed": failed, "budget_kb": budget_kb,
        "mark": mark(totals["gzip"] / KB, budget_kb), "request_list": records,
    }


# ---------------------------------------------------------------------------------------------
# Lighthouse
# ---------------------------------------------------------------------------------------------


def lighthouse_command(url: str, output_path: str) -> list[str]:
    flags = " ".join(["--headless=new"] + CHROMIUM_ARGS)
    return [LIGHTHOUSE, url, "--output=json", f"--output-path={output_path}", "--quiet", f"--chrome-flags={flags}"]


def lighthouse_scores(report: dict) -> dict:
    """Category scores x100 (None when Lighthouse could not score a category)."""
    scores = {}
    for name in LIGHTHOUSE_CATEGORIES:
        score = (report.get("categories", {}).get(name) or {}).get("score")
        scores[name] = round(score * 100) if isinstance(score, (int, float)) else None
    return scores


LIGHTHOUSE_METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")


def lighthouse_details(report: dict, categories) -> dict:
    """The simulated metrics, and for each category in `categories` the weighted audits that
    did not pass (why a score is below 100)."""
    audits = report.get("audits") or {}
    metrics = {m: str((audits.get(m) or {}).get("displayValue")).replace("\xa0", " ") for m in LIGHTHOUSE_METRICS if m in audits}
    failing = {}
    for name in categories:
        refs = ((report.get("categories") or {}).get(name) or {}).get("auditRefs") or []
        failing[name] = [
            f"{ref['id']} ({audits[ref['id']]['score']:.2f})"
            for ref in refs
            if ref.get("weight") and isinstance((audits.get(ref["id"]) or {}).get("score"), (int, float)) and audits[ref["id"]]["score"] < 1
        ]
    return {"metrics": metrics, "failing_audits": {k: v for k, v in failing.items() if v}}


def bench_lighthouse(site_dir: str, workdir: str, budgets: dict, progress) -> dict:
    """{"skipped": reason} or {"pages": [...]} with scores and marks."""
    if not os.path.exists(LIGHTHOUSE):
        return {"skipped": f"{os.path.relpath(LIGHTHOUSE, ROOT)} not found (run `npm ci --ignore-scripts`)"}
    if not shutil.which("node"):
        return {"skipped": "node not found on PATH"}
    if not os.path.exists(CHROMIUM):
        return {"skipped": f"{CHROMIUM} not found"}
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    pages = []
    with sitehttp.serve(site_dir) as base_url:
        for kind, path in LIGHTHOUSE_PAGES.items():
            progress(f"lighthouse: /{path}")
            output = os.path.join(workdir, f"lighthouse-{kind}.json")
            entry = {"type": kind, "path": "/" + path, "scores": {}, "marks": {}, "budgets": budgets[f"lighthouse_{kind}"]}
            pages.append(entry)
            try:
                result = subprocess.run(lighthouse_command(base_url + path, output), env=env, capture_output=True, text=True, timeout=240)
            except subprocess.TimeoutExpired:
                entry["error"] = "Lighthouse timed out after 240 s"
                continue
            if result.returncode or not os.path.exists(output):
                tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
                entry["error"] = f"Lighthouse exited {result.returncode}: {tail or 'no output'}"
                continue
            with open(output, encoding="utf-8") as f:
                report = json.load(f)
            if report.get("runtimeError"):
                entry["error"] = f"Lighthouse runtime error: {report['runtimeError'].get('message', report['runtimeError'])}"
            entry["lighthouse_version"] = report.get("lighthouseVersion")
            entry["form_factor"] = (report.get("configSettings") or {}).get("formFactor")
            entry["scores"] = lighthouse_scores(report)
            entry["marks"] = {k: mark(entry["scores"].get(k), b, minimum=True) for k, b in entry["budgets"].items()}
            entry.update(lighthouse_details(report, [k for k, m in entry["marks"].items() if m == "OVER"]))
    if all("error" in p for p in pages):
        return {"skipped": "; ".join(p["error"] for p in pages), "pages": pages}
    return {"pages": pages}


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list], right: set | None = None) -> str:
    """A plain-text table; columns listed in `right` (by index) are right-aligned."""
    right = right if right is not None else set(range(1, len(headers)))
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def _s(value, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _kb(value) -> str:
    return "n/a" if value is None else f"{value / KB:.1f}"


def render_report(results: dict) -> str:
    out = []
    meta = results["machine"]
    out.append(f"LEMS site benchmark, {results['date']} ({meta['cpus']} CPUs, Python {meta['python']}, {meta['platform']})")
    out.append(f"Budgets: {os.path.relpath(BUDGETS_FILE, ROOT)}. Reported, not enforced. Total bench time {results['elapsed_s']:.0f} s.")

    out.append("")
    out.append("1. Validated build vs plain mkdocs build (real site; median of %d runs each)" % results.get("runs", 0))
    builds = results.get("builds")
    if builds and "error" not in builds:
        budget = builds["budget_ratio"]
        rows = [
            ["plain mkdocs build (hooks removed, strict off)", _s(builds["plain"]["median_s"]), " ".join(_s(t) for t in builds["plain"]["runs_s"]), "1.00", "", ""],
            ["validated build, no linkcheck", _s(builds["validated"]["median_s"]), " ".join(_s(t) for t in builds["validated"]["runs_s"]), _s(builds["validated"]["ratio"]), f"<= {budget}", builds["validated"]["mark"]],
            ["full validated build (with linkchecker)", _s(builds["full"]["median_s"]), " ".join(_s(t) for t in builds["full"]["runs_s"]), _s(builds["full"]["ratio"]), f"<= {budget}", builds["full"]["mark"]],
        ]
        out.append(table(["build", "median s", "runs s", "ratio", "budget", "mark"], rows, right={1, 3}))
        out.append("The validated_build_ratio budget is judged on the validated build minus link checking")
        out.append("(scripts/build.py --no-linkcheck); the full build with linkchecker is shown against the same budget.")
    else:
        out.append(f"Not measured: {(builds or {}).get('error', 'not run')}")

    out.append("")
    out.append("2. Scaling: synthetic sites of copies of docs/treatment/ivig.md (one build each)")
    scaling = results.get("scaling") or []
    if isinstance(scaling, dict):
        out.append(f"Not measured: {scaling.get('error')}")
    else:
        rows = []
        for r in scaling:
            v, p = r.get("validated_s"), r.get("plain_s")
            rows.append([r["pages"], _s(v), _s(v and 1000 * v / r["pages"], 1), _s(p), _s(p and 1000 * p / r["pages"], 1), _s(r.get("ratio")), r.get("note", "")])
        out.append(table(["pages", "validated s", "ms/page", "plain s", "ms/page", "ratio", "note"], rows, right={0, 1, 2, 3, 4, 5}))
        out.append("Validated = scripts/build.py --no-linkcheck; plain = mkdocs build, hooks removed, strict off.")

    out.append("")
    out.append("3. Page weight, cold load in Chromium (all requests; sizes are response bodies in KB, gzip level 6)")
    weights = results.get("page_weight")
    if isinstance(weights, list):
        rows = [[w["path"], w["type"], w["requests"], _kb(w["raw"]), _kb(w["gzip"]), _kb(w["js_raw"]), _kb(w["js_gzip"]), _kb(w["css_raw"]), _kb(w["css_gzip"]), f"<= {w['budget_kb']}", w["mark"]] for w in weights]
        out.append(table(["page", "type", "reqs", "raw", "gzip", "JS raw", "JS gz", "CSS raw", "CSS gz", "budget", "mark"], rows, right=set(range(2, 10))))
        notes = []
        for w in weights:
            if w["failed"]:
                notes.append(f"{w['path']}: {len(w['failed'])} failed request(s): {', '.join(w['failed'][:3])}")
            if w["diagrams_drawn"] is False:
                notes.append(f"{w['path']}: Mermaid diagrams did not render within 30 s (measured anyway)")
        out.extend(notes)
        out.append("Type: diagram = the page has div.mermaid (measured after every diagram has an svg).")
    else:
        out.append(f"Not measured: {(weights or {}).get('error', 'not run')}")

    out.append("")
    out.append("4. Lighthouse (default: simulated mobile), category scores x100; budgets are minimums")
    lighthouse = results.get("lighthouse") or {"skipped": "not run"}
    if "skipped" in lighthouse:
        out.append(f"Lighthouse skipped: {lighthouse['skipped']}")
    else:
        rows = []
        for p in lighthouse["pages"]:
            for cat in LIGHTHOUSE_CATEGORIES:
                budget = p["budgets"].get(cat)
                score = p["scores"].get(cat)
                rows.append([p["path"], cat, "n/a" if score is None else score, "-" if budget is None else f">= {budget}", p["marks"].get(cat, "-")])
        out.append(table(["page", "category", "score", "budget", "mark"], rows, right={2, 3}))
        for p in lighthouse["pages"]:
            if p.get("error"):
                out.append(f"Lighthouse on {p['path']}: {p['error']}")
            if p.get("metrics"):
                out.append(f"{p['path']} simulated metrics: " + ", ".join(f"{k} {v}" for k, v in p["metrics"].items()))
            for cat, audits in (p.get("failing_audits") or {}).items():
                out.append(f"{p['path']} {cat} below budget; weighted audits not passed: {', '.join(audits)}")
    if results.get("errors"):
        out.append("")
        out.append("The benchmark could not measure everything:")
        out.extend(f"  {e}" for e in results["errors"])
    return "\n".join(out)


def count_marks(results: dict) -> dict:
    counts = {"within": 0, "OVER": 0}
    for key in ("validated", "full"):
        m = (results.get("builds") or {}).get(key, {}).get("mark") if isinstance(results.get("builds"), dict) else None
        if m in counts:
            counts[m] += 1
    for w in results.get("page_weight") if isinstance(results.get("page_weight"), list) else []:
        counts[w["mark"]] = counts.get(w["mark"], 0) + 1
    for p in (results.get("lighthouse") or {}).get("pages", []) if "skipped" not in (results.get("lighthouse") or {}) else []:
        for m in p["marks"].values():
            counts[m] = counts.get(m, 0) + 1
    return counts


# ---------------------------------------------------------------------------------------------


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the site against scripts/budgets.yaml.")
    parser.add_argument("--site-dir", default=os.path.join(ROOT, "site"), help="the built site to weigh (default: site/)")
    parser.add_argument("--runs", type=int, default=3, help="runs per build kind (median reported)")
    parser.add_argument("--sizes", default="50,200,800", help="page counts of the synthetic sites")
    parser.add_argument("--time-budget", type=float, default=360, help="seconds the whole bench aims to stay within")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--json", default=REPORT_JSON, help="where to write the JSON report")
    args = parser.parse_args(argv)

    started = time.monotonic()
    deadline = started + args.time_budget
    progress = lambda message: print(f"[bench {time.monotonic() - started:5.0f} s] {message}", file=sys.stderr, flush=True)  # noqa: E731
    budgets = load_budgets()
    if not os.path.isfile(os.path.join(args.site_dir, "index.html")):
        print(f"{args.site_dir} has no index.html: run `make build` (or scripts/build.py) first", file=sys.stderr)
        return 2

    results: dict = {
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(terse=True)},
        "budgets": budgets, "runs": args.runs, "errors": [],
    }
    workdir = tempfile.mkdtemp(prefix="lems-bench-")
    try:
        # Run order: fixed-cost parts first, the scaling test last with whatever time is left.
        try:
            results["builds"] = bench_builds(workdir, args.runs, budgets["validated_build_ratio"], progress)
        except BuildFailed as err:
            results["builds"] = {"error": str(err)}
            results["errors"].append(f"build benchmark: {str(err).splitlines()[0]}")
        try:
            results["page_weight"] = bench_page_weight(args.site_dir, budgets, progress)
        except Exception as err:  # the browser did not start, or a page never loaded
            results["page_weight"] = {"error": f"{type(err).__name__}: {err}"}
            results["errors"].append(f"page weight: {type(err).__name__}: {err}")
        if args.no_lighthouse:
            results["lighthouse"] = {"skipped": "--no-lighthouse given"}
        else:
            try:
                results["lighthouse"] = bench_lighthouse(args.site_dir, workdir, budgets, progress)
            except Exception as err:
                results["lighthouse"] = {"skipped": f"{type(err).__name__}: {err}"}
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        try:
            results["scaling"] = bench_scaling(workdir, sizes, deadline, progress)
            results["errors"].extend(f"scaling, {r['pages']} pages: {r['error']}" for r in results["scaling"] if r.get("error"))
        except Exception as err:
            results["scaling"] = {"error": f"{type(err).__name__}: {err}"}
            results["errors"].append(f"scaling: {type(err).__name__}: {err}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    results["elapsed_s"] = time.monotonic() - started
    results["marks"] = count_marks(results)
    text = render_report(results)
    counts = results["marks"]
    text += f"\n\nSummary: {counts.get('within', 0)} within budget, {counts.get('OVER', 0)} OVER budget (reported, not enforced)."
    print(text)
    results["report_text"] = text
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    _write(args.json, json.dumps(results, indent=2, default=str) + "\n")
    print(f"JSON report: {os.path.relpath(args.json, ROOT)}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
