#!/usr/bin/env python3
"""Compare every PMID and DOI in the bibliography with PubMed and Crossref.

For each entry with a PMID, PubMed's record (E-utilities esummary) must carry the entry's
title and year; for each entry with a DOI, so must Crossref's. A PMID or DOI that does not
exist, and a service that cannot be reached, are problems too. Every problem is printed as
`path:line: message` (the line of the PMID or DOI field), then a count; exits 1 when there is
any problem. Reads the bibliography only; it never changes it.

Answers are cached in .cache/online-references.json: a rerun within --max-age-days sends no
request at all.

    python scripts/online_references.py
    python scripts/online_references.py --max-age-days 0     # ask again for everything
    python scripts/build.py --online                          # the validated build, plus this check
"""

from __future__ import annotations

import argparse
import datetime as _dt
import http.client
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


from lems_site import online
from lems_site.references import bibliography
from lems_site.problems import Problem, summary

PUBMED_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
CROSSREF_URL = "https://api.crossref.org"
USER_AGENT = "lems-site-reference-check (mailto:editors@example.org)"
# NCBI allows 3 requests a second without an API key; keep a little under it.
PUBMED_INTERVAL = 0.34
DEFAULT_CACHE = os.path.join(".cache", "online-references.json")


@dataclass
class Outcome:
    problems: list = field(default_factory=list)
    checked: int = 0  # identifiers compared
    from_cache: int = 0  # of which answered from the cache
    requests: int = 0  # HTTP requests sent


class Unanswered(Exception):
    """A service gave no usable answer. `down`: it could not be reached at all."""

    def __init__(self, reason: str, down: bool):
        super().__init__(reason)
        self.reason = reason
        self.down = down


class _Service:
    """One remote service: its name, politeness interval, and whether it is known to be down."""

    def __init__(self, name: str, timeout: float, interval: float = 0.0):
        self.name = name
        self.timeout = timeout
        self.interval = interval
        self.down_reason: str | None = None
        self._last = None
        self.requests = 0

    def get_json(self, url: str):
        """The JSON answer, or None for HTTP 404. Raises Unanswered."""
        if self.down_reason:  # one failed connection is enough: do not wait on it again
            raise Unanswered(self.down_reason, down=True)
        self._wait()
        self.requests += 1
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) URLs only
                body = response.read()
        except urllib.error.HTTPError as err:
            err.close()
            if err.code == 404:
                return None
            raise Unanswered(f"{self.name} answered HTTP {err.code} {err.reason}".rstrip(), down=False) from None
        except urllib.error.URLError as err:
            self._fail(url, _reason(err.reason))
        except (OSError, http.client.HTTPException) as err:  # timeouts and dropped connections
            self._fail(url, _reason(err))
        finally:
            self._last = time.monotonic()
        try:
            return json.loads(body)
        except ValueError:
            raise Unanswered(f"{self.name}'s answer is not valid JSON", down=False) from None

    def _fail(self, url: str, reason: str):
        host = urllib.parse.urlsplit(url).netloc
        self.down_reason = f"{self.name} at {host} did not answer ({reason})"
        raise Unanswered(self.down_reason, down=True) from None

    def _wait(self):
        if self._last is not None and self.interval:
            delay = self._last + self.interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)


def _reason(err) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


# --------------------------------------------------------------------------------------------
# The cache: {"PMID:8797464": {"title": ..., "year": ..., "online_year": ..., "print_year": ...,
#             "fetched": "2026-11-22T10:00:00+00:00"}, "DOI:10.1212/wnl.54.3.603": {...}}


def cache_key(field_name: str, identifier: str) -> str:
    return f"DOI:{identifier.lower()}" if field_name == "DOI" else f"{field_name}:{identifier}"


def load_cache(path: str) -> tuple[dict, bool]:
    """(entries, usable). A missing file is an empty cache; an unreadable one is ignored."""
    if not os.path.exists(path):
        return {}, True
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as err:
        print(f"{path}: ignoring the cache ({err}); it will be rewritten", file=sys.stderr)
        return {}, False
    return data, True


def _fetched(entry) -> _dt.datetime | None:
    try:
        when = _dt.datetime.fromisoformat(entry["fetched"])
    except (TypeError, KeyError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)


def cached_record(cache: dict, key: str, now: _dt.datetime, max_age_days: float) -> online.Record | None:
    entry = cache.get(key)
    fetched = _fetched(entry) if isinstance(entry, dict) else None
    if fetched is None or not _dt.timedelta(0) <= now - fetched <= _dt.timedelta(days=max_age_days):
        return None
    try:
        return online.Record.from_json(entry)
    except ValueError:
        return None


def save_cache(path: str, cache: dict) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".online-references.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(cache, out, indent=1, sort_keys=True, ensure_ascii=False)
            out.write("\n")
        os.replace(temporary, path)
    except OSError as err:
        print(f"{path}: could not write the cache: {err.strerror or err}", file=sys.stderr)


# --------------------------------------------------------------------------------------------
# The check


