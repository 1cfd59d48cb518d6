"""Every source-level rule over the whole docs tree, in one pass: all problems, never the first."""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field

from lems_site import audiences, review_records, urgent
from lems_site import review as frontmatter
from lems_site import sources as document
from lems_site.checks import files, glossary, headings, raw_html, readability, site_text, snippets, unfinished, wording
from lems_site.checks.files import is_inside
from lems_site.config import Settings
from lems_site.diagrams import checks as diagrams
from lems_site.problems import Problem, relpath
from lems_site.references import bibliography, citations, research

# Markdown included into other pages (snippets), not pages of their own.
INCLUDES_DIR = "includes"


def grade_cache_path(settings: Settings) -> str | None:
    """Where readability grades are kept between builds, never inside the repository.

    A cache is only allowed to save time: one that arrives with a pull request (committed, or
    written into the tree) could decide grades without computing them, so it is not read.
    """
    if not settings.cache_dir or is_inside(settings.cache_dir, settings.root):
        return None
    return os.path.join(settings.cache_dir, "readability-grades.json")


@dataclass
class Report:
    """Everything the source checks found: problems, reading grades, bibliography, pages, citations."""

    problems: list = field(default_factory=list)
    readability: list = field(default_factory=list)
    bibliography: bibliography.Bibliography | None = None
    documents: dict = field(default_factory=dict)  # rel -> Document
    citations: dict = field(default_factory=dict)  # rel -> [Citation]
    reviews: dict = field(default_factory=dict)  # rel -> review_records.PageReview, pages with a record

    def failing(self, fail_overdue: bool = False) -> list[Problem]:
        """The problems that fail the build: errors, and overdue reviews too under `fail_overdue`."""
        return [p for p in self.problems if p.severity == "error" or fail_overdue]


def page_paths(docs_dir: str) -> list[str]:
    """Every file MkDocs reads as a page: each Markdown suffix MkDocs knows, includes/ aside.

    Linked folders are not entered (MkDocs would follow them): files.check_docs_tree refuses
    each one, and the plugin warns about any page published without its checks.
    """
    from mkdocs.utils import markdown_extensions

    paths = []
    for folder, subfolders, names in os.walk(docs_dir):
        subfolders[:] = sorted(
            d
            for d in subfolders
            if not (folder == docs_dir and d == INCLUDES_DIR) and not os.path.islink(os.path.join(folder, d))
        )
        paths.extend(os.path.join(folder, f) for f in sorted(names) if f.lower().endswith(markdown_extensions))
    return paths


def run_source_checks(settings: Settings, *, today: _dt.date | None = None) -> Report:
    """All source checks over the docs tree, in one pass: every problem, never only the first."""
    today = today or _dt.date.today()
    report = Report()
    grades = readability.GradeCache(grade_cache_path(settings))
    rel = lambda path: relpath(path, settings.root)  # noqa: E731
    bib = bibliography.load(settings.bibliography_path, rel(settings.bibliography_path), today)
    report.bibliography = bib
    report.problems.extend(bib.problems)
    report.problems.extend(_check_research(settings, bib, rel))
    report.problems.extend(files.check_docs_tree(settings.docs_dir, settings.root))

    cited: set[str] = set()
    included: set[str] = set()
    for path in page_paths(settings.docs_dir):
        try:
            doc = document.parse(path, rel(path))
        except files.SourceError as err:
            report.problems.append(err.problem)
            continue
        report.documents[doc.rel] = doc
        report.problems.extend(check_document(doc, settings, today, bib, report, grades))
        for citation in report.citations[doc.rel]:
            cited.update(citation.keys)
        problems, paths = snippets.check(doc, _snippet_bases(settings), settings.root)
        report.problems.extend(problems)
        included.update(paths)
    # Each included file once, however many pages include it: its raw HTML reaches them all.
    for path in sorted(included):
        report.problems.extend(_check_included(path, rel(path)))

    report.problems.extend(_check_glossary(settings, report, rel))
    report.problems.extend(_check_urgent_patterns(settings, report))

    # The clinical review each page shows is computed from the committed records, never typed.
    records, problems = review_records.load(settings.root, report.documents, settings.audiences, today)
    report.problems.extend(problems)
    report.reviews = review_records.page_reviews(records, report.documents, report.citations)
    report.problems.extend(review_records.check_pages(report.reviews, report.documents))

    # An unreadable bibliography has no entries, so nothing is reported as uncited.
    for key, entry in bib.entries.items():
        if key not in cited:
            report.problems.append(
                Problem(rel(bib.path), entry.line, f"entry '{key}' is cited nowhere: cite it from a page or remove it")
            )
    report.problems.sort(key=lambda p: (p.path, p.line, p.message))
    grades.save()
    return report


