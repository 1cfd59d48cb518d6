"""Compare bibliography entries with what PubMed or Crossref holds for their PMID or DOI.

Reading the services' JSON, matching titles and years and the wording of every problem are
pure functions; `check()` asks the services through a `requests.Session` it is given, and
`make_session()` builds the one the site uses: an on-disk cache (requests-cache), bounded
retries on HTTP 429 and 503 that honour Retry-After (urllib3 `Retry`), and PubMed's rate
limit. scripts/online_references.py is the command line around them.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import sqlite3
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from lems_site.problems import Problem

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

    def describe_year(self) -> str:
        """The record's years as the problem message shows them: '2000, online 1999'."""
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
    """Whether two titles name the same work (case, accents, markup and punctuation aside)."""
    ours, theirs = normalise_title(entry_title), normalise_title(record_title)
    if not theirs:  # the service gave no title: nothing to compare
        return True
    if not ours:
        return False
    if f" {ours} " in f" {theirs} " or f" {theirs} " in f" {ours} ":
        return True
    return difflib.SequenceMatcher(None, ours, theirs).ratio() >= TITLE_RATIO


def years_match(entry_year: int | None, record: Record) -> bool:
    """Whether the entry's year is one of the record's (or within a year of its online date)."""
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
    """The problem when a service has no record of the identifier."""
    where = f"https://pubmed.ncbi.nlm.nih.gov/{identifier}/" if field == "PMID" else f"https://doi.org/{identifier}"
    return f"'{key}': {SERVICES[field]} has no record of {field} {identifier}: check it at {where}"


def unreachable(key: str, field: str, identifier: str, reason: str) -> str:
    """The problem when a service gave no usable answer about an identifier."""
    return f"'{key}': could not check {field} {identifier}: {reason}"


# --------------------------------------------------------------------------------------------
# Asking the services

PUBMED_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
CROSSREF_URL = "https://api.crossref.org"
USER_AGENT = "lems-site-reference-check (mailto:editors@example.org)"
# NCBI allows 3 requests a second without an API key: one every 0.34 s stays under it.
PUBMED_INTERVAL = 0.34
CACHE_NAME = "online-references.sqlite"
# HTTP 429 and 503 are retried this many times; a Retry-After longer than RETRY_AFTER_MAX
# seconds is cut to it, so a service cannot stall the build for hours.
RETRIES = 2
RETRY_AFTER_MAX = 30


class _Retry(Retry):
    # urllib3 retries the first time without any pause when there is no Retry-After; a pause
    # of at least a second keeps a retry inside PubMed's rate limit too.
    def get_backoff_time(self) -> float:
        return max(1.0, super().get_backoff_time())


class _RateLimited(HTTPAdapter):
    """An adapter that sends at most one request per `interval` seconds.

    Answers from the cache never reach the adapter, so only real requests wait.
    """

    def __init__(self, *, interval: float, **kwargs):
        super().__init__(**kwargs)
        self.interval = interval
        self._lock = threading.Lock()
        self._last = float("-inf")

    def send(self, request, **kwargs):
        with self._lock:
            delay = self._last + self.interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                return super().send(request, **kwargs)
            finally:
                self._last = time.monotonic()


