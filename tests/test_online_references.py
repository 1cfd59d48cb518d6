"""scripts/online_references.py against a stub PubMed and Crossref on 127.0.0.1 (no network).

Every test asserts the exact lines an author would read.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import online_references
from conftest import ROOT, TODAY
from lems_site import online
from lems_site.references import bibliography

REL = "docs/bibliography.yaml"
SCRIPT = os.path.join(ROOT, "scripts", "online_references.py")

# The line numbers below are asserted by test_the_line_numbers_used_here_are_the_fields_lines.
BIB = """\
references:
- id: bain1996effects
  type: article-journal
  title: Effects of intravenous immunoglobulin on muscle weakness
  author:
    - {family: Bain, given: PG}
  container-title: Neurology
  issued: {date-parts: [[1996]]}
  PMID: "8797464"
- id: sanders2000randomized
  type: article-journal
  title: A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome
  author:
    - {family: Sanders, given: DB}
  container-title: Neurology
  issued: {date-parts: [[2000]]}
  PMID: "10680790"
  DOI: 10.1212/wnl.54.3.603
- id: shieh2019amifampridine
  type: article-journal
  title: Amifampridine phosphate in Lambert-Eaton myasthenic syndrome
  author:
    - {family: Shieh, given: P}
  container-title: Journal of Clinical Neuromuscular Disease
  issued: {date-parts: [[2019]]}
  PMID: "30801481"
  DOI: 10.1097/CND.0000000000000239
