"""Every HTML file the site publishes carries the policy first, and allows only its own scripts."""

import os
import re

from lems_site.html import csp

POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')


def html_files(site_dir):
    for folder, _dirs, files in os.walk(site_dir):
        for name in files:
            if name.endswith(".html"):
                yield os.path.join(folder, name)


def test_every_html_file_has_the_policy_first_in_head(site_dir):
    files = list(html_files(site_dir))
    assert len(files) >= 15
    for path in files:
        html = open(path, encoding="utf-8").read()
        assert csp.is_first_in_head(html), path
        policy = POLICY.search(html).group(1)
        assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src", 1)[1], path


def test_every_inline_script_is_allowed_by_its_hash_and_there_are_few(site_dir):
    hashes_seen = set()
    for path in html_files(site_dir):
        html = open(path, encoding="utf-8").read()
        allowed = set(re.findall(r"'sha256-[^']+'", POLICY.search(html).group(1)))
        bodies = csp.inline_scripts(html)
        assert csp.unexpected_scripts(html, allowed) == [], path
        hashes_seen.update(csp.script_hash(b) for b in bodies)
    # The theme's two and the audience head script: the same bodies on every page.
    assert len(hashes_seen) <= 4, hashes_seen


def test_no_file_under_docs_is_published_as_a_script_or_page_of_its_own(site_dir):
    own = ("assets/lems/", "assets/javascripts/", "assets/vendor/mermaid/", "search/")
    for folder, _dirs, files in os.walk(site_dir):
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), site_dir).replace(os.sep, "/")
            if name.endswith((".js", ".mjs")):
                assert rel.startswith(own), rel


def test_with_diagrams_drawn_the_other_version_is_simply_not_displayed(site_dir):
    html = open(os.path.join(site_dir, "treatment", "ivig", "index.html"), encoding="utf-8").read()
    assert 'html[data-audience="patient"] .lems-audience:not([data-audience="patient"]){display:none}' in html
    # The laid-out-but-invisible form is only for diagrams Mermaid still draws in the browser.
    assert "visibility:hidden" not in html.split("</style>", 1)[0]
