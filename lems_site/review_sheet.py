"""The reviewer's sheet: every cited sentence of one page beside the sources it cites.

A clinical reviewer works through it before setting `review_status: approved`: for each
sentence and each source it cites, the formatted reference (as on the site), its links, its
`unverified` note and the bibliography's `findings`, with a box to tick and a note field.

Pure: it takes the plugin's Report and returns one self-contained HTML file as text. Every
value reaches the HTML through Jinja's autoescape; the one piece of markup taken from
elsewhere, citeproc's formatted reference, is rebuilt from an allowlist of tags first.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from lems_site.references import bibliography
from lems_site.sources import BLOCK_CLOSE, BLOCK_OPEN, HEADING, INLINE_CODE, Document
from lems_site.vocabulary import CHANGE_LABELS, REVIEWS_DIR

TEMPLATE = "review-sheet.html"
# Where the browser keeps a reviewer's ticks and notes: `<prefix><page>:<sentence hash>:<key>`.
STORAGE_PREFIX = "lems.review:"

LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Stands for one citation while a unit is split into sentences: no Markdown character in it.
SENTINEL = re.compile(r"\x00(\d+)\x00")
# A full stop that may end a sentence, with what may close around it (`**`, `)`, quotes).
SENTENCE_END = re.compile(r"[.!?](?:\*\*|__|[*_)\]\"'\u2019\u201d])*(?=\s)")
STARTS_SENTENCE = re.compile(r"[\x00A-Z0-9\"\u201c\u2018(\[*_]")
# Words ending in a full stop that do not end a sentence ("Bain et al. 1996").
ABBREVIATIONS = {"al.", "e.g.", "i.e.", "vs.", "cf.", "dr.", "approx.", "no.", "fig.", "ca.", "ed."}
WHOLLY_BOLD = re.compile(r"^\s*(\*\*|__)[^*_]+\1\s*$")

# Tags citeproc's HTML formatter writes; anything else in a reference is shown as text.
REFERENCE_TAGS = {"i", "b", "em", "strong", "sup", "sub", "span"}


@dataclass(frozen=True)
class Cited:
    """One source cited by a sentence, with what the author wrote around its key."""

    key: str
    detail: str = ""  # locator, prefix or suffix, when the citation carries them
    times: int = 1  # how often the sentence cites it: one pair, however often


@dataclass
class Sentence:
    """A cited sentence (or list item, or table row) as plain text, with its sources."""

    audience: str | None
    heading: str
    line: int  # the source line of its first citation
    text: str
    sources: list[Cited] = field(default_factory=list)
    hash: str = ""
    # The uncited sentences just before it in the same paragraph: a reviewer sees whether the
    # citation is meant to cover them too.
    before: str = ""
    lines: tuple = ()  # the source lines of all its citations
    kind: str = "paragraph"  # the unit it comes from: paragraph, item, row or heading
    # As the reader sees it: plain text with each citation rendered by the site's citation code.
    html: Markup = Markup("")
    # An uncited sentence already shown as the `before` of the cited sentence after it.
    shown_before: bool = False
    earlier: list = field(default_factory=list)  # those uncited sentences, for a cited one

    @property
    def fingerprint(self) -> str:
        """sha256 of the sentence's normalised text: what a review record keeps of it."""
        return fingerprint(self.text)

    @property
    def keys(self) -> tuple[str, ...]:
        """The cited keys, in order."""
        return tuple(s.key for s in self.sources)


def fingerprint(text: str) -> str:
    """sha256 (hex) of the text in Unicode NFC with its white space collapsed."""
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Sentences


def sentences(doc: Document, citations: list, *, everything: bool = False, cite=None) -> list[Sentence]:
    """Every sentence of the page that cites a source, in page order.

    With `everything`, every sentence of the page, cited or not, headings included (what a
    review record fingerprints). `cite(citation) -> Markup` renders a citation for
    `Sentence.html`, as the reader sees it (without it the html is the plain text).

    Each citation belongs to the sentence it closes: the sentence (or list item, or table row)
    around it, joined with the continuation lines of its paragraph, as plain text without
    Markdown or citation markers. Several citations in one sentence pair it with all their
    keys, each once.
    """
    by_line: dict[int, list] = {}
    for citation in citations:
        if tuple(getattr(citation, "keys", ()) or ()):
            by_line.setdefault(citation.line, []).append(citation)
    found: list[Sentence] = []
    seen: dict[str, int] = {}
    for unit in _units(doc):
        if not everything and not any(number in by_line for number, _ in unit.lines):
            continue
        for sentence in _sentences_of(unit, by_line, doc, everything=everything, cite=cite):
            base = _hash(doc.rel, sentence.audience, sentence.text)
            # The same sentence twice on a page keeps two separate ticks.
            seen[base] = seen.get(base, 0) + 1
            sentence.hash = base if seen[base] == 1 else f"{base}-{seen[base]}"
            found.append(sentence)
    return found


