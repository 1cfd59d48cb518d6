"""Hostile content from an editor: it is shown as text or the build refuses it, never run.

A temporary copy of the site gets a bibliography entry whose every field carries a script,
cited from a page. The build must pass (the values are escaped), and in Chromium no script
may run, no dialog open, and no request or navigation leave 127.0.0.1. The same copy with a
script in a page body, a refresh <meta> and a quote in a description must be refused by the
build with path:line.
"""

from __future__ import annotations

import os
import subprocess
import sys

import sitehttp

SCRIPT = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
ENTRY = f"""
- id: hostile2020entry
  research: research.yaml#keogh2011_cochrane
  unconfirmed: [volume, page]
  type: article-journal
  title: "Title {SCRIPT}"
  author:
    - {{family: "Family{SCRIPT}", given: A}}
  container-title: "Journal{SCRIPT}"
  issued: {{date-parts: [[2020]]}}
  volume: "1{SCRIPT}"
  page: "2{SCRIPT}"
  PMID: "12345678"
  unverified: "Reason {SCRIPT}"
  findings: A plain note; markup in it is refused by the source checks.
"""


def copy_site(tmp_path):
    # The same copy of the site the scaffold test builds (tests/test_new_page.py).
    from test_new_page import copy_site as copy_with_config

    return copy_with_config(tmp_path).parent


def build(site_root, *extra):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_root / "site"), *extra]
    return subprocess.run(command, cwd=site_root, capture_output=True, text=True, env=env)


def cite_from_evidence(site_root):
    page = site_root / "docs" / "evidence.md"
    text = page.read_text(encoding="utf-8")
    marker = "/// audience | professional\n"
    assert marker in text
    page.write_text(text.replace(marker, marker + "\nOne hostile source [@hostile2020entry].\n", 1), encoding="utf-8")


def test_hostile_bibliography_values_are_shown_as_text_and_never_run(tmp_path, browser):
    site_root = copy_site(tmp_path)
    with open(site_root / "docs" / "bibliography.yaml", "a", encoding="utf-8") as handle:
        handle.write(ENTRY)
    cite_from_evidence(site_root)
    result = build(site_root)
    assert result.returncode == 0, result.stderr[-3000:]

    # The session's browser (conftest.py): a second Playwright in one process is refused.
    with sitehttp.serve(str(site_root / "site")) as base_url:
        context = browser.new_context()
        try:
            requests, dialogs, navigations = [], [], []
            context.on("request", lambda request: requests.append(request.url))
            for path in ("evidence/", "references/"):
                page = context.new_page()
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                page.on("framenavigated", lambda frame: navigations.append(frame.url))
                page.goto(base_url + path, wait_until="load")
                page.wait_for_timeout(300)
                assert page.evaluate("() => window.__pwned === undefined"), path
                entry = page.locator("#ref-hostile2020entry")
                assert entry.count() == 1
                # The script is there as text the reader can see, not as an element.
                assert "<script>window.__pwned=1</script>" in entry.inner_text()
                assert entry.locator("script, img").count() == 0
                # The worklog stays on the reviewer's sheet; readers see which fields are unconfirmed.
                assert "Reason" not in entry.inner_text()
                page.close()
        finally:
            context.close()
    assert dialogs == []
    assert all(url.startswith("http://127.0.0.1") for url in requests + navigations), [
        url for url in requests + navigations if not url.startswith("http://127.0.0.1")
    ]


def test_hostile_page_content_is_refused_by_the_build_with_its_line(tmp_path):
    site_root = copy_site(tmp_path)
    page = site_root / "docs" / "living-with-lems.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace("description: ", 'description: Ends here" onfocus="x ', 1)
    text += '\n<script>window.__pwned=1</script>\n\n<meta http-equiv="refresh" content="0;url=https://example.org/">\n'
    page.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    script_line = lines.index("<script>window.__pwned=1</script>") + 1
    result = build(site_root)
    assert result.returncode != 0
    assert (
        f"docs/living-with-lems.md:{script_line}: raw HTML <script> is not allowed: it runs a script" in result.stderr
    )
    assert f"docs/living-with-lems.md:{script_line + 2}: raw HTML <meta> is not allowed" in result.stderr
    assert "docs/living-with-lems.md:3: front matter 'description' contains '\"'" in result.stderr
