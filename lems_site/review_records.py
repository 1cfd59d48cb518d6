"""Clinical review records: what a reviewer committed under `reviews/`, and the status it earns.

A record is the YAML file the reviewer's sheet exports (lems_site/review_sheet.py): who
reviewed (name, role), when, which page, and a fingerprint of every sentence of every version
with each sentence-source tick and note. The status a page shows is computed here and nowhere
else: "Clinically reviewed" only when the latest complete record (every pair ticked) matches
the page's text exactly, "Updated since its clinical review" when the text changed after it.

Records arrive by pull request, so each is hostile input: read as YAML nodes (never
constructed into objects), every value checked for its type and form, every problem reported
as `path:line: message`. A record with a problem counts for nothing.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from dataclasses import dataclass, field

import yaml

from lems_site import review_sheet
from lems_site.problems import Problem, relpath
from lems_site.vocabulary import REVIEWED, REVIEWS_DIR, UPDATED

# The version key of text outside every audience block (the page title, say): both read it.
OUTSIDE = "outside-versions"
SUFFIX = ".yaml"
# Files the folder may hold besides records.
NOT_RECORDS = {"README.md"}
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
KEY = re.compile(r"^[A-Za-z0-9_][\w:.#$%&+?<>~/-]{0,199}$")
# Plain text on one line: no markup characters, no control characters.
UNSAFE_TEXT = re.compile(r"[<>\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_NAME = 120
MAX_NOTE = 4000
MAX_BYTES = 5_000_000

TOP_KEYS = ("page", "reviewer", "date", "commit", "versions")
REQUIRED_TOP = ("page", "reviewer", "date", "versions")
SENTENCE_KEYS = ("fingerprint", "sources")
SOURCE_KEYS = ("key", "checked", "note")

STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class RecordedSource:
    """One sentence-source pair of a record: the reviewer's tick and note."""

    key: str
    checked: bool
    note: str = ""


@dataclass(frozen=True)
class RecordedSentence:
    """One sentence of a record: its fingerprint and the sources it cited then."""

    fingerprint: str
    sources: tuple[RecordedSource, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """The cited keys, in order."""
        return tuple(s.key for s in self.sources)


@dataclass
class Record:
    """One valid review record of one page."""

    path: str  # relative to the repository root
    page: str
    name: str
    role: str
    date: _dt.date
    versions: dict[str, list[RecordedSentence]] = field(default_factory=dict)
    commit: str = ""

    @property
    def complete(self) -> bool:
        """Every sentence-source pair ticked: the reviewer approved all of it."""
        return all(s.checked for v in self.versions.values() for sentence in v for s in sentence.sources)

    @property
    def reviewer(self) -> str:
        """Name and role, as the page shows them."""
        return f"{self.name}, {self.role}"


@dataclass
class PageReview:
    """What the records say of one page: the status to show and the records behind it."""

    status: str | None = None  # REVIEWED, UPDATED, or None (never reviewed)
    record: Record | None = None  # the latest complete record
    latest: Record | None = None  # the latest record of any kind: the sheet's baseline


# --------------------------------------------------------------------------------------------
# The page's text, as a record fingerprints it


def current_sentences(doc, citations, cite=None) -> dict[str, list]:
    """Every sentence of every version of the page (review_sheet.Sentence), by version key."""
    versions: dict[str, list] = {}
    for sentence in review_sheet.sentences(doc, citations, everything=True, cite=cite):
        versions.setdefault(sentence.audience or OUTSIDE, []).append(sentence)
    return versions


def _signature(sentences) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.fingerprint, tuple(s.keys)) for s in sentences]


def covers(record: Record, current: dict[str, list]) -> bool:
    """Whether the record holds exactly the page's sentences (and their sources), in order."""
    names = set(record.versions) | set(current)
    return all(_signature(record.versions.get(v, [])) == _signature(current.get(v, [])) for v in names)


def changes(record: Record | None, version: str, sentences: list) -> list[str | None]:
    """For each current sentence of a version: "new", "changed" or None (as in the record)."""
    if record is None:
        return [None] * len(sentences)
    old = _signature(record.versions.get(version, []))
    new = _signature(sentences)
    marks: list[str | None] = [None] * len(new)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, _, _, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "insert"):
            for j in range(j1, j2):
                marks[j] = "changed" if op == "replace" else "new"
    return marks


def ticks(record: Record | None, version: str) -> dict[tuple[str, str], RecordedSource]:
    """(fingerprint, key) -> the record's tick and note, to pre-fill an unchanged sentence."""
    if record is None:
        return {}
    return {(s.fingerprint, src.key): src for s in record.versions.get(version, []) for src in s.sources}


def page_reviews(records: list[Record], documents: dict, citations: dict) -> dict[str, PageReview]:
    """The computed review of every page that has a record."""
    by_page: dict[str, list[Record]] = {}
    for record in records:
        by_page.setdefault(record.page, []).append(record)
    result = {}
    for page, mine in by_page.items():
        mine.sort(key=lambda r: (r.date, r.path))
        complete = [r for r in mine if r.complete]
        review = PageReview(latest=mine[-1], record=complete[-1] if complete else None)
        if review.record is not None:
            current = current_sentences(documents[page], citations.get(page, []))
            review.status = REVIEWED if covers(review.record, current) else UPDATED
        result[page] = review
    return result