@dataclass
class _Unit:
    kind: str  # "paragraph", "item" (list item), "row" (table row) or "heading"
    heading: str
    lines: list  # (line number, text)


def _units(doc: Document):
    """Paragraphs, list items, table rows and headings, outside code, with their heading."""
    heading = ""
    current: _Unit | None = None
    for number, text in doc.lines:
        stripped = text.strip()
        if doc.is_code(number) or not stripped or BLOCK_OPEN.match(text) or BLOCK_CLOSE.match(text):
            if current:
                yield current
            current = None
            continue
        match = HEADING.match(text)
        if match or stripped.startswith("|"):
            if current:
                yield current
            current = None
            if match:
                heading = _plain(match.group("text"))
                yield _Unit("heading", heading, [(number, text)])
            elif not TABLE_SEPARATOR.match(text):
                yield _Unit("row", heading, [(number, text)])
            continue
        if LIST_ITEM.match(text):
            if current:
                yield current
            current = _Unit("item", heading, [(number, text)])
        elif current is None:
            current = _Unit("paragraph", heading, [(number, text)])
        else:
            current.lines.append((number, text))
    if current:
        yield current


def _sentences_of(unit: _Unit, by_line: dict, doc: Document, *, everything=False, cite=None) -> list[Sentence]:
    cited: list = []  # the unit's citations, in order; sentinel i stands for cited[i]
    pieces = []
    # A citation that runs on over a line break (`[@a;` then `@b]`) is one sentinel on its first
    # line: its rest, at the start of the next line, is blanked so the reader's text stays whole.
    continued = {
        c.end_line: c.end_column
        for number, _ in unit.lines
        for c in by_line.get(number, [])
        if getattr(c, "end_line", 0) > c.line
    }
    glued = set()  # pieces that carry on the sentence of a split citation without a space
    for index, (number, text) in enumerate(unit.lines):
        if number in continued:
            column = continued[number]
            text = " " * column + text[column:]
            glued.add(index)
        # Markers go after the citations are found: their columns are those of the source line.
        piece = _with_sentinels(text, by_line.get(number, []), cited)
        if index == 0 and unit.kind == "item":
            piece = LIST_ITEM.sub("", piece, count=1)
        elif index == 0 and unit.kind == "heading":
            piece = re.sub(r"^\s*#{1,6}\s+|\s*\{[^}]*\}\s*#*\s*$", "", piece)
        pieces.append(re.sub(r"^\s*>\s?", "", piece))
    if unit.kind == "row":
        cells = [cell.strip() for cell in pieces[0].strip().strip("|").split("|")]
        parts = [" | ".join(cell for cell in cells if cell)]
    else:
        joined = ""
        for index, piece in enumerate(pieces):
            piece = piece.strip()
            gap = "" if not joined or (index in glued and not piece[:1].isalnum()) else " "
            joined += gap + piece
        parts = _split(joined) if unit.kind != "heading" else [joined]
    audience = doc.audience_at(unit.lines[0][0])
    result: list[Sentence] = []
    uncited: list[Sentence] = []
    first = unit.lines[0][0]
    for part in parts:
        indices = [int(i) for i in SENTINEL.findall(part)]
        text = _plain(SENTINEL.sub(lambda m: _in_text(cited[int(m.group(1))]), part))
        shown = _reader_html(part, cited, cite)
        if not indices:
            if everything and text:
                uncited.append(Sentence(audience, unit.heading, first, text, kind=unit.kind, html=shown))
                result.append(uncited[-1])
            elif text:
                uncited.append(Sentence(audience, unit.heading, first, text))
            continue
        sources = []
        for index in indices:
            for item in _cited(cited[index]):
                at = next((i for i, s in enumerate(sources) if s.key == item.key), None)
                if at is None:
                    sources.append(item)
                    continue
                # Cited twice in one sentence (two cells of a row, say): one pair, every locator.
                old = sources[at]
                details = [old.detail] + ([item.detail] if item.detail and item.detail != old.detail else [])
                sources[at] = Cited(item.key, "; ".join(d for d in details if d), old.times + 1)
        lines = tuple(sorted({cited[i].line for i in indices}))
        before = " ".join(s.text for s in uncited)
        for earlier in uncited:
            earlier.shown_before = True
        found = Sentence(audience, unit.heading, lines[0], text, sources, before=before, lines=lines, kind=unit.kind)
        found.html = shown
        found.earlier = [u for u in uncited if everything]
        result.append(found)
        uncited = []
    return result