def check(
    bib: bibliography.Bibliography,
    *,
    rel: str | None = None,
    pubmed_url: str = PUBMED_URL,
    crossref_url: str = CROSSREF_URL,
    cache_path: str = DEFAULT_CACHE,
    max_age_days: float = 30,
    timeout: float = 20,
    pubmed_interval: float = PUBMED_INTERVAL,
    now: _dt.datetime | None = None,
) -> Outcome:
    """Compare every well-formed PMID and DOI of `bib` with PubMed and Crossref."""
    rel = rel or bibliography.relpath(bib.path, os.getcwd())
    now = now or _dt.datetime.now(_dt.timezone.utc)
    services = {
        "PMID": _Service("PubMed", timeout, pubmed_interval),
        "DOI": _Service("Crossref", timeout),
    }
    cache, usable = load_cache(cache_path)
    changed = not usable
    outcome = Outcome()

    for entry in bib.entries.values():
        for field_name in ("PMID", "DOI"):
            value = entry.data.get(field_name)
            identifier = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
            if not identifier or not bibliography.FORMATS[field_name][0].match(identifier):
                continue  # missing or malformed: scripts/validate.py reports it
            line = entry.field_lines.get(field_name, entry.line)
            outcome.checked += 1
            key = cache_key(field_name, identifier)
            record = cached_record(cache, key, now, max_age_days)
            if record is not None:
                outcome.from_cache += 1
            else:
                service = services[field_name]
                url = _url(field_name, identifier, pubmed_url, crossref_url)
                try:
                    record = _lookup(service, field_name, identifier, url)
                except Unanswered as err:
                    outcome.problems.append(Problem(rel, line, online.unreachable(entry.key, field_name, identifier, err.reason)))
                    continue
                if record is None:
                    outcome.problems.append(Problem(rel, line, online.not_found(entry.key, field_name, identifier)))
                    continue
                cache[key] = {**record.to_json(), "fetched": now.isoformat(timespec="seconds")}
                changed = True
            message = online.mismatch(entry.key, field_name, identifier, record, entry.data.get("title"), entry.year)
            if message:
                outcome.problems.append(Problem(rel, line, message))

    outcome.requests = sum(s.requests for s in services.values())
    if changed:
        save_cache(cache_path, cache)
    outcome.problems.sort()
    return outcome


def _url(field_name: str, identifier: str, pubmed_url: str, crossref_url: str) -> str:
    if field_name == "PMID":
        return f"{pubmed_url.rstrip('/')}/esummary.fcgi?db=pubmed&id={urllib.parse.quote(identifier)}&retmode=json"
    return f"{crossref_url.rstrip('/')}/works/{urllib.parse.quote(identifier)}"


def _lookup(service: _Service, field_name: str, identifier: str, url: str) -> online.Record | None:
    payload = service.get_json(url)
    if payload is None:
        return None
    try:
        return online.pubmed_record(payload, identifier) if field_name == "PMID" else online.crossref_record(payload)
    except ValueError as err:
        raise Unanswered(f"{service.name}'s answer is {err}", down=False) from None


# --------------------------------------------------------------------------------------------
# Command line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=os.path.join(_paths.ROOT, "mkdocs.yml"), help="the site's mkdocs.yml")
    parser.add_argument("--cache", default=None, help=f"the answers cache (default: {DEFAULT_CACHE} beside mkdocs.yml)")
    parser.add_argument("--max-age-days", type=float, default=30, help="reuse cached answers this recent (default: 30)")
    parser.add_argument("--pubmed-url", default=PUBMED_URL, help="E-utilities base address")
    parser.add_argument("--crossref-url", default=CROSSREF_URL, help="Crossref API base address")
    parser.add_argument("--timeout", type=float, default=20, help="seconds to wait for each answer (default: 20)")
    args = parser.parse_args(argv)

    from validate import load_settings_or_report  # the same loading, and errors, as validate.py

    settings = load_settings_or_report(args.config)
    if settings is None:
        return 2
    rel = bibliography.relpath(settings.bibliography_path, settings.root)
    bib = bibliography.load(settings.bibliography_path, rel, _dt.date.today())
    unreadable = [p for p in bib.problems if p.message.startswith(("the bibliography is not", "cannot read the bibliography", "CSL "))]
    if unreadable:
        for problem in unreadable:
            print(problem)
        print(summary(unreadable))
        return 1

    cache_path = args.cache or os.path.join(settings.root, DEFAULT_CACHE)
    outcome = check(
        bib,
        rel=rel,
        pubmed_url=args.pubmed_url,
        crossref_url=args.crossref_url,
        cache_path=cache_path,
        max_age_days=args.max_age_days,
        timeout=args.timeout,
    )
    for problem in outcome.problems:
        print(problem)
    print(
        f"{outcome.checked} identifier{'s' if outcome.checked != 1 else ''} checked: {outcome.from_cache} from the cache, "
        f"{outcome.requests} request{'s' if outcome.requests != 1 else ''} sent"
    )
    print(summary(outcome.problems))
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