def check_pages(reviews: dict[str, PageReview], documents: dict) -> list[Problem]:
    """A reviewed page's next review must fall after its review."""
    problems = []
    for page, review in sorted(reviews.items()):
        doc = documents[page]
        due = doc.front_matter.get("next_review")
        if review.record is not None and isinstance(due, _dt.date) and due <= review.record.date:
            problems.append(
                Problem(
                    page,
                    doc.front_matter_lines.get("next_review", 1),
                    f"front matter 'next_review' ({due}) must be after the clinical review of "
                    f"{review.record.date} ({review.record.path}): set the date of the next review",
                )
            )
    return problems


# --------------------------------------------------------------------------------------------
# Reading records


def load(root: str, documents: dict, versions: tuple[str, ...], today: _dt.date) -> tuple[list[Record], list[Problem]]:
    """Every valid record under `<root>/reviews/`, and every problem of every file there."""
    folder = os.path.join(root, REVIEWS_DIR)
    records: list[Record] = []
    problems: list[Problem] = []
    if not os.path.isdir(folder) or os.path.islink(folder):
        if os.path.islink(folder):
            problems.append(Problem(REVIEWS_DIR, 1, "the reviews folder is a link: make it a folder of the repository"))
        return records, problems
    known = (*versions, OUTSIDE)
    for folder_now, subfolders, names in os.walk(folder):
        subfolders.sort()
        for name in sorted(subfolders):
            rel = relpath(os.path.join(folder_now, name), root)
            problems.append(
                Problem(rel, 1, f"folder inside {REVIEWS_DIR}/: expected records directly in {REVIEWS_DIR}/")
            )
        subfolders[:] = []
        for name in sorted(names):
            path = os.path.join(folder_now, name)
            rel = relpath(path, root)
            if name in NOT_RECORDS:
                continue
            if not name.endswith(SUFFIX) or os.path.islink(path):
                problems.append(
                    Problem(
                        rel,
                        1,
                        f"not a review record: expected a '{SUFFIX}' file (not a link) exported from the "
                        "reviewer's sheet (make review PAGE=...)",
                    )
                )
                continue
            record, found = read(path, rel, documents, known, today)
            problems.extend(found)
            if record is not None:
                records.append(record)
    return records, problems


def read(path: str, rel: str, documents: dict, versions: tuple[str, ...], today: _dt.date):
    """(Record or None, problems) of one record file."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            too_big = f"review record is larger than {MAX_BYTES} bytes: expected one page's record"
            return None, [Problem(rel, 1, too_big)]
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(rel, 1, "review record is not UTF-8 text: export it again from the reviewer's sheet")]
    except OSError as err:
        return None, [Problem(rel, 1, f"review record cannot be read: {err.strerror}")]
    return parse(text, rel, documents, versions, today)


def parse(text: str, rel: str, documents: dict, versions: tuple[str, ...], today: _dt.date):
    """(Record or None, problems) of a record's text."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                return None, [Problem(rel, line, "review record uses a YAML anchor or alias: write every value out")]
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        reason = getattr(err, "problem", None) or str(err)
        return None, [Problem(rel, mark.line + 1 if mark else 1, f"review record is not valid YAML: {reason}")]
    reader = _Reader(rel)
    top = reader.mapping(node, "the record", TOP_KEYS, REQUIRED_TOP, line=1)
    if top is None:
        return None, reader.problems
    page = reader.text(top.get("page"), "page", MAX_NAME * 4)
    if page is not None and page not in documents:
        reader.problem(top["page"], f"'page': expected a page of the site such as docs/treatment/ivig.md; got '{page}'")
        page = None
    name = role = None
    who = reader.mapping(top.get("reviewer"), "'reviewer'", ("name", "role"), ("name", "role"))
    if who is not None:
        name = reader.text(who.get("name"), "reviewer.name", MAX_NAME, plain=True)
        role = reader.text(who.get("role"), "reviewer.role", MAX_NAME, plain=True)
    date = reader.date(top.get("date"), today)
    commit = reader.text(top["commit"], "commit", 80, plain=True) if "commit" in top else ""
    recorded = reader.versions(top.get("versions"), versions)
    if reader.problems or None in (page, name, role, date, recorded, commit):
        return None, reader.problems
    return Record(rel, page, name, role, date, recorded, commit), []