def _reader_html(part: str, cited: list, cite) -> Markup:
    """The sentence as the reader sees it: its plain text, each citation as the site renders it."""
    text = _plain(part)
    if cite is None:
        return escape(SENTINEL.sub(lambda m: _in_text(cited[int(m.group(1))]), text))
    pieces, last = [], 0
    for match in SENTINEL.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(cite(cited[int(match.group(1))]))
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def _with_sentinels(text: str, line_citations: list, cited: list) -> str:
    """The line with each citation replaced by a sentinel (and the spaces before it dropped)."""
    masked = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)
    spans = []
    cursor = 0
    for citation in line_citations:
        start, end = getattr(citation, "start", 0), getattr(citation, "end", 0)
        if not (isinstance(start, int) and isinstance(end, int) and end > start):
            start = masked.find(citation.text, cursor)
            if start < 0:
                continue
            end = start + len(citation.text)
        cursor = end
        spans.append((start, end, citation))
    out, last = [], 0
    for start, end, citation in sorted(spans, key=lambda s: s[0]):
        if start < last:
            continue
        keep = text[last:start]
        if not getattr(citation, "in_text", False):
            keep = keep.rstrip(" ")
        out.append(keep)
        out.append(f"\x00{len(cited)}\x00")
        cited.append(citation)
        last = end
    out.append(text[last:])
    return "".join(out)


def _split(text: str) -> list[str]:
    """Sentences of a paragraph or list item; a citation after a full stop stays with its sentence."""
    parts, start = [], 0
    for match in SENTENCE_END.finditer(text):
        rest = text[match.end() :].lstrip()
        word = text[: match.start() + 1].rsplit(None, 1)[-1].lower().lstrip("(*_")
        if not rest or not STARTS_SENTENCE.match(rest) or word in ABBREVIATIONS:
            continue
        parts.append(text[start : match.end()])
        start = match.end()
    parts.append(text[start:])
    merged: list[str] = []
    for part in parts:
        lead = re.match(r"^\s*((?:\x00\d+\x00\s*)+)", part)
        if lead and merged:
            # "It works. [@key] Next ..." - the citation closes the sentence before it.
            merged[-1] += lead.group(1).strip()
            part = part[lead.end() :]
        if merged and WHOLLY_BOLD.match(merged[-1]) and not SENTINEL.search(merged[-1]):
            # A bold lead-in ("**As tested.**") reads with the sentence after it.
            merged[-1] = merged[-1].rstrip() + " " + part.lstrip()
        elif part.strip():
            merged.append(part)
    return merged


def _cited(citation) -> list[Cited]:
    """The keys of one citation, with any locator, prefix or suffix the citation object carries."""
    items = getattr(citation, "items", None)
    if items:
        result = []
        for item in items:
            locator = getattr(item, "locator", None)
            bits = [getattr(item, "prefix", "") or "", _locator_text(locator), getattr(item, "suffix", "") or ""]
            result.append(Cited(item.key, " ".join(str(b).strip() for b in bits if str(b).strip())))
        return result
    locators = getattr(citation, "locators", None)
    keys = tuple(citation.keys)
    if isinstance(locators, Mapping):
        return [Cited(k, _locator_text(locators.get(k))) for k in keys]
    if isinstance(locators, (list, tuple)) and len(locators) == len(keys):
        return [Cited(k, _locator_text(loc)) for k, loc in zip(keys, locators, strict=True)]
    return [Cited(k) for k in keys]


def _locator_text(locator) -> str:
    if not locator:
        return ""
    spoken = getattr(locator, "spoken", None)
    return str(spoken if spoken else locator)


def _in_text(citation) -> str:
    # An in-text citation ("@bain1996effects found") is part of the sentence: keep its key.
    if getattr(citation, "in_text", False):
        return ", ".join(citation.keys)
    return ""


def _plain(markdown: str) -> str:
    """Markdown to the text a reader sees: no emphasis, links, attributes, tags or escapes."""
    text = INLINE_CODE.sub(lambda m: m.group(0).strip("`").strip(), markdown)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"\{[#.:][^}]*\}", "", text)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"</?[A-Za-z][^<>]*>", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?!\w)", r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|@])", r"\1", text)
    text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


def _hash(page: str, audience: str | None, text: str) -> str:
    # A changed sentence gets a new hash, so an earlier tick does not carry over to it.
    return hashlib.sha256(f"{page}\n{audience or ''}\n{text}".encode()).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# The sheet


