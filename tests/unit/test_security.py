"""Nothing an editor writes can run in a reader's browser (issue 10).

Each test feeds one class of hostile input that the build used to publish, and checks that it
is now refused with `path:line: message` or comes out escaped.
"""

from __future__ import annotations

import os
import textwrap

import nh3
import pytest
import yaml

from lems_site.checks import files, page_paths, raw_html, readability, run_source_checks, site_text, snippets
from lems_site.config import Settings
from lems_site.references import bibliography
from lems_site.sources import parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRONT = "---\nreview_status: submitted\nlast_updated: 2026-11-22\nnext_review: 2027-02-22\n---\n"
ENTRY = """
- id: bain1996effects
  type: article-journal
  title: Effects of intravenous immunoglobulin
  author:
    - {family: Bain, given: PG}
  container-title: Neurology
  issued: {date-parts: [[1996]]}
  PMID: "8797464"
"""


def doc(text: str, rel: str = "docs/page.md"):
    return parse("/nonexistent/" + rel, rel, textwrap.dedent(text).lstrip("\n"))


def site(tmp_path, pages: dict, bib: str | bytes = ENTRY, includes: dict | None = None) -> Settings:
    docs = tmp_path / "docs"
    (docs / "includes").mkdir(parents=True, exist_ok=True)
    for name, text in {"bibliography.yaml": bib, **pages}.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for name, text in (includes or {}).items():
        (docs / "includes" / name).write_text(text, encoding="utf-8")
    return Settings(
        root=str(tmp_path),
        docs_dir=str(docs),
        audiences=("patient", "professional"),
        bibliography_path=str(docs / "bibliography.yaml"),
        readability_audience="patient",
        max_grade=8.0,
        snippet_bases=(str(docs / "includes"),),
    )


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


# --------------------------------------------------------------------------------------------
# 1. Bibliography values are escaped by construction


HOSTILE = "<script>alert(1)</script>"


def test_every_bibliography_field_is_escaped_in_the_formatted_reference():
    data = {
        "id": "evil2000paper",
        "type": "article-journal",
        "title": f"Title {HOSTILE} & more",
        "author": [{"family": f"Fam{HOSTILE}", "given": "AB"}, {"literal": "Org <img src=x onerror=alert(1)>"}],
        "container-title": f"Journal{HOSTILE}",
        "issued": {"date-parts": [[2000]]},
        "volume": f"1{HOSTILE}",
        "page": f"2{HOSTILE}",
        "publisher": f"P{HOSTILE}",
    }
    entry = bibliography.Entry("evil2000paper", data, 1)
    html = bibliography.format_entries(bibliography.Bibliography("b", {entry.key: entry}, []))[entry.key]
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; more" in html and "&amp;amp;" not in html  # escaped once, never twice
    # The only markup left is the style's own.
    assert nh3.clean(html, tags={"i", "b", "span", "sup", "sub"}, attributes={}) == html


def test_a_doi_or_url_that_could_leave_its_attribute_is_refused(tmp_path):
    bib = (
        ENTRY
        + """
- id: evil2000doi
  type: article-journal
  title: T
  author: [{family: Evil, given: A}]
  container-title: J
  issued: {date-parts: [[2000]]}
  DOI: '10.1000/x"><script>alert(1)</script>'
- id: evil2000url
  type: webpage
  title: T
  author: [{literal: Evil}]
  issued: {date-parts: [[2000]]}
  URL: 'https://example.org/"onmouseover="alert(1)'
"""
    )
    report = run_source_checks(
        site(tmp_path, {"index.md": FRONT + "# T\n\n[@bain1996effects] [@evil2000doi] [@evil2000url]\n"}, bib)
    )
    text = "\n".join(messages(report))
    assert "docs/bibliography.yaml:16: 'evil2000doi': malformed DOI" in text
    assert "docs/bibliography.yaml:22: 'evil2000url': malformed URL" in text
    assert bibliography.FORMATS["DOI"][0].match("10.1002/14651858.CD003279.pub3")


# --------------------------------------------------------------------------------------------
# 2. Raw HTML in pages is checked against an allowlist


