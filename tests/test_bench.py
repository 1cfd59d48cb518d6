"""Unit tests of scripts/bench.py: budgets, marking, gzip sizes, config edits. No timing."""

from __future__ import annotations

import gzip
import os
import textwrap

import pytest
import yaml

import bench

CONFIG = textwrap.dedent(
    """\
    site_name: Example
    theme:
      name: material
      custom_dir: overrides

    # Hooks: the site's build logic
    hooks:
      - overrides/hooks/audience.py
      - overrides/hooks/validation.py

    extra:
      generator: false

    strict: true
    validation:
      anchors: warn

    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - name: mermaid
              class: mermaid
              format: !!python/name:mermaid2.fence_mermaid

    nav:
      - Home: index.md
    """
)


# --- budgets ---------------------------------------------------------------------------------


def test_budget_file_loads_with_every_key():
    budgets = bench.load_budgets()
    for key in ("plain_page_gzip_kb", "diagram_page_gzip_kb", "validated_build_ratio", "lighthouse_plain", "lighthouse_diagram"):
        assert key in budgets
    assert budgets["plain_page_gzip_kb"] == 80
    assert budgets["diagram_page_gzip_kb"] == 400
    assert budgets["validated_build_ratio"] == 1.5
    assert budgets["lighthouse_plain"] == {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100}
    assert budgets["lighthouse_diagram"] == {"performance": 90}


def test_budget_file_is_commented():
    with open(bench.BUDGETS_FILE, encoding="utf-8") as f:
        text = f.read()
    assert text.count("#") >= len(bench.BUDGET_KEYS)


def test_a_missing_budget_is_reported(tmp_path):
    path = tmp_path / "budgets.yaml"
    path.write_text("plain_page_gzip_kb: 80\n")
    with pytest.raises(ValueError, match="diagram_page_gzip_kb"):
        bench.load_budgets(str(path))


# --- within / OVER ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(79.9, "within"), (80, "within"), (80.01, "OVER")])
def test_mark_maximum_budget(value, expected):
    assert bench.mark(value, 80) == expected


@pytest.mark.parametrize("value, expected", [(89, "OVER"), (90, "within"), (100, "within")])
def test_mark_minimum_budget(value, expected):
    assert bench.mark(value, 90, minimum=True) == expected


def test_mark_unmeasured():
    assert bench.mark(None, 80) == "n/a"


# --- gzip size -------------------------------------------------------------------------------


def test_gzip_size_is_the_size_of_the_compressed_bytes():
    data = b"<p>LEMS</p>\n" * 500
    size = bench.gzip_size(data)
    assert size == len(gzip.compress(data, compresslevel=6, mtime=0))
    assert size < len(data)
    assert gzip.decompress(gzip.compress(data, compresslevel=6, mtime=0)) == data


def test_gzip_size_of_empty_bytes_is_the_gzip_header_and_trailer():
    assert bench.gzip_size(b"") == len(gzip.compress(b"", compresslevel=6, mtime=0)) > 0


def test_request_totals_split_js_and_css():
    records = [
        {"kind": "document", "raw": 1000, "gzip": 300},
        {"kind": "js", "raw": 500, "gzip": 200},
        {"kind": "css", "raw": 400, "gzip": 100},
    ]
    totals = bench.summarize_requests(records)
    assert totals == {"requests": 3, "raw": 1900, "gzip": 600, "js_raw": 500, "js_gzip": 200, "css_raw": 400, "css_gzip": 100}
    assert bench.resource_kind("other", "http://x/a.mjs?v=1") == "js"
    assert bench.resource_kind("stylesheet", "http://x/a") == "css"


# --- plain config ----------------------------------------------------------------------------


