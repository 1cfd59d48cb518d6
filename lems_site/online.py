"""Compare a bibliography entry with what PubMed or Crossref holds for its PMID or DOI.

Pure functions only: reading the services' JSON, matching titles and years, and the wording
of every problem. The HTTP, the cache and the command line live in scripts/online_references.py.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass

# Two titles match when their normalised forms are this similar, or one contains the other.
TITLE_RATIO = 0.85
# An article published online ahead of print may be cited with a year either side of its
# online date (the print issue often comes out the following year).
ONLINE_FIRST_SLACK = 1

SERVICES = {"PMID": "PubMed", "DOI": "Crossref"}


@dataclass(frozen=True)
class Record:
    """What a service holds for one identifier: enough to recognise the work."""

    title: str
    year: int | None  # PubMed's pubdate; Crossref's issued date
    online_year: int | None = None  # PubMed's epubdate; Crossref's published-online
    print_year: int | None = None  # Crossref's published-print

    def to_json(self) -> dict:
        return {"title": self.title, "year": self.year, "online_year": self.online_year, "print_year": self.print_year}

    @classmethod
    def from_json(cls, data) -> "Record":
        """Rebuild a cached record; raise ValueError when the cached value is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("title"), str):
            raise ValueError("not a cached record")
        years = [data.get(name) for name in ("year", "online_year", "print_year")]
        if not all(y is None or (isinstance(y, int) and not isinstance(y, bool)) for y in years):
            raise ValueError("not a cached record")
        return cls(data["title"], *years)

    def describe_year(self) -> str:
        text = str(self.year) if self.year else "no year"
        if self.print_year and self.print_year != self.year:
            text += f", print {self.print_year}"
        if self.online_year and self.online_year != self.year:
            text += f", online {self.online_year}"
        return text


# --------------------------------------------------------------------------------------------
# Reading the services' answers


def _year(text) -> int | None:
    match = re.search(r"\d{4}", str(text or ""))
    return int(match.group(0)) if match else None


def _date_parts_year(value) -> int | None:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = parts[0][0]
        if isinstance(first, int) and not isinstance(first, bool):
            return first
        if isinstance(first, str) and first.isdigit():
            return int(first)
    return None


def clean_title(text) -> str:
    """A title as readers see it: entities decoded, markup (<i>, <sup>) dropped, one space."""
    text = html.unescape(re.sub(r"<[^>]*>", "", html.unescape(str(text or ""))))
    return " ".join(text.split())


def pubmed_record(payload, pmid: str) -> Record | None:
    """Read an E-utilities esummary answer (retmode=json). None when PubMed has no such PMID.

    Raises ValueError when the answer is not shaped like an esummary answer at all.
    """
    if not isinstance(payload, dict):
        raise ValueError("not an esummary answer")
    if "error" in payload:
        return None
    result = payload.get("result")
    if not isinstance(result, dict):
        if "esummaryresult" in payload:  # PubMed's way of saying "invalid id"
            return None
        raise ValueError("not an esummary answer")
    doc = result.get(str(pmid))
    if str(pmid) not in [str(u) for u in result.get("uids", [])] or not isinstance(doc, dict) or "error" in doc:
        return None
    year = _year(doc.get("pubdate"))
    online = _year(doc.get("epubdate"))
    return Record(clean_title(doc.get("title")), year or online, online)


def crossref_record(payload) -> Record:
    """Read a Crossref /works/{doi} answer. Raises ValueError when it is not one."""
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        raise ValueError("not a Crossref works answer")
    titles = message.get("title")
    title = titles[0] if isinstance(titles, list) and titles else titles if isinstance(titles, str) else ""
    printed = _date_parts_year(message.get("published-print"))
    online = _date_parts_year(message.get("published-online"))
    issued = _date_parts_year(message.get("issued")) or printed or online
    return Record(clean_title(title), issued, online, printed)


# --------------------------------------------------------------------------------------------
# Matching


def normalise_title(text) -> str:
    """Case, accents, punctuation and spacing removed: 'Lambert–Eaton: a Review.' -> 'lambert eaton a review'."""
    text = unicodedata.normalize("NFKD", clean_title(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def titles_match(entry_title, record_title) -> bool:
    ours, theirs = normalise_title(entry_title), normalise_title(record_title)
    if not theirs:  # the service gave no title: nothing to compare
        return True
    if not ours:
        return False
    if f" {ours} " in f" {theirs} " or f" {theirs} " in f" {ours} ":
        return True
    return difflib.SequenceMatcher(None, ours, theirs).ratio() >= TITLE_RATIO


def years_match(entry_year: int | None, record: Record) -> bool:
    known = {y for y in (record.year, record.online_year, record.print_year) if y}
    if entry_year is None or not known:  # nothing to compare (validate.py reports a missing year)
        return True
    if entry_year in known:
        return True
    return record.online_year is not None and abs(entry_year - record.online_year) <= ONLINE_FIRST_SLACK


# --------------------------------------------------------------------------------------------
# The wording of every problem (the path and line are added by the caller)


def mismatch(key: str, field: str, identifier: str, record: Record, entry_title, entry_year) -> str | None:
    """The problem when the record is not the entry's work, or None when they agree."""
    if titles_match(entry_title, record.title) and years_match(entry_year, record):
        return None
    return (
        f"'{key}': {SERVICES[field]} has {field} {identifier} as '{record.title}' ({record.describe_year()}); "
        f"the entry says '{clean_title(entry_title)}' ({entry_year or 'no year'})"
    )


def not_found(key: str, field: str, identifier: str) -> str:
    where = f"https://pubmed.ncbi.nlm.nih.gov/{identifier}/" if field == "PMID" else f"https://doi.org/{identifier}"
    return f"'{key}': {SERVICES[field]} has no record of {field} {identifier}: check it at {where}"


def unreachable(key: str, field: str, identifier: str, reason: str) -> str:
    return f"'{key}': could not check {field} {identifier}: {reason}"
