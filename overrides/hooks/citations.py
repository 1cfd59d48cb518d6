"""Render `[@key]` citations as numbered superscripts and append each page's reference list.

Numbers follow the order of first citation on the page and are the same in both audience
versions, so "reference 3" means one thing to a patient and their doctor. Each list entry
records which versions cite it; the page shows only the entries its visible version cites.
"""

from __future__ import annotations

import os

from sitekit import bibliography, citations, document, state

FULL_LIST_HEADING = "\n\n## Every reference {#every-reference}\n\n"
PAGE_LIST_HEADING = "\n\n## References {#references}\n\n"


def on_pre_build(config, **_):
    bib = state.report.bibliography if state.report else None
    state.formatted_references = bibliography.format_entries(bib) if bib and bib.entries else {}


def on_page_markdown(markdown, page, config, files, **_):
    report, bib = state.report, state.report.bibliography
    rel = os.path.relpath(page.file.abs_src_path, state.settings.root).replace(os.sep, "/")
    doc = report.documents.get(rel) or document.parse(page.file.abs_src_path, rel)
    found = report.citations.get(rel) or citations.find(doc)

    known = set(state.formatted_references)
    numbers = citations.number_keys(found, known)
    body = "\n".join(text for _, text in doc.lines)
    first_line = doc.body_start + (len(body) - len(body.lstrip("\n")))
    markdown = citations.replace_in_markdown(markdown, first_line, doc, numbers)

    if numbers:
        cited_in: dict[str, set] = {}
        for citation in found:
            for key in citation.keys:
                cited_in.setdefault(key, set()).add(citation.audience)
        markdown += PAGE_LIST_HEADING + citations.reference_list_html(
            numbers, cited_in, state.formatted_references, bib, state.settings.audiences
        ) + "\n"
    if page.meta.get("bibliography") == "full":
        markdown += FULL_LIST_HEADING + _full_list(bib) + "\n"
    return markdown


def _full_list(bib) -> str:
    """Every entry, by first author then year; ids match the per-page lists (`ref-<key>`)."""
    def sort_key(entry):
        first = (entry.data.get("author") or [{}])[0]
        return (str(first.get("family") or first.get("literal") or "").lower(), entry.year or 0, entry.key)

    items = [
        f'<li id="ref-{e.key}">{bibliography.entry_html(e, state.formatted_references[e.key])}</li>'
        for e in sorted(bib.entries.values(), key=sort_key) if e.key in state.formatted_references
    ]
    return '<ol class="lems-references lems-references--full">\n' + "\n".join(items) + "\n</ol>"
