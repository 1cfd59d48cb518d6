"""The online reference check (lems_site/online.py, scripts/online_references.py) against a
stub PubMed and Crossref served by pytest-httpserver on 127.0.0.1: no request leaves the machine.

Every test asserts the exact lines an author would read.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import textwrap
import time

import online_references
import pytest
from conftest import TODAY
from werkzeug import Request, Response

from lems_site import online
from lems_site.references import bibliography

REL = "docs/bibliography.yaml"

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
  findings: A crossover trial of IVIG in nine people.
- id: sanders2000randomized
  type: article-journal
  title: A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome
  author:
    - {family: Sanders, given: DB}
  container-title: Neurology
  issued: {date-parts: [[2000]]}
  PMID: "10680790"
  DOI: 10.1212/wnl.54.3.603
  findings: A randomized trial of 3,4-DAP in 26 people.
"""
LINES = {("bain1996effects", "PMID"): 9, ("sanders2000randomized", "PMID"): 18, ("sanders2000randomized", "DOI"): 19}

# PubMed-style titles (full stop) and Crossref-style (markup, an en dash): matching normalises.
PUBMED = {
    "8797464": {"title": "Effects of intravenous immunoglobulin on muscle weakness.", "pubdate": "1996 Sep"},
    "10680790": {
        "title": "A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome.",
        "pubdate": "2000 Feb 8",
    },
}
CROSSREF = {
    "10.1212/wnl.54.3.603": {
        "title": ["A randomized trial of <i>3,4-diaminopyridine</i> in Lambert–Eaton myasthenic syndrome"],
        "issued": {"date-parts": [[2000, 2, 8]]},
    },
}
ESUMMARY = re.compile(r"^/eutils/esummary\.fcgi$")
WORKS = re.compile(r"^/crossref/works/.+$")