def test_scripts_and_active_tags_in_a_page_are_refused_with_their_line():
    page = doc(
        """
        # Heading <script>alert(1)</script>

        Text <img src="x.png" onerror="alert(1)"> and <a href="javascript:alert(1)">a link</a>.

        <meta http-equiv="refresh" content="0;url=https://example.org/">
        <iframe src="https://example.org/"></iframe>
        <a href=" java&#x09;script:alert(1)">encoded</a> [md](javascript:alert(1))
        <style>body{display:none}</style><base href="https://example.org/"><form action="x"></form>
        <object data="x"></object><embed src="x"><link rel="stylesheet" href="x.css">
        <img src="data:image/png;base64,AAAA">
        """
    )
    found = [str(p) for p in raw_html.check(page)]
    for expected in (
        "docs/page.md:1: raw HTML <script> is not allowed: it runs a script",
        "docs/page.md:3: event-handler attribute 'onerror' on <img> is not allowed: it runs a script",
        "docs/page.md:3: <a href>: address 'javascript:alert(1)' uses 'javascript:'",
        "docs/page.md:5: raw HTML <meta> is not allowed",
        "docs/page.md:6: raw HTML <iframe> is not allowed",
        "docs/page.md:7: <a href>: address ' java\tscript:alert(1)' uses 'javascript:'",
        "docs/page.md:7: link: address 'javascript:alert(1' uses 'javascript:'",
        "docs/page.md:8: raw HTML <style> is not allowed",
        "docs/page.md:8: raw HTML <base> is not allowed",
        "docs/page.md:8: raw HTML <form> is not allowed",
        "docs/page.md:9: raw HTML <object> is not allowed",
        "docs/page.md:9: raw HTML <embed> is not allowed",
        "docs/page.md:9: raw HTML <link> is not allowed",
        "docs/page.md:10: <img src>: <img src> must be a path on this site",
    ):
        assert any(line.startswith(expected) for line in found), (expected, found)


def test_html_pages_legitimately_use_stays_allowed_and_code_is_not_html():
    page = doc(
        """
        <div class="note" markdown>Some <abbr title="intravenous immunoglobulin">IVIG</abbr>,
        H<sub>2</sub>O, x<sup>2</sup>,<br> <span id="a">span</span></div>

        <details><summary>More</summary><p>Hidden text.</p></details>

        <table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td colspan="2">1</td></tr></tbody></table>

        <a href="https://www.ncbi.nlm.nih.gov/">PubMed</a> <a href="../glossary.md#cmap">CMAP</a>
        <img src="../assets/figure.png" alt="A figure"> <https://example.org/> <!-- an editor's note -->

        Write `<script>` in code, or:

        ```html
        <script>alert(1)</script>
        ```
        """
    )
    assert raw_html.check(page) == []


def test_an_unclosed_comment_and_html_in_a_diagram_are_refused():
    page = doc(
        """
        # Title

        ```mermaid
        flowchart TD
            accTitle: <img src=x onerror=alert(1)>
            accDescr: plain words
            A["<b>bold</b>"] --> B
        ```

        <!-- this comment never ends
        """
    )
    assert [str(p) for p in raw_html.check(page)] == [
        "docs/page.md:10: HTML comment '<!--' is never closed with '-->': it would hide the rest of the page",
        "docs/page.md:5: HTML in a Mermaid diagram (a label, accTitle or accDescr) is not allowed: write plain words",
        "docs/page.md:7: HTML in a Mermaid diagram (a label, accTitle or accDescr) is not allowed: write plain words",
    ]


def test_the_rendered_page_is_checked_again_for_html_the_source_check_cannot_see():
    page = doc("<div>`<script>alert(1)</script>`</div>\n")
    rendered = '<div>`<script>alert(1)</script>`</div><p><a href="#ref-a">1</a></p>'
    assert [str(p) for p in raw_html.check_rendered(rendered, page, "docs/page.md")] == [
        "docs/page.md:1: raw HTML <script> is not allowed: it runs a script (found in the rendered page)"
    ]


def test_raw_html_is_part_of_the_source_checks(tmp_path):
    report = run_source_checks(
        site(tmp_path, {"index.md": FRONT + "# T\n\n<script>alert(1)</script> [@bain1996effects]\n"})
    )
    assert "docs/index.md:8: raw HTML <script> is not allowed: it runs a script" in messages(report)