def build(
    report,
    rel: str,
    *,
    audiences: Mapping[str, str],
    commit: str | None = None,
    generated: _dt.date | None = None,
    formatted: Mapping[str, str] | None = None,
    stem: str | None = None,
) -> str:
    """The reviewer's sheet of page `rel` (a key of `report.documents`), as one HTML file.

    `audiences` maps each audience id to its heading ("For patients and families"), in the
    site's order; `formatted` is `bibliography.format_entries(report.bibliography)`, computed
    here when not given; `stem` names the exported record (`reviews/<stem>-<date>.yaml`).
    Every sentence of every version is on the sheet (a review record fingerprints them all);
    the cited ones carry a tick and a note per source. Against the latest record of the page
    (report.reviews), new and changed sentences are marked and unchanged ones keep their ticks.
    """
    from lems_site import review, review_records
    from lems_site.references import citations as citation_code

    doc = report.documents[rel]
    bib = report.bibliography
    entries = bib.entries if bib else {}
    if formatted is None:
        formatted = bibliography.format_entries(bib) if entries else {}
    found_citations = report.citations.get(rel, [])
    # Citations as the reader sees them: the page's numbers, through the site's own code.
    numbers = citation_code.number_keys(found_citations, set(formatted))
    names = citation_code.author_names(bib) if bib else {}

    def cite(citation) -> Markup:
        return citation_code.render(citation, numbers=numbers, names=names)

    current = review_records.current_sentences(doc, found_citations, cite)
    page_review = getattr(report, "reviews", {}).get(rel)
    baseline = page_review.latest if page_review else None

    sections = []
    seen_keys: set[str] = set()
    all_marks = {"new": 0, "changed": 0}
    for audience in _audiences_in_order(doc, [s for v in current.values() for s in v]):
        version = audience or review_records.OUTSIDE
        items = current.get(version, [])
        marks = dict(zip(map(id, items), review_records.changes(baseline, version, items), strict=True))
        for mark in marks.values():
            if mark:
                all_marks[mark] += 1
        kept = review_records.ticks(baseline, version)
        groups: list[dict] = []
        number = 0
        for sentence in items:
            if not groups or groups[-1]["heading"] != sentence.heading:
                groups.append({"heading": sentence.heading, "heading_sentence": None, "sentences": []})
            group = groups[-1]
            if sentence.shown_before:
                continue  # shown with the cited sentence after it
            if sentence.kind == "heading" and not sentence.sources:
                group["heading_sentence"] = {"fingerprint": sentence.fingerprint, "change": marks[id(sentence)]}
                continue
            value = _sentence_values(sentence, len(sections), entries, formatted, marks, kept, seen_keys)
            if sentence.sources:
                number += 1
                value["number"] = number
            group["sentences"].append(value)
        cited = [s for s in items if s.sources]
        sections.append(
            {
                "id": f"audience-{audience}" if audience else "audience-none",
                "version": version,
                "label": audiences.get(audience, audience) if audience else EVERY_VERSION_LABEL,
                "groups": groups,
                "sentences": len(cited),
                "all_sentences": len(items),
                "pairs": sum(len(s.sources) for s in cited),
            }
        )

    front = doc.front_matter or {}
    values_now = review.status_values(front, page_review)
    record = baseline
    values = {
        "title": str(front.get("title") or _first_heading(doc) or rel),
        "path": rel,
        "storage_prefix": f"{STORAGE_PREFIX}{rel}:",
        "status": values_now["status"],
        "status_label": values_now["status_label"],
        "reviewed_by": values_now["reviewed_by"],
        "last_reviewed": values_now["last_reviewed"],
        "dates": [(label, str(front[key])) for key, label in _DATES if front.get(key) not in (None, "")],
        "commit": commit,
        "generated": (generated or _dt.date.today()).isoformat(),
        "sections": sections,
        "total_sentences": sum(s["sentences"] for s in sections),
        "total_all": sum(s["all_sentences"] for s in sections),
        "total_pairs": sum(s["pairs"] for s in sections),
        "problems": [str(p) for p in getattr(report, "problems", []) if p.path == rel],
        "record": record,
        "marks": all_marks,
        "change_labels": CHANGE_LABELS,
        "stem": stem or page_stem(rel, rel.split("/", 1)[0]),
        "reviews_dir": REVIEWS_DIR,
    }
    return _environment().get_template(TEMPLATE).render(**values)


def page_stem(rel: str, docs_dir: str) -> str:
    """docs/treatment/ivig.md -> treatment-ivig: the sheet's and the record's file names."""
    inside = rel[len(docs_dir) + 1 :] if rel.startswith(docs_dir + "/") else rel
    return os.path.splitext(inside)[0].replace("/", "-")


