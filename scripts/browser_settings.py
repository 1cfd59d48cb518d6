"""How the site is opened in a browser, shared by the browser tests and scripts/bench.py.

One place for the Chromium the project drives (Debian's, never `playwright install`), its
headless flags (defined once, with the build's drawing of diagrams), the list of pages and the
test for "every diagram is drawn".
"""

from __future__ import annotations

import os

from lems_site.diagrams.drawing import CHROMIUM_ARGS  # the flags the build's own Chromium uses

CHROMIUM = os.environ.get("LEMS_CHROMIUM", "/usr/bin/chromium")
# A page's diagrams: drawn at build time (.lems-diagram) or left to Mermaid in the browser.
DIAGRAMS = ".lems-diagram, div.mermaid"
# A JavaScript predicate: true once every diagram of the page has its SVG.
DIAGRAMS_DRAWN = (
    "() => [...document.querySelectorAll('.lems-diagram, div.mermaid')].every(d => d.querySelector(':scope > svg'))"
)


def page_paths(docs_dir: str) -> list[str]:
    """Every page of the site as a URL path ('' for the home page), from the docs tree."""
    paths = []
    for folder, subfolders, files in os.walk(docs_dir):
        subfolders[:] = sorted(d for d in subfolders if not (folder == docs_dir and d in ("includes", "assets")))
        for name in sorted(files):
            if name.endswith(".md"):
                url = os.path.relpath(os.path.join(folder, name), docs_dir).replace(os.sep, "/")[:-3]
                paths.append("" if url == "index" else url[: -len("index")] if url.endswith("/index") else url + "/")
    return paths


def launch(playwright):
    """Headless Chromium with the project's flags; RuntimeError when it is not installed."""
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True)