# --------------------------------------------------------------------------------------------
# 3. Front matter and mkdocs.yml text that Material prints unescaped


def test_front_matter_text_that_would_be_markup_is_refused(tmp_path):
    page = (
        '---\ntitle: "IVIG <!-- hides the page"\ndescription: \'Ends the attribute" onfocus="alert(1)\'\n'
        "review_status: approved\nreviewed_by: <script>alert(1)</script>\nlast_reviewed: 2026-11-01\n"
        "last_updated: 2026-11-22\nnext_review: 2027-02-22\n---\n\n# T [@bain1996effects]\n"
    )
    found = messages(run_source_checks(site(tmp_path, {"index.md": page})))
    assert (
        "docs/index.md:2: front matter 'title' contains '<', which the theme would print as HTML: write plain text (no < > \" or &...;)"
        in found
    )
    assert any(m.startswith("docs/index.md:3: front matter 'description' contains '\"'") for m in found)
    assert any(m.startswith("docs/index.md:5: front matter 'reviewed_by' contains '<'") for m in found)
    assert site_text.markup_in("R&D, Q&A and IVIG & you") is None
    assert site_text.markup_in("a &lt;b") == "&lt;"


def test_nav_titles_and_the_site_name_are_plain_text(tmp_path):
    class Config(dict):
        config_file_path = str(tmp_path / "mkdocs.yml")

    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Site <b>\nnav:\n  - Home: index.md\n  - '<img src=x onerror=alert(1)>': x.md\n"
    )
    config = Config(yaml.safe_load((tmp_path / "mkdocs.yml").read_text()))
    assert [str(p) for p in site_text.check_config(config, "mkdocs.yml")] == [
        "mkdocs.yml:1: site_name contains '<', which the theme would print as HTML: write plain text (no < > \" or &...;)",
        "mkdocs.yml:4: nav title '<img src=x onerror=alert(1)>' contains '<', which the theme would print as HTML: write plain text (no < > \" or &...;)",
    ]


def test_the_site_templates_escape_by_construction():
    for name in (
        "page-status.html",
        "audience-chooser.html",
        "audience-welcome.html",
        "audience-difference.html",
        "page-actions.html",
        "audience-head.html",
        "json-ld.html",
    ):
        text = open(os.path.join(ROOT, "overrides", "partials", "lems", name), encoding="utf-8").read()
        assert text.startswith("{% autoescape true %}") and text.rstrip().endswith("{% endautoescape %}"), name
    options = open(
        os.path.join(ROOT, "overrides", "partials", "lems", "audience-options.html"), encoding="utf-8"
    ).read()
    assert "{{ a.label | e }}" in options


# --------------------------------------------------------------------------------------------
# 4. Only files inside the repository, and no active files, are published


def test_symlinks_leaving_the_repository_and_linked_folders_are_refused(tmp_path):
    settings = site(tmp_path, {"index.md": FRONT + "# T [@bain1996effects]\n"})
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    (outside / "secrets").mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("secret")
    (outside / "secrets" / "page.md").write_text("<script>alert(1)</script>")
    os.symlink(outside / "secret.txt", tmp_path / "docs" / "leak.txt")
    os.symlink(outside / "secrets", tmp_path / "docs" / "linked")
    os.symlink(tmp_path / "docs" / "includes", tmp_path / "docs" / "inside-link")
    found = messages(run_source_checks(settings))
    assert (
        f"docs/leak.txt:1: symlink leaves the repository ({outside / 'secret.txt'}): only files inside the repository are published"
        in found
    )
    assert (
        f"docs/linked:1: symlink to outside the repository ({outside / 'secrets'}): docs/ may hold only real folders"
        in found
    )
    assert any(m.startswith("docs/inside-link:1: symlink to a folder") for m in found)