def make_session(
    *,
    cache_dir: str,
    max_age_days: float = 30,
    pubmed_url: str = PUBMED_URL,
    pubmed_interval: float = PUBMED_INTERVAL,
    retries: int = RETRIES,
    warn=print,
) -> requests.Session:
    """A session with the answers cache in `cache_dir`, retries, and PubMed's rate limit.

    Only successful answers are cached, for `max_age_days` (0: ask again for everything). A
    cache file that cannot be read is reported through `warn`, removed and started anew.
    """
    import requests_cache

    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, CACHE_NAME)
    expire_after = timedelta(days=max_age_days) if max_age_days > 0 else requests_cache.DO_NOT_CACHE

    def open_cache() -> requests.Session:
        session = requests_cache.CachedSession(
            path, backend="sqlite", expire_after=expire_after, allowable_codes=(200,)
        )
        next(iter(session.cache.responses.keys()), None)  # reads the file: a damaged one fails here
        return session

    try:
        session = open_cache()
    except sqlite3.DatabaseError as err:
        warn(f"{path}: ignoring the cache ({err}); it will be rewritten")
        os.remove(path)
        session = open_cache()
    retry = _Retry(
        total=retries,
        # A refused connection or a timeout is reported at once, as the service being down
        # (read=False: urllib3 re-raises the timeout, which requests reports as one).
        connect=0,
        read=False,
        other=0,
        status=retries,
        status_forcelist=(429, 503),
        allowed_methods=("GET",),
        backoff_factor=1,
        respect_retry_after_header=True,
        retry_after_max=RETRY_AFTER_MAX,
        raise_on_status=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount(pubmed_url.rstrip("/") + "/", _RateLimited(interval=pubmed_interval, max_retries=retry))
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


@dataclass
class Outcome:
    """What one check found and what it cost."""

    problems: list[Problem] = field(default_factory=list)
    checked: int = 0  # identifiers compared
    from_cache: int = 0  # of which answered from the cache
    requests: int = 0  # requests sent (a retried request counts once)


class _UnansweredError(Exception):
    def __init__(self, reason: str, *, down: bool):
        super().__init__(reason)
        self.reason = reason
        self.down = down


def check(
    entries: Iterable,
    *,
    session: requests.Session,
    rel: str,
    pubmed_url: str = PUBMED_URL,
    crossref_url: str = CROSSREF_URL,
    timeout: float = 20,
) -> Outcome:
    """Compare every well-formed PMID and DOI of `entries` (bibliography `Entry`s) with the services.

    Every problem is at the line of the PMID or DOI field of `rel`. A service that cannot be
    reached is asked once, not once per identifier. The entries are only read.
    """
    from lems_site.references.bibliography import FORMATS

    outcome = Outcome()
    down: dict[str, str] = {}  # service -> why it did not answer
    for entry in entries:
        for name in ("PMID", "DOI"):
            value = entry.data.get(name)
            identifier = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
            if not identifier or not FORMATS[name][0].match(identifier):
                continue  # missing or malformed: the source checks report it
            line = entry.field_lines.get(name, entry.line)
            outcome.checked += 1
            service = SERVICES[name]
            try:
                if service in down:
                    raise _UnansweredError(down[service], down=True)
                url = _url(name, identifier, pubmed_url, crossref_url)
                record = _lookup(session, outcome, service, name, identifier, url, timeout)
            except _UnansweredError as err:
                if err.down:
                    down[service] = err.reason
                outcome.problems.append(Problem(rel, line, unreachable(entry.key, name, identifier, err.reason)))
                continue
            if record is None:
                message = not_found(entry.key, name, identifier)
            else:
                message = mismatch(entry.key, name, identifier, record, entry.data.get("title"), entry.year)
            if message:
                outcome.problems.append(Problem(rel, line, message))
    outcome.problems.sort()
    return outcome


def _url(name: str, identifier: str, pubmed_url: str, crossref_url: str) -> str:
    quoted = urllib.parse.quote(identifier)
    if name == "PMID":
        return f"{pubmed_url.rstrip('/')}/esummary.fcgi?db=pubmed&id={quoted}&retmode=json"
    return f"{crossref_url.rstrip('/')}/works/{quoted}"


def _lookup(session, outcome: Outcome, service: str, name: str, identifier: str, url: str, timeout: float):
    try:
        response = session.get(url, timeout=timeout)
    except requests.RequestException as err:
        outcome.requests += 1
        host = urllib.parse.urlsplit(url).netloc
        raise _UnansweredError(f"{service} at {host} did not answer ({_reason(err)})", down=True) from None
    if getattr(response, "from_cache", False):
        outcome.from_cache += 1
    else:
        outcome.requests += 1
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise _UnansweredError(
            f"{service} answered HTTP {response.status_code} {response.reason or ''}".rstrip(), down=False
        )
    try:
        payload = response.json()
        record = pubmed_record(payload, identifier) if name == "PMID" else crossref_record(payload)
    except ValueError as err:  # requests' JSONDecodeError is a ValueError too
        record, detail = None, "not valid JSON" if isinstance(err, requests.JSONDecodeError) else str(err)
    else:
        detail = None
    if (record is None or detail) and hasattr(session, "cache"):
        # PubMed says "no such PMID" with HTTP 200: only answers that name a work are kept.
        session.cache.delete(requests=[response.request])
    if detail:
        raise _UnansweredError(f"{service}'s answer is {detail}", down=False)
    return record


def _reason(err: requests.RequestException) -> str:
    if isinstance(err, requests.Timeout):
        return "timed out"
    if isinstance(err, requests.ConnectionError):
        return "connection refused or dropped"
    return type(err).__name__