class _Reader:
    """Checks YAML nodes against the record's schema, collecting every problem with its line."""

    def __init__(self, rel: str):
        self.rel = rel
        self.problems: list[Problem] = []

    def problem(self, node, message: str, line: int | None = None) -> None:
        at = line if line is not None else (node.start_mark.line + 1 if node is not None else 1)
        self.problems.append(Problem(self.rel, at, f"review record: {message}"))

    def mapping(self, node, what: str, allowed, required, line: int | None = None) -> dict | None:
        if not isinstance(node, yaml.MappingNode):
            if node is not None:
                self.problem(node, f"{what}: expected a mapping of keys to values", line)
            return None
        found: dict = {}
        for key, value in node.value:
            if not (isinstance(key, yaml.ScalarNode) and key.tag == STR and key.value in allowed):
                guess = difflib.get_close_matches(str(key.value), list(allowed), n=1, cutoff=0.6)
                hint = f" (did you mean '{guess[0]}'?)" if guess else f"; expected {', '.join(allowed)}"
                self.problem(key, f"{what}: unknown key '{_shown(key.value)}'{hint}")
            elif key.value in found:
                self.problem(key, f"{what}: '{key.value}' given twice")
            else:
                found[key.value] = value
        for key in required:
            if key not in found:
                self.problem(node, f"{what}: missing '{key}'", line)
        return found

    def text(self, node, what: str, limit: int, plain: bool = False) -> str | None:
        if node is None:
            return None
        if not (isinstance(node, yaml.ScalarNode) and node.tag == STR):
            self.problem(node, f"'{what}': expected text; got '{_shown(node.value)}'")
            return None
        value = node.value
        if plain and (UNSAFE_TEXT.search(value) or not value.strip() or len(value) > limit):
            self.problem(
                node,
                f"'{what}': expected plain text on one line, 1 to {limit} characters, without '<', '>' or "
                f"control characters; got '{_shown(value)}'",
            )
            return None
        if len(value) > limit:
            self.problem(node, f"'{what}': expected at most {limit} characters; got {len(value)}")
            return None
        return value.strip() if plain else value

    def date(self, node, today: _dt.date) -> _dt.date | None:
        if node is None:
            return None
        value = None
        scalar = isinstance(node, yaml.ScalarNode) and node.tag in (STR, TIMESTAMP)
        if scalar and re.fullmatch(r"\d{4}-\d{2}-\d{2}", node.value):
            try:
                value = _dt.date.fromisoformat(node.value)
            except ValueError:
                value = None
        if value is None:
            self.problem(node, f"'date': expected an ISO date (YYYY-MM-DD); got '{_shown(node.value)}'")
        elif value > today:
            self.problem(node, f"'date': {value} is in the future (today is {today}): give the day of the review")
            value = None
        return value

    def versions(self, node, versions: tuple[str, ...]) -> dict | None:
        found = self.mapping(node, "'versions'", versions, ())
        if found is None:
            return None
        result = {}
        for version, items in found.items():
            if not isinstance(items, yaml.SequenceNode):
                self.problem(items, f"'versions.{version}': expected a list of sentences")
                continue
            result[version] = [s for s in (self.sentence(item, version) for item in items.value) if s is not None]
        return result

    def sentence(self, node, version: str) -> RecordedSentence | None:
        where = f"a sentence of '{version}'"
        found = self.mapping(node, where, SENTENCE_KEYS, ("fingerprint",))
        if found is None:
            return None
        digest = found.get("fingerprint")
        if digest is not None and not (
            isinstance(digest, yaml.ScalarNode) and digest.tag == STR and FINGERPRINT.match(digest.value)
        ):
            shown = _shown(digest.value)
            self.problem(digest, f"'fingerprint': expected 64 lowercase hexadecimal digits (sha256); got '{shown}'")
            return None
        sources = []
        listed = found.get("sources")
        if listed is not None:
            if not isinstance(listed, yaml.SequenceNode):
                self.problem(listed, "'sources': expected a list of {key, checked, note}")
                return None
            for item in listed.value:
                source = self.source(item)
                if source is not None:
                    sources.append(source)
        return RecordedSentence(digest.value, tuple(sources)) if digest is not None else None

    def source(self, node) -> RecordedSource | None:
        found = self.mapping(node, "a source", SOURCE_KEYS, ("key", "checked"))
        if found is None:
            return None
        key = found.get("key")
        if key is not None and not (isinstance(key, yaml.ScalarNode) and key.tag == STR and KEY.match(key.value)):
            self.problem(key, f"'key': expected a bibliography id such as bain1996effects; got '{_shown(key.value)}'")
            key = None
        checked = found.get("checked")
        if checked is not None and not (
            isinstance(checked, yaml.ScalarNode) and checked.tag == BOOL and checked.value in ("true", "false")
        ):
            self.problem(checked, f"'checked': expected true or false; got '{_shown(checked.value)}'")
            checked = None
        note = self.text(found["note"], "note", MAX_NOTE) if "note" in found else ""
        if key is None or checked is None or note is None:
            return None
        return RecordedSource(key.value, checked.value == "true", note)


def _shown(value) -> str:
    """A value as a message shows it: one line, control characters written out, at most 80 characters."""
    if not isinstance(value, str):
        return "a list or mapping"
    control = UNSAFE_TEXT.search(value.replace("<", "").replace(">", ""))
    text = value.encode("unicode_escape").decode("ascii") if control else value
    return text if len(text) <= 80 else text[:77] + "..."