def _check_research(settings: Settings, bib, rel) -> list[Problem]:
    """Each entry's `research:` against the research folder (none: the site keeps no research files)."""
    folder = settings.research_dir
    found = research.load(folder) if folder and os.path.isdir(folder) else None
    return research.check(bib, found, rel(folder) if folder else "research")


def _snippet_bases(settings: Settings) -> tuple[str, ...]:
    return settings.snippet_bases or (os.path.join(settings.docs_dir, INCLUDES_DIR),)


def _check_included(path: str, rel: str) -> list[Problem]:
    try:
        text = files.read_utf8(path, rel)
    except files.SourceError as err:
        return [err.problem]
    return raw_html.check_text(text, rel)


def _check_urgent_patterns(settings: Settings, report: Report) -> list[Problem]:
    if not settings.urgent_pages:
        return []
    pages = [urgent.page_path(rel, settings.docs_dir_rel) for rel in report.documents]
    try:
        with open(settings.config_file, encoding="utf-8") as handle:
            config_text = handle.read()
    except OSError:
        config_text = ""
    return urgent.check_patterns(
        settings.urgent_pages,
        pages,
        config_rel=relpath(settings.config_file, settings.root),
        config_text=config_text,
    )


def _check_glossary(settings: Settings, report: Report, rel) -> list[Problem]:
    if not (settings.abbreviations_path and os.path.isfile(settings.abbreviations_path)):
        return []
    glossary_doc = report.documents.get(rel(settings.glossary_path)) if settings.glossary_path else None
    if glossary_doc is None:
        return [
            Problem(
                rel(settings.abbreviations_path),
                1,
                f"no Glossary page at {rel(settings.glossary_path)} (glossary of the lems plugin in mkdocs.yml) "
                "to define these abbreviations",
            )
        ]
    try:
        entries = glossary.abbreviations(settings.abbreviations_path, rel(settings.abbreviations_path))
    except files.SourceError as err:
        return [err.problem]
    return glossary.check(rel(settings.abbreviations_path), entries, glossary_doc)


def check_document(doc, settings: Settings, today, bib, report: Report, grades=None) -> list[Problem]:
    """Every source problem of one page (its citations and reading grades are added to `report`)."""
    problems = frontmatter.check(doc, today)
    problems.extend(Problem(doc.rel, line, message) for line, message in doc.block_problems)
    problems.extend(audiences.check_blocks(doc, settings.audiences))
    page = urgent.page_path(doc.rel, settings.docs_dir_rel)
    problems.extend(urgent.check_blocks(doc, required=urgent.is_required(page, settings.urgent_pages)))
    problems.extend(headings.check(doc))
    problems.extend(site_text.check_front_matter(doc))
    problems.extend(raw_html.check(doc))
    found = citations.find(doc)
    report.citations[doc.rel] = found
    # An unreadable bibliography is one problem of its own; every key would otherwise be
    # reported as missing from it too.
    problems.extend(citations.check(doc, found if bib.loaded else [c for c in found if c.problem], bib))
    problems.extend(unfinished.check(doc, found, docs_rel=page, site_pages=settings.site_pages))
    problems.extend(diagrams.check(doc))
    problems.extend(wording.check(doc, plain_audience=settings.readability_audience))
    bases = _snippet_bases(settings)
    include = lambda name: snippets.resolve_name(name, bases, settings.root)  # noqa: E731
    scores = readability.score(doc, settings.readability_audience, grades, include=include)
    report.readability.extend(scores)
    problems.extend(readability.check(scores, settings.max_grade, settings.readability_audience))
    return problems


def check_rendered_html(html: str, rel: str, doc=None) -> list[Problem]:
    """An invalid `///` block renders silently as text: find it in the HTML, name its source line."""
    problems = []
    after = 0  # the HTML keeps source order: search on from the previous match
    for match in _LEFTOVER.finditer(_CODE.sub("", html)):
        text = match.group("text").strip()
        line = 1
        for number, source in doc.lines if doc else []:
            if number > after and source.strip() == text:
                line = after = number
                break
        problems.append(
            Problem(
                rel,
                line,
                f"block syntax '{text}' was left as literal text in the HTML: "
                "check the block name, its argument and its options",
            )
        )
    # A second look at raw HTML, after Markdown: whatever form slipped past the source check.
    problems.extend(raw_html.check_rendered(html, doc, rel))
    return problems


_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.S)
_LEFTOVER = re.compile(r"(?:^|>|\n)[ \t]*(?P<text>/{3,}[^<\n]*)")