class Stub:
    """What the stub services hold, served from `httpserver`; tests edit the two dicts."""

    def __init__(self, httpserver):
        self.server = httpserver
        self.pubmed = json.loads(json.dumps(PUBMED))
        self.crossref = json.loads(json.dumps(CROSSREF))
        self.times: list[float] = []
        self.pubmed_url = httpserver.url_for("/eutils")
        self.crossref_url = httpserver.url_for("/crossref")
        httpserver.expect_request(ESUMMARY).respond_with_handler(self._esummary)
        httpserver.expect_request(WORKS).respond_with_handler(self._works)

    def _esummary(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        assert request.args["db"] == "pubmed" and request.args["retmode"] == "json"
        pmid = request.args["id"]
        doc = (
            dict(self.pubmed[pmid], uid=pmid)
            if pmid in self.pubmed
            else {"uid": pmid, "error": "cannot get document summary"}
        )
        return Response(
            json.dumps({"header": {"type": "esummary"}, "result": {"uids": [pmid], pmid: doc}}),
            content_type="application/json",
        )

    def _works(self, request: Request) -> Response:
        doi = request.path[len("/crossref/works/") :].lower()
        if doi not in self.crossref:
            return Response("Resource not found.", status=404)
        return Response(json.dumps({"status": "ok", "message": self.crossref[doi]}), content_type="application/json")

    @property
    def requests(self) -> int:
        return len(self.server.log)


@pytest.fixture
def stub(httpserver, monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return Stub(httpserver)


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_bib(tmp_path, text=BIB):
    path = tmp_path / "bibliography.yaml"
    path.write_text(text)
    return bibliography.load(str(path), REL, TODAY)


def run_check(tmp_path, stub=None, text=BIB, *, pubmed_url=None, crossref_url=None, timeout=5, **session_options):
    session_options.setdefault("pubmed_interval", 0)
    pubmed_url = pubmed_url or stub.pubmed_url
    with online.make_session(cache_dir=str(tmp_path / "cache"), pubmed_url=pubmed_url, **session_options) as session:
        return online.check(
            load_bib(tmp_path, text).entries.values(),
            session=session,
            rel=REL,
            pubmed_url=pubmed_url,
            crossref_url=crossref_url or stub.crossref_url,
            timeout=timeout,
        )


def messages(outcome):
    return [str(p) for p in outcome.problems]


# --------------------------------------------------------------------------------------------
# Matching and mismatches


def test_the_line_numbers_used_here_are_the_fields_lines(tmp_path):
    bib = load_bib(tmp_path)
    assert bib.problems == []
    assert {
        (key, name): entry.field_lines[name]
        for key, entry in bib.entries.items()
        for name in ("PMID", "DOI")
        if name in entry.data
    } == LINES


def test_everything_matching_gives_no_problem(tmp_path, stub):
    outcome = run_check(tmp_path, stub)
    assert messages(outcome) == []
    assert (outcome.checked, outcome.from_cache, outcome.requests, stub.requests) == (3, 0, 3, 3)
    assert all(request.headers["User-Agent"] == online.USER_AGENT for request, _ in stub.server.log)


def test_title_mismatch_is_reported_at_the_identifier_line(tmp_path, stub):
    stub.pubmed["8797464"]["title"] = "Plasma exchange in myasthenia gravis."
    stub.crossref["10.1212/wnl.54.3.603"]["title"] = ["Something else entirely"]
    assert messages(run_check(tmp_path, stub)) == [
        f"{REL}:9: 'bain1996effects': PubMed has PMID 8797464 as 'Plasma exchange in myasthenia gravis.' (1996); "
        "the entry says 'Effects of intravenous immunoglobulin on muscle weakness' (1996)",
        f"{REL}:19: 'sanders2000randomized': Crossref has DOI 10.1212/wnl.54.3.603 as 'Something else entirely' "
        "(2000); "
        "the entry says 'A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome' (2000)",
    ]


def test_year_mismatch_is_reported(tmp_path, stub):
    stub.pubmed["10680790"]["pubdate"] = "2003 Jan"
    assert messages(run_check(tmp_path, stub)) == [
        f"{REL}:18: 'sanders2000randomized': PubMed has PMID 10680790 as "
        "'A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome.' (2003); "
        "the entry says 'A randomized trial of 3,4-diaminopyridine in Lambert-Eaton myasthenic syndrome' (2000)",
    ]


def test_unknown_pmid_and_unknown_doi(tmp_path, stub):
    del stub.pubmed["8797464"]
    del stub.crossref["10.1212/wnl.54.3.603"]
    assert messages(run_check(tmp_path, stub)) == [
        f"{REL}:9: 'bain1996effects': PubMed has no record of PMID 8797464: check it at https://pubmed.ncbi.nlm.nih.gov/8797464/",
        f"{REL}:19: 'sanders2000randomized': Crossref has no record of DOI 10.1212/wnl.54.3.603: check it at https://doi.org/10.1212/wnl.54.3.603",
    ]


# --------------------------------------------------------------------------------------------
# Services that do not answer


def test_server_down_is_one_line_per_identifier_and_asked_once(tmp_path, closed_port):
    base = f"http://127.0.0.1:{closed_port}"
    outcome = run_check(tmp_path, pubmed_url=base + "/eutils", crossref_url=base + "/crossref")
    reason = "did not answer (connection refused or dropped)"
    assert messages(outcome) == [
        f"{REL}:9: 'bain1996effects': could not check PMID 8797464: PubMed at 127.0.0.1:{closed_port} {reason}",
        f"{REL}:18: 'sanders2000randomized': could not check PMID 10680790: PubMed at 127.0.0.1:{closed_port} {reason}",
        f"{REL}:19: 'sanders2000randomized': could not check DOI 10.1212/wnl.54.3.603: "
        f"Crossref at 127.0.0.1:{closed_port} {reason}",
    ]
    assert outcome.requests == 2  # one per service: a service that is down is not asked again


def test_a_slow_service_times_out_and_is_not_asked_again(tmp_path, stub):
    stub.server.clear_all_handlers()

    def slow(request):
        time.sleep(0.5)
        return Response("{}", content_type="application/json")

    stub.server.expect_request(ESUMMARY).respond_with_handler(slow)
    outcome = run_check(tmp_path, stub, text=BIB.replace("  DOI: 10.1212/wnl.54.3.603\n", ""), timeout=0.2)
    host = stub.pubmed_url.split("/")[2]
    assert messages(outcome) == [
        f"{REL}:9: 'bain1996effects': could not check PMID 8797464: PubMed at {host} did not answer (timed out)",
        f"{REL}:18: 'sanders2000randomized': could not check PMID 10680790: "
        f"PubMed at {host} did not answer (timed out)",
    ]
    assert outcome.requests == 1  # timed out, neither retried nor asked again
    while stub.requests < 1:  # let the stub finish, so its late answer is not logged in the next test
        time.sleep(0.05)


def test_429_is_retried_after_retry_after_then_succeeds(tmp_path, stub):
    stub.server.clear_all_handlers()
    stub.server.expect_oneshot_request(ESUMMARY).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    Stub.__init__(stub, stub.server)  # the normal answers after the one 429
    started = time.monotonic()
    outcome = run_check(tmp_path, stub)
    assert messages(outcome) == []
    assert [response.status_code for _, response in stub.server.log][:2] == [429, 200]
    assert stub.requests == 4 and outcome.requests == 3  # the retry is inside one request
    assert time.monotonic() - started >= 1  # Retry-After was honoured


def test_503_is_retried_a_bounded_number_of_times_then_reported(tmp_path, stub):
    stub.server.clear_all_handlers()
    stub.server.expect_request(ESUMMARY).respond_with_data("down for maintenance", status=503)
    stub.server.expect_request(WORKS).respond_with_handler(stub._works)
    outcome = run_check(tmp_path, stub, text=BIB.split("- id: sanders")[0], retries=1)
    assert messages(outcome) == [
        f"{REL}:9: 'bain1996effects': could not check PMID 8797464: PubMed answered HTTP 503 SERVICE UNAVAILABLE",
    ]
    assert stub.requests == 2  # the request and its one retry


# --------------------------------------------------------------------------------------------
# The cache and the rate limit


def test_a_second_run_is_answered_from_the_cache_with_no_request(tmp_path, stub):
    run_check(tmp_path, stub)
    sent = stub.requests
    outcome = run_check(tmp_path, stub)
    assert (outcome.checked, outcome.from_cache, outcome.requests, stub.requests - sent) == (3, 3, 0, 0)
    assert messages(outcome) == []


def test_cached_answers_are_compared_with_the_edited_entry(tmp_path, stub):
    run_check(tmp_path, stub)
    edited = BIB.replace("issued: {date-parts: [[1996]]}", "issued: {date-parts: [[1999]]}")
    outcome = run_check(tmp_path, stub, text=edited)
    assert outcome.requests == 0
    assert messages(outcome) == [
        f"{REL}:9: 'bain1996effects': PubMed has PMID 8797464 as "
        "'Effects of intravenous immunoglobulin on muscle weakness.' (1996); "
        "the entry says 'Effects of intravenous immunoglobulin on muscle weakness' (1999)",
    ]


def test_failures_are_not_cached(tmp_path, stub):
    del stub.pubmed["8797464"]
    run_check(tmp_path, stub)
    stub.pubmed["8797464"] = PUBMED["8797464"]
    outcome = run_check(tmp_path, stub)
    assert messages(outcome) == [] and outcome.requests == 1


def test_max_age_zero_asks_again(tmp_path, stub):
    run_check(tmp_path, stub)
    assert run_check(tmp_path, stub, max_age_days=0).requests == 3


def test_a_corrupt_cache_is_reported_removed_and_rebuilt(tmp_path, stub):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / online.CACHE_NAME).write_bytes(b"this is not a database\n" * 100)
    warnings = []
    assert messages(run_check(tmp_path, stub, warn=warnings.append)) == []
    assert len(warnings) == 1 and "ignoring the cache" in warnings[0]
    assert run_check(tmp_path, stub).requests == 0


def test_at_most_three_requests_a_second_to_pubmed(tmp_path, stub):
    extra = "".join(
        f"- id: extra{n}\n  type: article-journal\n  title: Extra {n}\n"
        f"  issued: {{date-parts: [[2001]]}}\n  PMID: '{n}'\n"
        for n in (11, 12, 13)
    )
    for n in (11, 12, 13):
        stub.pubmed[str(n)] = {"title": f"Extra {n}", "pubdate": "2001"}
    run_check(tmp_path, stub, text=BIB + extra, pubmed_interval=online.PUBMED_INTERVAL)
    gaps = [b - a for a, b in itertools.pairwise(stub.times)]
    assert len(stub.times) == 5 and min(gaps) >= 1 / 3 - 0.01


# --------------------------------------------------------------------------------------------
# The command line: the same plugin, the bibliography untouched


def site(tmp_path, bib=BIB):
    docs = tmp_path / "site" / "docs"
    docs.mkdir(parents=True)
    (docs / "bibliography.yaml").write_text(bib)
    (docs / "index.md").write_text("---\ntitle: Home\n---\n\n# Home\n")
    config = tmp_path / "site" / "mkdocs.yml"
    config.write_text(
        textwrap.dedent(f"""\
        site_name: Online check fixture
        docs_dir: docs
        theme: {{name: material}}
        plugins:
          - lems:
              audiences:
                - {{id: patient, label: Patient, block_label: For patients, version_name: patients,
                    schema_audience: Patient}}
              cache_dir: {tmp_path / "user-cache"}
        """)
    )
    return str(config), docs / "bibliography.yaml"


def cli(config, stub):
    return [
        "--config",
        config,
        "--pubmed-url",
        stub.pubmed_url,
        "--crossref-url",
        stub.crossref_url,
        "--pubmed-interval=0",
    ]


def test_the_command_line_leaves_the_bibliography_untouched_and_reuses_its_cache(tmp_path, stub, capsys):
    config, bib = site(tmp_path)
    before = bib.read_bytes()
    argv = cli(config, stub)
    assert online_references.main(argv) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "3 identifiers checked: 0 from the cache, 3 requests sent",
        "0 problems found",
    ]
    assert online_references.main(argv) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "3 identifiers checked: 3 from the cache, 0 requests sent",
        "0 problems found",
    ]
    assert bib.read_bytes() == before
    assert (tmp_path / "user-cache" / online.CACHE_NAME).exists()
    assert not list(bib.parent.parent.glob("**/*.sqlite"))  # nothing written into the checkout


def test_the_command_line_exits_1_with_the_problems(tmp_path, stub, capsys):
    config, _ = site(tmp_path)
    del stub.pubmed["8797464"]
    argv = cli(config, stub)
    assert online_references.main(argv) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("docs/bibliography.yaml:9: 'bain1996effects': PubMed has no record of PMID 8797464")
    assert out[-1] == "1 problem found"