def test_plain_config_removes_the_hooks_block_only():
    text = bench.plain_config_text(CONFIG)
    assert "hooks:" not in text
    assert "overrides/hooks/" not in text
    assert "strict: false" in text and "strict: true" not in text
    assert "          format: !!python/name:mermaid2.fence_mermaid\n" in text
    # Everything else is kept, line for line.
    expected = CONFIG.replace(
        "hooks:\n  - overrides/hooks/audience.py\n  - overrides/hooks/validation.py\n", ""
    ).replace("strict: true", "strict: false")
    assert text == expected


def test_plain_config_of_the_real_mkdocs_yml():
    with open(os.path.join(bench.ROOT, "mkdocs.yml"), encoding="utf-8") as f:
        original = f.read()
    text = bench.plain_config_text(original)
    assert "\nhooks:" not in text and "- overrides/hooks/" not in text
    assert "!!python/name:mermaid2.fence_mermaid" in text
    assert "\nstrict: false\n" in text
    kept = [line for line in original.splitlines() if not line.startswith(("hooks:", "  - overrides/hooks/", "strict:"))]
    assert kept == [line for line in text.splitlines() if line != "strict: false"]


def test_plain_config_appends_strict_when_absent():
    assert bench.plain_config_text("site_name: x\n") == "site_name: x\nstrict: false\n"


def test_remove_top_level_block_handles_unindented_items_and_the_last_block():
    text = "a: 1\nnav:\n- Home: index.md\n- About: about.md\n"
    assert bench.remove_top_level_block(text, "nav") == "a: 1\n"
    assert bench.remove_top_level_block(CONFIG, "nav").rstrip().endswith("format: !!python/name:mermaid2.fence_mermaid")


def test_write_plain_config_links_docs_and_overrides(tmp_path):
    source = tmp_path / "src"
    (source / "docs").mkdir(parents=True)
    (source / "overrides").mkdir()
    (source / "mkdocs.yml").write_text(CONFIG)
    work = tmp_path / "work"
    work.mkdir()
    written = bench.write_plain_config(str(source / "mkdocs.yml"), str(work))
    assert os.path.realpath(work / "docs") == os.path.realpath(source / "docs")
    assert os.path.realpath(work / "overrides") == os.path.realpath(source / "overrides")
    assert open(written, encoding="utf-8").read() == bench.plain_config_text(CONFIG)


# --- synthetic pages -------------------------------------------------------------------------


def test_synthetic_page_suffixes_ids_and_retargets_page_links():
    template = "## A {#intro}\n\nSee [x](../cancer.md#screening) and [y](other.md) and [z](https://example.org/a.md).\n## B { #more }\n"
    page = bench.synthetic_page(template, 3, 5)
    assert "{#intro-003}" in page and "{ #more-003 }" in page
    assert "[x](page-004.md#intro-004)" in page and "[y](page-004.md#intro-004)" in page
    assert "[z](https://example.org/a.md)" in page
    assert "(page-001.md#intro-001)" in bench.synthetic_page(template, 5, 5)


def test_trimmed_bibliography_keeps_only_cited_entries():
    text = "references:\n- id: a2000x\n  title: A\n- id: b2001y\n  title: B\n"
    assert bench.cited_keys("text [@a2000x; @c2002z] mail@example.org") == {"a2000x", "c2002z"}
    trimmed = yaml.safe_load(bench.trimmed_bibliography(text, {"a2000x"}))
    assert trimmed == {"references": [{"id": "a2000x", "title": "A"}]}


def test_projection_never_below_linear():
    assert bench.project_seconds([], 50) is None
    assert bench.project_seconds([(50, 10.0)], 200) == pytest.approx(40.0)
    assert bench.project_seconds([(50, 10.0), (200, 80.0)], 800) == pytest.approx(80.0 * 4 ** 1.5)


def test_table_aligns_columns():
    text = bench.table(["page", "kb"], [["/a/", "1.0"], ["/long/", "10.5"]])
    lines = text.splitlines()
    assert lines[0].startswith("page") and len({len(line) for line in lines}) == 1