"""
LINES = {("bain1996effects", "PMID"): 9, ("sanders2000randomized", "PMID"): 17, ("sanders2000randomized", "DOI"): 18,
         ("shieh2019amifampridine", "PMID"): 26, ("shieh2019amifampridine", "DOI"): 27}

# What the stub services hold: PubMed-style titles (full stop, brackets) and Crossref-style
# (markup, other capitals), so the matching has to normalise.
PUBMED = {
    "8797464": {"title": "Effects of intravenous immunoglobulin on muscle weakness.", "pubdate": "1996 Sep", "epubdate": ""},
    "10680790": {"title": "A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome.", "pubdate": "2000 Feb 8", "epubdate": ""},
    "30801481": {"title": "Amifampridine Phosphate in Lambert-Eaton Myasthenic Syndrome.", "pubdate": "2019 Mar", "epubdate": ""},
}
CROSSREF = {
    "10.1212/wnl.54.3.603": {"title": ["A randomized trial of 3,4-diaminopyridine in Lambert–Eaton myasthenic syndrome"], "issued": {"date-parts": [[2000, 2, 8]]}},
    "10.1097/cnd.0000000000000239": {"title": ["<i>Amifampridine phosphate</i> in Lambert-Eaton myasthenic syndrome"], "issued": {"date-parts": [[2019, 3]]}, "published-print": {"date-parts": [[2019, 3]]}},
}


class Stub:
    """A PubMed esummary and a Crossref works endpoint; records every request it gets."""

    def __init__(self):
        self.pubmed = json.loads(json.dumps(PUBMED))
        self.crossref = json.loads(json.dumps(CROSSREF))
        self.requests = []  # (path, user agent, monotonic time)
        self.status = None  # when set, every request gets this HTTP status
        self.delay = 0.0  # seconds to wait before answering
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub.requests.append((self.path, self.headers.get("User-Agent"), time.monotonic()))
                url = urllib.parse.urlsplit(self.path)
                time.sleep(stub.delay)
                if stub.status:
                    return self._send(stub.status, {"error": "busy"})
                if url.path == "/eutils/esummary.fcgi":
                    query = urllib.parse.parse_qs(url.query)
                    assert query["db"] == ["pubmed"] and query["retmode"] == ["json"]
                    pmid = query["id"][0]
                    doc = dict(stub.pubmed[pmid], uid=pmid) if pmid in stub.pubmed else {"uid": pmid, "error": "cannot get document summary"}
                    return self._send(200, {"header": {"type": "esummary"}, "result": {"uids": [pmid], pmid: doc}})
                if url.path.startswith("/crossref/works/"):
                    doi = urllib.parse.unquote(url.path[len("/crossref/works/"):]).lower()
                    if doi in stub.crossref:
                        return self._send(200, {"status": "ok", "message-type": "work", "message": stub.crossref[doi]})
                    return self._send(404, None)
                return self._send(404, None)

            def _send(self, status, payload):
                body = json.dumps(payload).encode() if payload is not None else b"Resource not found."
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json" if payload is not None else "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting (the timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.pubmed_url = f"http://127.0.0.1:{self.port}/eutils"
        self.crossref_url = f"http://127.0.0.1:{self.port}/crossref"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server = Stub()
    yield server
    server.close()


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_bib(tmp_path, text=BIB):
    path = tmp_path / "bibliography.yaml"
    path.write_text(text)
    return bibliography.load(str(path), REL, TODAY)


def run_check(tmp_path, stub, text=BIB, **options):
    options.setdefault("cache_path", str(tmp_path / "cache" / "online-references.json"))
    options.setdefault("pubmed_interval", 0)
    return online_references.check(load_bib(tmp_path, text), rel=REL, pubmed_url=stub.pubmed_url, crossref_url=stub.crossref_url, **options)


def messages(outcome):
    return [str(p) for p in outcome.problems]


def site(tmp_path, text=BIB):
    """A docs tree with its own small mkdocs.yml, for running the command line."""
    docs = tmp_path / "site" / "docs"
    docs.mkdir(parents=True)
    (docs / "bibliography.yaml").write_text(text)
    config = tmp_path / "site" / "mkdocs.yml"
    config.write_text(textwrap.dedent("""\
        site_name: Online check fixture
        docs_dir: docs
        extra:
          audiences:
            - {id: patient, label: Patient or family member, block_label: For patients and families, schema_audience: Patient}
          bibliography: bibliography.yaml
        """))
    return str(config), str(docs / "bibliography.yaml")


def cli(config, stub_or_port, *extra):
    if isinstance(stub_or_port, Stub):
        urls = ["--pubmed-url", stub_or_port.pubmed_url, "--crossref-url", stub_or_port.crossref_url]
    else:
        urls = ["--pubmed-url", f"http://127.0.0.1:{stub_or_port}/eutils", "--crossref-url", f"http://127.0.0.1:{stub_or_port}/crossref"]
    return ["--config", config, *urls, *extra]


# --------------------------------------------------------------------------------------------
# Everything matching


def test_the_line_numbers_used_here_are_the_fields_lines(tmp_path):
    bib = load_bib(tmp_path)
    assert bib.problems == []
    assert {(key, name): entry.field_lines[name] for key, entry in bib.entries.items() for name in ("PMID", "DOI") if name in entry.data} == LINES


def test_all_matching_prints_no_problem_and_exits_0(tmp_path, stub, capsys):
    config, _ = site(tmp_path)
    assert online_references.main(cli(config, stub)) == 0
    assert capsys.readouterr().out == "5 identifiers checked: 0 from the cache, 5 requests sent\n0 problems found\n"
    paths = sorted(path for path, _, _ in stub.requests)
    assert paths == [
        "/crossref/works/10.1097/CND.0000000000000239",
        "/crossref/works/10.1212/wnl.54.3.603",
        "/eutils/esummary.fcgi?db=pubmed&id=10680790&retmode=json",
        "/eutils/esummary.fcgi?db=pubmed&id=30801481&retmode=json",
        "/eutils/esummary.fcgi?db=pubmed&id=8797464&retmode=json",
    ]
    assert {agent for _, agent, _ in stub.requests} == {"lems-site-reference-check (mailto:editors@example.org)"}


def test_the_cache_is_written_beside_mkdocs_yml_by_default(tmp_path, stub, capsys):
    config, _ = site(tmp_path)
    assert online_references.main(cli(config, stub)) == 0
    cache = json.loads((tmp_path / "site" / ".cache" / "online-references.json").read_text())
    assert sorted(cache) == ["DOI:10.1097/cnd.0000000000000239", "DOI:10.1212/wnl.54.3.603", "PMID:10680790", "PMID:30801481", "PMID:8797464"]
    assert {k: v for k, v in cache["PMID:8797464"].items() if k != "fetched"} == {
        "title": "Effects of intravenous immunoglobulin on muscle weakness.", "year": 1996, "online_year": None, "print_year": None,
    }
    assert _dt.datetime.fromisoformat(cache["PMID:8797464"]["fetched"]).tzinfo is not None


# --------------------------------------------------------------------------------------------
# Mismatches, unknown identifiers


def test_title_mismatch_is_reported_at_the_pmid_line(tmp_path, stub):
    stub.pubmed["8797464"]["title"] = "Some other title."
    assert messages(run_check(tmp_path, stub)) == [
        "docs/bibliography.yaml:9: 'bain1996effects': PubMed has PMID 8797464 as 'Some other title.' (1996); "
        "the entry says 'Effects of intravenous immunoglobulin on muscle weakness' (1996)",
    ]


def test_title_mismatch_is_reported_at_the_doi_line(tmp_path, stub):
    stub.crossref["10.1212/wnl.54.3.603"]["title"] = ["Plasma exchange in <i>myasthenia</i> gravis"]
    assert messages(run_check(tmp_path, stub)) == [
        "docs/bibliography.yaml:18: 'sanders2000randomized': Crossref has DOI 10.1212/wnl.54.3.603 as 'Plasma exchange in myasthenia gravis' (2000); "
        "the entry says 'A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome' (2000)",
    ]


def test_year_mismatch_is_reported_for_pubmed_and_crossref(tmp_path, stub):
    stub.pubmed["30801481"]["pubdate"] = "2017 Mar"
    stub.crossref["10.1097/cnd.0000000000000239"]["issued"] = {"date-parts": [[2017, 3]]}
    stub.crossref["10.1097/cnd.0000000000000239"]["published-print"] = {"date-parts": [[2017, 3]]}
    assert messages(run_check(tmp_path, stub)) == [
        "docs/bibliography.yaml:26: 'shieh2019amifampridine': PubMed has PMID 30801481 as 'Amifampridine Phosphate in Lambert-Eaton Myasthenic Syndrome.' (2017); "
        "the entry says 'Amifampridine phosphate in Lambert-Eaton myasthenic syndrome' (2019)",
        "docs/bibliography.yaml:27: 'shieh2019amifampridine': Crossref has DOI 10.1097/CND.0000000000000239 as 'Amifampridine phosphate in Lambert-Eaton myasthenic syndrome' (2017); "
        "the entry says 'Amifampridine phosphate in Lambert-Eaton myasthenic syndrome' (2019)",
    ]


def test_epub_ahead_of_print_allows_the_year_either_side_of_the_online_date(tmp_path, stub):
    # Published online in 2018, in print in 2019: 2018 and 2019 match, 2021 does not.
    stub.pubmed["30801481"].update(pubdate="2020 Mar", epubdate="2019 Nov 12")
    assert messages(run_check(tmp_path, stub)) == []
    stub.pubmed["30801481"].update(pubdate="2021 Mar", epubdate="2020 Nov 12")
    assert messages(run_check(tmp_path, stub, max_age_days=0)) == []  # 2019 is one year before the e-pub date
    stub.pubmed["30801481"].update(pubdate="2022 Mar", epubdate="2021 Nov 12")
    assert messages(run_check(tmp_path, stub, max_age_days=0)) == [
        "docs/bibliography.yaml:26: 'shieh2019amifampridine': PubMed has PMID 30801481 as 'Amifampridine Phosphate in Lambert-Eaton Myasthenic Syndrome.' (2022, online 2021); "
        "the entry says 'Amifampridine phosphate in Lambert-Eaton myasthenic syndrome' (2019)",
    ]


def test_unknown_pmid_and_unknown_doi(tmp_path, stub):
    text = BIB.replace('PMID: "8797464"', 'PMID: "99999999"').replace("DOI: 10.1212/wnl.54.3.603", "DOI: 10.9999/unknown.1")
    assert messages(run_check(tmp_path, stub, text)) == [
        "docs/bibliography.yaml:9: 'bain1996effects': PubMed has no record of PMID 99999999: check it at https://pubmed.ncbi.nlm.nih.gov/99999999/",
        "docs/bibliography.yaml:18: 'sanders2000randomized': Crossref has no record of DOI 10.9999/unknown.1: check it at https://doi.org/10.9999/unknown.1",
    ]


def test_pubmed_error_and_missing_uid_both_mean_no_record():
    assert online.pubmed_record({"error": "Invalid uid 0 at position=0"}, "1") is None
    assert online.pubmed_record({"result": {"uids": []}}, "1") is None
    assert online.pubmed_record({"esummaryresult": ["Empty id list - nothing todo"]}, "1") is None
    assert online.pubmed_record({"result": {"uids": ["1"], "1": {"uid": "1", "title": "T", "pubdate": "2019 Winter", "epubdate": "2018 Dec 1"}}}, "1") == online.Record("T", 2019, 2018)
    with pytest.raises(ValueError):
        online.pubmed_record(["not", "esummary"], "1")


def test_crossref_year_falls_back_to_print_then_online():
    assert online.crossref_record({"message": {"title": ["T"], "published-print": {"date-parts": [[2021, 1]]}, "published-online": {"date-parts": [[2020, 11]]}}}) == online.Record("T", 2021, 2020, 2021)
    assert online.crossref_record({"message": {"title": ["T"], "issued": {"date-parts": [[None]]}, "published-online": {"date-parts": [[2020]]}}}) == online.Record("T", 2020, 2020, None)
    assert online.crossref_record({"message": {"title": []}}) == online.Record("", None, None, None)


def test_titles_match_after_normalising_case_punctuation_and_space():
    assert online.titles_match("Lambert-Eaton  myasthenic syndrome", "[Lambert–Eaton Myasthenic Syndrome].")
    assert online.titles_match("Treatment for LEMS", "Treatment for LEMS: a Cochrane review")  # one contains the other
    assert online.titles_match("Effects of intravenous immunoglobulin", "Effect of intravenous immunoglobulins")  # ratio >= 0.85
    assert not online.titles_match("Effects of intravenous immunoglobulin", "Plasma exchange in myasthenia gravis")
    assert not online.titles_match("Treatment", "Retreatment strategies")  # containment is by whole words


# --------------------------------------------------------------------------------------------
# Services that do not answer


def test_server_down_gives_one_clear_line_per_identifier_and_no_traceback(tmp_path, closed_port):
    config, _ = site(tmp_path)
    result = subprocess.run([sys.executable, SCRIPT, *cli(config, closed_port), "--timeout", "3"], capture_output=True, text=True, cwd=str(tmp_path))
    down = f"at 127.0.0.1:{closed_port} did not answer (Connection refused)"
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"docs/bibliography.yaml:9: 'bain1996effects': could not check PMID 8797464: PubMed {down}",
        f"docs/bibliography.yaml:17: 'sanders2000randomized': could not check PMID 10680790: PubMed {down}",
        f"docs/bibliography.yaml:18: 'sanders2000randomized': could not check DOI 10.1212/wnl.54.3.603: Crossref {down}",
        f"docs/bibliography.yaml:26: 'shieh2019amifampridine': could not check PMID 30801481: PubMed {down}",
        f"docs/bibliography.yaml:27: 'shieh2019amifampridine': could not check DOI 10.1097/CND.0000000000000239: Crossref {down}",
        # After the first refusal, a service is not asked again in the same run.
        "5 identifiers checked: 0 from the cache, 2 requests sent",
        "5 problems found",
    ]
    assert not os.path.exists(tmp_path / "site" / ".cache" / "online-references.json")


def test_a_slow_service_times_out_once_and_is_not_asked_again(tmp_path, stub):
    stub.delay = 0.6
    outcome = run_check(tmp_path, stub, BIB.split("- id: shieh2019amifampridine")[0], timeout=0.2)
    slow = f"at 127.0.0.1:{stub.port} did not answer (timed out)"
    assert messages(outcome) == [
        f"docs/bibliography.yaml:9: 'bain1996effects': could not check PMID 8797464: PubMed {slow}",
        f"docs/bibliography.yaml:17: 'sanders2000randomized': could not check PMID 10680790: PubMed {slow}",
        f"docs/bibliography.yaml:18: 'sanders2000randomized': could not check DOI 10.1212/wnl.54.3.603: Crossref {slow}",
    ]
    assert outcome.requests == 2  # one to each service


def test_an_http_error_is_reported_per_identifier(tmp_path, stub):
    stub.status = 503
    outcome = run_check(tmp_path, stub, BIB.split("- id: sanders2000randomized")[0])
    assert messages(outcome) == [
        "docs/bibliography.yaml:9: 'bain1996effects': could not check PMID 8797464: PubMed answered HTTP 503 Service Unavailable",
    ]


# --------------------------------------------------------------------------------------------
# The cache


def test_a_rerun_uses_the_cache_and_sends_no_request(tmp_path, stub, capsys):
    config, _ = site(tmp_path)
    cache = str(tmp_path / "new" / "folder" / "refs.json")
    assert online_references.main(cli(config, stub, "--cache", cache)) == 0
    assert len(stub.requests) == 5
    capsys.readouterr()
    stub.requests.clear()
    started = time.monotonic()
    assert online_references.main(cli(config, stub, "--cache", cache)) == 0
    assert stub.requests == []
    assert time.monotonic() - started < 2
    assert capsys.readouterr().out == "5 identifiers checked: 5 from the cache, 0 requests sent\n0 problems found\n"


def test_cached_records_are_still_compared_with_the_edited_entry(tmp_path, stub):
    assert messages(run_check(tmp_path, stub)) == []
    stub.requests.clear()
    edited = BIB.replace("intravenous immunoglobulin on muscle weakness", "plasma exchange on sleep")
    assert messages(run_check(tmp_path, stub, edited)) == [
        "docs/bibliography.yaml:9: 'bain1996effects': PubMed has PMID 8797464 as 'Effects of intravenous immunoglobulin on muscle weakness.' (1996); "
        "the entry says 'Effects of plasma exchange on sleep' (1996)",
    ]
    assert stub.requests == []


def test_an_old_cache_entry_is_fetched_again(tmp_path, stub):
    now = _dt.datetime(2026, 11, 22, 12, tzinfo=_dt.timezone.utc)
    run_check(tmp_path, stub, now=now)
    stub.requests.clear()
    outcome = run_check(tmp_path, stub, now=now + _dt.timedelta(days=29))
    assert (outcome.from_cache, outcome.requests) == (5, 0)
    outcome = run_check(tmp_path, stub, now=now + _dt.timedelta(days=31))
    assert (outcome.from_cache, outcome.requests, messages(outcome)) == (0, 5, [])


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"PMID:8797464": "junk", "DOI:10.1212/wnl.54.3.603": {"title": 3}}', ""])
def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path, stub, content):
    cache = tmp_path / "cache" / "online-references.json"
    cache.parent.mkdir()
    cache.write_text(content)
    outcome = run_check(tmp_path, stub)
    assert (messages(outcome), outcome.requests) == ([], 5)
    assert len(json.loads(cache.read_text())) == 5
    stub.requests.clear()
    assert (messages(run_check(tmp_path, stub)), stub.requests) == ([], [])


def test_network_failures_are_not_cached(tmp_path, stub, closed_port):
    cache = str(tmp_path / "cache.json")
    bib = load_bib(tmp_path)
    down = f"http://127.0.0.1:{closed_port}"
    outcome = online_references.check(bib, rel=REL, pubmed_url=down, crossref_url=down, cache_path=cache, pubmed_interval=0)
    assert len(outcome.problems) == 5
    assert not os.path.exists(cache)
    outcome = online_references.check(bib, rel=REL, pubmed_url=stub.pubmed_url, crossref_url=stub.crossref_url, cache_path=cache, pubmed_interval=0)
    assert (messages(outcome), outcome.requests) == ([], 5)


# --------------------------------------------------------------------------------------------
# Politeness and the author's files


def test_at_most_three_requests_a_second_to_pubmed(tmp_path, stub):
    run_check(tmp_path, stub, pubmed_interval=online_references.PUBMED_INTERVAL)
    times = [when for path, _, when in stub.requests if path.startswith("/eutils/")]
    assert len(times) == 3
    assert all(later - earlier >= 1 / 3 for earlier, later in zip(times, times[1:]))


def test_the_bibliography_is_byte_identical_after_a_run(tmp_path, stub, capsys):
    config, path = site(tmp_path, BIB.replace("intravenous immunoglobulin on muscle weakness", "plasma exchange on sleep"))
    before = open(path, "rb").read()
    mtime = os.stat(path).st_mtime_ns
    assert online_references.main(cli(config, stub)) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 problem found"
    assert open(path, "rb").read() == before
    assert hashlib.sha256(open(path, "rb").read()).digest() == hashlib.sha256(before).digest()
    assert os.stat(path).st_mtime_ns == mtime


def test_a_broken_bibliography_is_reported_without_any_request(tmp_path, stub, capsys):
    config, _ = site(tmp_path, "references:\n- id: [unclosed\n")
    assert online_references.main(cli(config, stub)) == 1
    assert capsys.readouterr().out.splitlines() == [
        "docs/bibliography.yaml:3: the bibliography is not valid YAML: expected ',' or ']', but got '<stream end>'",
        "1 problem found",
    ]
    assert stub.requests == []