def test_html_and_script_files_in_docs_are_refused_but_the_vendored_copy_is_not(tmp_path):
    settings = site(tmp_path, {"index.md": FRONT + "# T [@bain1996effects]\n"})
    docs = tmp_path / "docs"
    (docs / "page.html").write_text("<script>alert(1)</script>")
    (docs / "evil.js").write_text("alert(1)")
    (docs / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>')
    (docs / "plain.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    vendor, source = docs / "assets" / "vendor" / "mermaid", tmp_path / "node_modules" / "mermaid" / "dist"
    vendor.mkdir(parents=True)
    source.mkdir(parents=True)
    (source / "mermaid.esm.min.mjs").write_text("export default 1;")
    (vendor / "mermaid.esm.min.mjs").write_text("export default 1;")
    (vendor / "added.mjs").write_text("alert(1)")
    found = messages(run_source_checks(settings))
    for rel in ("docs/page.html", "docs/evil.js", "docs/assets/vendor/mermaid/added.mjs"):
        assert any(m.startswith(f"{rel}:1: HTML or script files are not published from docs/") for m in found), rel
    assert "docs/logo.svg:2: SVG with scripting ('<script'): draw it without scripts or event handlers" in found
    assert not any("mermaid.esm.min.mjs" in m or "plain.svg" in m for m in found)
    # A vendored file that differs from node_modules is not the pinned library.
    (vendor / "mermaid.esm.min.mjs").write_text("alert(1)")
    assert any(
        m.startswith("docs/assets/vendor/mermaid/mermaid.esm.min.mjs:1:") for m in messages(run_source_checks(settings))
    )


def test_snippets_include_only_from_docs_includes(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[remote]\n  url = secret\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    page = FRONT + '# T [@bain1996effects]\n\n--8<-- "../../.git/config"\n\n--8<-- "mkdocs.yml"\n\n--8<-- "ok.md"\n'
    settings = site(tmp_path, {"index.md": page}, includes={"ok.md": "Included <script>alert(1)</script>\n"})
    found = messages(run_source_checks(settings))
    assert (
        "docs/index.md:8: snippet '../../.git/config' is not a file in an allowed place (docs/includes): check the name, and put included text in docs/includes/"
        in found
    )
    assert (
        "docs/index.md:10: snippet 'mkdocs.yml' is not a file in an allowed place (docs/includes): check the name, and put included text in docs/includes/"
        in found
    )
    assert "docs/includes/ok.md:1: raw HTML <script> is not allowed: it runs a script" in found


def test_the_site_allows_snippets_from_docs_includes_and_contributing_only():
    config = open(os.path.join(ROOT, "mkdocs.yml"), encoding="utf-8").read()
    assert "base_path: [docs/includes, CONTRIBUTING.md]" in config and "restrict_base_path: true" in config
    bases = (os.path.join(ROOT, "docs", "includes"), os.path.join(ROOT, "CONTRIBUTING.md"))
    assert snippets.resolve_name("CONTRIBUTING.md", bases, ROOT) == os.path.join(ROOT, "CONTRIBUTING.md")
    for name in ("mkdocs.yml", ".git/config", "../mkdocs.yml", "../../mkdocs.yml", "README.md"):
        assert snippets.resolve_name(name, bases, ROOT) is None, name


def test_every_page_mkdocs_publishes_is_walked(tmp_path):
    settings = site(tmp_path, {"index.md": FRONT, "other.markdown": "<script>alert(1)</script>\n"})
    assert sorted(os.path.basename(p) for p in page_paths(settings.docs_dir)) == ["index.md", "other.markdown"]
    assert "docs/other.markdown:1: raw HTML <script> is not allowed: it runs a script" in messages(
        run_source_checks(settings)
    )


# --------------------------------------------------------------------------------------------
# 5. Patient text in admonitions, tables, lists and includes is graded

HARD = "Intravenous immunoglobulin administration necessitates comprehensive consideration of hypercoagulability and cardiovascular comorbidities"


@pytest.mark.parametrize(
    "body",
    [
        f'!!! warning "{HARD}"\n',
        f"| Column |\n|---|\n| {HARD} |\n",
        f"- {HARD}\n",
        f"/// details | {HARD}\n    type: note\n///\n",
    ],
    ids=["admonition title", "table row", "list", "details title"],
)
def test_patient_text_in_every_kind_of_block_is_graded(body):
    page = doc(f"/// audience | patient\n\n## A {{#a}}\n\nShort words.\n\n{body}\n///\n")
    [(line, title, text)] = readability.sections(page, "patient")
    assert "necessitates comprehensive" in text and "---" not in text
    assert readability.score(page, "patient")[0].grade > 8


def test_patient_text_in_a_snippet_include_is_graded(tmp_path):
    include = tmp_path / "hard.md"
    include.write_text(HARD + ".\n")
    page = doc('/// audience | patient\n\n## A {#a}\n\nShort words.\n\n--8<-- "hard.md"\n\n///\n')
    [(line, title, text)] = readability.sections(page, "patient", include=lambda name: str(include))
    assert "necessitates comprehensive" in text


# --------------------------------------------------------------------------------------------
# 6. Bad encodings give one clear message, never a traceback


def test_a_latin1_page_bibliography_or_abbreviations_file_is_reported_not_raised(tmp_path):
    page = (FRONT + "# Caf\xe9\n").encode("latin-1")
    latin_bib = ("- id: bain1996effects\n  title: Caf\xe9\n").encode("latin-1")
    cites = FRONT + "# T\n\n" + "".join(f"Text [@bain1996effects] {i}.\n" for i in range(50))
    settings = site(tmp_path, {"index.md": page, "cites.md": cites}, bib=latin_bib)
    settings = Settings(
        **{
            **settings.__dict__,
            "abbreviations_path": str(tmp_path / "docs" / "includes" / "abbreviations.md"),
            "glossary_path": str(tmp_path / "docs" / "cites.md"),
        }
    )
    (tmp_path / "docs" / "includes" / "abbreviations.md").write_bytes(
        "*[LEMS]: Lambert-Eaton caf\xe9\n".encode("latin-1")
    )
    found = messages(run_source_checks(settings))
    offset = page.index(b"\xe9")
    assert f"docs/index.md:6: not UTF-8 (byte 0xe9 at offset {offset}): save the file as UTF-8" in found
    bib_offset = latin_bib.index(b"\xe9")
    assert f"docs/bibliography.yaml:2: not UTF-8 (byte 0xe9 at offset {bib_offset}): save the file as UTF-8" in found
    assert any(m.startswith("docs/includes/abbreviations.md:1: not UTF-8 (byte 0xe9") for m in found)
    # One message for the unreadable bibliography, not one per citation.
    assert not any("is not in the bibliography" in m for m in found)


def test_read_utf8_names_the_byte_and_offset(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(b"a" * 287 + b"\xe9")
    with pytest.raises(files.SourceError) as caught:
        files.read_utf8(str(path), "docs/x.md")
    assert str(caught.value.problem) == "docs/x.md:1: not UTF-8 (byte 0xe9 at offset 287): save the file as UTF-8"


def test_a_grade_cache_inside_the_repository_is_never_read(tmp_path):
    """A cache that arrives with a pull request must not decide a grade (it only saves time)."""
    import dataclasses
    import hashlib
    import importlib.metadata
    import json

    from helpers import FRONT_MATTER, GOOD_ENTRY, doc, settings_for

    from lems_site.checks import grade_cache_path

    hard = "Notwithstanding pharmacokinetic heterogeneity, immunomodulatory interventions necessitate individualised titration."
    page = (
        FRONT_MATTER + f"\n# T\n\n/// audience | patient\n\n## Words {{#words}}\n\n{hard} [@bain1996effects]\n\n///\n"
    )
    settings = settings_for(tmp_path, GOOD_ENTRY, {"index.md": page})
    # A forged cache in the checkout saying every section reads at grade 1.
    planted = tmp_path / ".cache"
    planted.mkdir()
    section = readability.sections(doc(page, rel="docs/index.md"), "patient")[0][2]
    forged = {
        "textstat": importlib.metadata.version("textstat"),
        "grades": {hashlib.sha256(section.encode()).hexdigest(): 1.0},
    }
    (planted / "readability-grades.json").write_text(json.dumps(forged))
    inside = dataclasses.replace(settings, cache_dir=str(planted))
    assert grade_cache_path(inside) is None
    problems = [p.message for p in run_source_checks(inside).problems if "reads at grade" in p.message]
    assert len(problems) == 1 and "grade 1.0" not in problems[0]
