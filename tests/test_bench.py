"""scripts/bench.py: budgets, marks, Lighthouse completeness, the generated site, the report. No timing."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys

import bench
import browser_settings
import generated_site
import pytest
import yaml


def test_budget_file_has_every_budget_of_the_issue():
    budgets = bench.load_budgets()
    assert budgets["page_gzip_kb"] == {"plain": 70, "diagram": 100}
    assert budgets["lighthouse_performance"] == {"plain": 100, "diagram": 95}
    assert budgets["layout_shift"] == 0.0
    assert budgets["build_ratio"] == 1.3
    assert budgets["scaling_exponent"] == 1.0
    assert budgets["search_first_query_kb"] == 120


def test_a_missing_budget_is_named(tmp_path):
    path = tmp_path / "budgets.yaml"
    path.write_text("page_gzip_kb: {plain: 70, diagram: 100}\n")
    with pytest.raises(ValueError, match="lighthouse_performance"):
        bench.load_budgets(str(path))


@pytest.mark.parametrize(
    ("value", "budget", "minimum", "expected"),
    [
        (70, 70, False, "within"),
        (70.1, 70, False, "OVER"),
        (95, 95, True, "within"),
        (94, 95, True, "OVER"),
        (None, 70, False, "n/a"),
    ],
)
def test_mark(value, budget, minimum, expected):
    assert bench.mark(value, budget, minimum=minimum) == expected


def test_gzip_size_is_what_a_compressing_server_sends():
    data = b"<p>LEMS</p>\n" * 500
    assert bench.gzip_size(data) == len(gzip.compress(data, compresslevel=6, mtime=0)) < len(data)


def test_exponent_is_one_for_linear_growth_and_two_for_quadratic():
    assert bench.exponent((50, 10.0), (200, 40.0)) == pytest.approx(1.0)
    assert bench.exponent((50, 10.0), (200, 160.0)) == pytest.approx(2.0)


def test_lighthouse_with_an_erroring_audit_is_incomplete_not_a_score():
    report = {
        "categories": {"performance": {"score": 0.99}},
        "audits": {"speed-index": {"score": 1}, "layout-shifts": {"scoreDisplayMode": "error", "errorMessage": "x"}},
    }
    assert bench.lighthouse_result(report) == {"score": None, "failed_audits": ["layout-shifts"]}
    report["audits"]["layout-shifts"] = {"score": 1}
    assert bench.lighthouse_result(report) == {"score": 99, "failed_audits": []}


def test_plain_build_leaves_out_the_lems_plugin_only(monkeypatch, tmp_path):
    loaded = {}
    monkeypatch.setattr("lems_site.driver.load_site", lambda config_file, **overrides: loaded.update(overrides))
    with pytest.raises(SystemExit):  # the stand-in load_site returns None
        bench.plain_build(bench.CONFIG, str(tmp_path))
    assert [p if isinstance(p, str) else next(iter(p)) for p in loaded["plugins"]] == ["search", "mermaid2"]
    assert loaded["strict"] is False and "custom_dir" not in loaded["theme"]
    assert set(loaded["validation"]["links"].values()) == {"info"}


def test_the_generated_site_inherits_the_real_config_and_copies_every_page(tmp_path):
    config, pages = generated_site.make(str(tmp_path / "g"), 50, prune=True)
    per_copy = len(browser_settings.page_paths(os.path.join(bench.ROOT, "docs")))
    assert pages == len(browser_settings.page_paths(str(tmp_path / "g" / "docs"))) and pages % per_copy == 0
    assert abs(pages - 50) <= per_copy
    with open(config, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert data["INHERIT"] == bench.CONFIG and "navigation.prune" in data["theme"]["features"]
    last = pages // per_copy - 1
    assert data["nav"][-1] == {f"Copy {last}": generated_site._prefixed(data["nav"][:-last], f"copy-{last:02d}/")}


def test_the_generated_site_passes_the_source_checks(tmp_path):
    # Its copies are the real pages under another folder: every rule the real site passes
    # (research files found, pages about the site exempt from citations) holds there too.
    config, pages = generated_site.make(str(tmp_path / "g"), 30, prune=True)
    result = subprocess.run(
        [sys.executable, os.path.join(bench.ROOT, "scripts", "validate.py"), "--config", config],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert result.stdout.splitlines()[-1] == "0 problems found"


def test_prefixed_rewrites_every_page_of_a_nested_nav():
    nav = [{"Home": "index.md"}, {"Treatment": [{"IVIG": "treatment/ivig.md"}]}]
    assert generated_site._prefixed(nav, "copy-01/") == [
        {"Home": "copy-01/index.md"},
        {"Treatment": [{"IVIG": "copy-01/treatment/ivig.md"}]},
    ]


def test_the_browser_tests_and_the_bench_share_one_page_list():
    from browser.conftest import PAGES

    assert PAGES == browser_settings.page_paths(os.path.join(bench.ROOT, "docs"))
    assert "" in PAGES and "treatment/ivig/" in PAGES


def test_the_report_marks_every_figure():
    results = {
        "builds": {"plain": [1.0, 1.1, 0.9], "validated": [1.2, 1.3, 1.25]},
        "scaling": [{"pages": 45, "prune": p, "plain": 2.0, "validated": 3.0} for p in (False, True)]
        + [{"pages": 195, "prune": p, "plain": 8.0, "validated": 15.0} for p in (False, True)],
        "pages": [
            {
                "path": "/about/",
                "version": v,
                "diagrams": 0,
                "requests": 9,
                "raw": 200_000,
                "gzip": 60_000,
                "layout_shift": 0.0,
            }
            for v in bench.VERSIONS
        ]
        + [
            {
                "path": "/treatment/ivig/",
                "version": "patient",
                "diagrams": 2,
                "requests": 20,
                "raw": 900_000,
                "gzip": 150_000,
                "layout_shift": 0.01,
            }
        ],
        "lighthouse": [
            {"path": "/about/", "runs": [100, 99, 100], "failed_audits": [], "median": 100, "cls": 0},
            {"path": "/treatment/ivig/", "runs": [None], "failed_audits": ["layout-shifts"], "median": None},
        ],
    }
    lines = [" ".join(line.split()) for line in bench.report(results, bench.load_budgets()).splitlines()]
    assert "validated / plain (medians) 1.25 <= 1.3 within" in lines
    assert "exponent, validated, 45 -> 195 pages 1.10 3.00 s -> 15.00 s <= 1.0 OVER" in lines
    assert "INCOMPLETE /treatment/ivig/: audits with errors: layout-shifts" in lines
    about = [line for line in lines if line.startswith("/about/")]
    assert len(about) == 2 and all("58.6 / 70 within 0.000 within 100 (100/99/100) / 100 within" in x for x in about)
    ivig = next(line for line in lines if line.startswith("/treatment/ivig/"))
    assert ivig.endswith("146.5 / 100 OVER 0.010 OVER INCOMPLETE / 95 INCOMPLETE")


def test_bench_is_well_under_half_its_old_length():
    with open(os.path.join(bench.ROOT, "scripts", "bench.py"), encoding="utf-8") as f:
        assert len(f.read().splitlines()) < 734 / 2  # the hand-written version it replaces


def test_the_search_report_marks_each_size_against_the_first_query_budget():
    import bench_search

    rows = [
        {"pages": 15, "version": "patient", "index_raw": 300 * 1024, "index_gzip": 88 * 1024}
        | {
            "first_query_raw": 340 * 1024,
            "first_query_gzip": 100 * 1024,
            "fetched": ["search/search_index.patient.json"],
        },
        {"pages": 405, "version": "professional", "index_raw": 8000 * 1024, "index_gzip": 2300 * 1024}
        | {"first_query_raw": 8040 * 1024, "first_query_gzip": 2312 * 1024, "fetched": ["w.js"]},
    ]
    lines = [" ".join(line.split()) for line in bench_search.report(rows, bench.load_budgets()).splitlines()]
    assert "15 patient 300.0 / 88.0 340.0 100.0 / 120 within search/search_index.patient.json" in lines
    assert "405 professional 8000.0 / 2300.0 8040.0 2312.0 / 120 OVER w.js" in lines
