"""`make serve`: every save shows in the open browser, and a problem shows there too.

Starts `mkdocs serve` on a free port against a temporary copy of the site, edits a page, and
watches one open tab: no manual reload.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest
from test_new_page import copy_site

PAGE = ("docs", "treatment", "plasma-exchange.md")
PATH = "treatment/plasma-exchange/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def preview(tmp_path):
    config = copy_site(tmp_path)
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "-f", str(config)],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    try:
        deadline = time.monotonic() + 90
        while "Serving on" not in (tmp_path / "serve.log").read_text():
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        match = re.search(r"Serving on (http://\S+)", (tmp_path / "serve.log").read_text())
        yield tmp_path, match.group(1).rstrip("/") + "/"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_every_save_reloads_the_open_page_and_problems_show_in_it(preview, browser):
    # The session's browser: a second Playwright in the same process would clash with its loop.
    tmp_path, url = preview
    source = tmp_path.joinpath(*PAGE)
    original = source.read_text()
    heading = re.search(r"^# (.+)$", original, re.M).group(1)
    context = browser.new_context()
    try:
        page = context.new_page()
        blocked = []
        page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
        page.goto(url + PATH, wait_until="load")
        page.locator("h1").wait_for()
        # The preview's policy lets MkDocs' live-reload script run.
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
        assert "'unsafe-inline'" in policy

        text = original
        for n in (1, 2):
            text = text.replace(f"# {heading}", f"# {heading} (edit {n})", 1).replace(f" (edit {n - 1})", "", 1)
            source.write_text(text)
            page.wait_for_function(
                "want => document.querySelector('h1').textContent.includes(want)", arg=f"(edit {n})", timeout=30000
            )
        assert not page.locator(".lems-serve-problems").count()

        # A broken citation key: the open page shows the problem, with its path and line.
        lines = text.split("\n")
        number = next(i for i, line in enumerate(lines, start=1) if "[@" in line and i > 10)
        key = re.search(r"\[@([\w-]+)", lines[number - 1]).group(1)
        lines[number - 1] = lines[number - 1].replace(f"[@{key}", f"[@{key}x", 1)
        source.write_text("\n".join(lines))
        banner = page.locator(".lems-serve-problems[role=alert]")
        banner.wait_for(timeout=30000)
        assert f"docs/treatment/plasma-exchange.md:{number}: citation key '{key}x'" in banner.inner_text().replace(
            "\n", ""
        )

        # Fixed: the box goes.
        source.write_text(text)
        banner.wait_for(state="detached", timeout=30000)
        assert not blocked, blocked
    finally:
        context.close()
    assert "Serving on" in (tmp_path / "serve.log").read_text()


def test_the_built_site_never_has_the_preview_policy_script_or_banner(site_dir):
    pages = []
    for folder, _, names in os.walk(site_dir):
        pages += [os.path.join(folder, n) for n in names if n.endswith(".html")]
    assert pages
    for path in pages:
        html = open(path, encoding="utf-8").read()
        assert "livereload" not in html and "lems-serve-problems" not in html, path
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
        assert policy and "'unsafe-inline'" not in policy.group(1).split("script-src", 1)[-1].split(";")[0], path