# Cited text outside the audience blocks, such as the urgent-help callout, which every version shows.
EVERY_VERSION_LABEL = "Every version (urgent help, text outside the versions)"

_DATES = (
    ("last_updated", "Last updated"),
    ("next_review", "Next review due"),
)


def _audiences_in_order(doc: Document, found: list[Sentence]) -> list:
    """Audiences in the order their text appears on the page.

    Text outside every block (the urgent-help callout, first on its page) stands where it is.
    """
    first: dict = {}
    for sentence in found:
        first.setdefault(sentence.audience, sentence.line)
    return sorted(first, key=first.get)


def _sentence_values(sentence: Sentence, section: int, entries, formatted, marks, kept, seen_keys) -> dict:
    change = marks.get(id(sentence))
    sources = []
    for index, cited in enumerate(sentence.sources):
        entry = entries.get(cited.key)
        data = entry.data if entry else {}
        findings = data.get("findings")
        # An unchanged sentence keeps the tick and note of the latest record.
        earlier = kept.get((sentence.fingerprint, cited.key)) if change is None else None
        sources.append(
            {
                "key": cited.key,
                "times": cited.times,
                "detail": cited.detail,
                "known": entry is not None,
                "reference": safe_reference_html(formatted.get(cited.key, "")) if entry else "",
                "links": identifier_links(entry) if entry else [],
                "unverified": entry.unverified if entry else None,
                "findings": str(findings).strip() if findings not in (None, "") else "",
                "pair": f"{sentence.hash}:{cited.key}",
                "field": f"s{section}-{sentence.hash}-{index}",
                # The first pair of each source is where the sentence's citation links point.
                "anchor": f"ref-{cited.key}" if cited.key not in seen_keys else "",
                "checked": bool(earlier and earlier.checked),
                "note": earlier.note if earlier else "",
            }
        )
        seen_keys.add(cited.key)
    earlier_sentences = [
        {"text": e.text, "fingerprint": e.fingerprint, "change": marks.get(id(e))} for e in sentence.earlier
    ]
    changes = [change] + [e["change"] for e in earlier_sentences]
    return {
        "text": sentence.text,
        "html": sentence.html or escape(sentence.text),
        "before": sentence.before,
        "earlier": earlier_sentences,
        "line": sentence.line,
        "lines": " ".join(str(n) for n in sentence.lines),
        "hash": sentence.hash,
        "fingerprint": sentence.fingerprint,
        "kind": sentence.kind,
        "change": change,
        "any_change": next((c for c in changes if c), None),
        "sources": sources,
    }


def _first_heading(doc: Document) -> str:
    for number, text in doc.lines:
        match = HEADING.match(text)
        if match and not doc.is_code(number):
            return _plain(match.group("text"))
    return ""


def identifier_links(entry) -> list[tuple[str, str]]:
    """(label, address) of PubMed, PubMed Central and doi.org, or the source address, as on the site.

    Only an identifier in its checked form is linked, so a malformed value never becomes an
    address in the sheet.
    """
    data = entry.data
    found = {}
    for name in ("PMID", "PMCID", "DOI", "URL"):
        value = str(data.get(name) or "").strip()
        pattern, _ = bibliography.FORMATS[name]
        if value and pattern.match(value):
            found[name] = value
    links = []
    if "PMID" in found:
        links.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{found['PMID']}/"))
    if "PMCID" in found:
        links.append(("PubMed Central", f"https://pmc.ncbi.nlm.nih.gov/articles/{found['PMCID']}/"))
    if "DOI" in found:
        links.append(("DOI", f"https://doi.org/{found['DOI']}"))
    if "URL" in found and not links:
        links.append(("Source", found["URL"]))
    return links


class _ReferenceCleaner(HTMLParser):
    """Rebuild citeproc's HTML from text and a few tags, each without attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in REFERENCE_TAGS:
            self.out.append(f"<{tag}>")
            self.open.append(tag)
        else:
            self.out.append(str(escape(self.get_starttag_text() or "")))

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break
        else:
            self.out.append(str(escape(f"</{tag}>")))

    def handle_data(self, data):
        self.out.append(str(escape(data)))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def safe_reference_html(formatted: str) -> Markup:
    """The reference citeproc formatted, as safe markup.

    citeproc passes a title's `<` and `&` through as markup, so the text is parsed and
    written again: the formatter's own tags stay, everything else is shown as text.
    """
    cleaner = _ReferenceCleaner()
    cleaner.feed(formatted)
    return Markup(cleaner.result())  # noqa: S704 - rebuilt above from escaped text and bare tags


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("lems_site", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
