"""The fixture docs tree holds every class of error at once; it must fail with exactly the
expected lines, and the checks must leave the author's files untouched."""

import hashlib
import os
import subprocess
import sys

from conftest import ROOT

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "broken_site")


def _snapshot():
    digests = {}
    for folder, _, files in os.walk(os.path.join(FIXTURE, "docs")):
        for name in files:
            path = os.path.join(folder, name)
            digests[path] = hashlib.sha256(open(path, "rb").read()).hexdigest()
    return digests


def _expected():
    return open(os.path.join(FIXTURE, "expected-validate.txt"), encoding="utf-8").read()


def test_source_checks_report_every_problem_in_one_run():
    before = _snapshot()
    result = subprocess.run(
        [
            sys.executable,
            "scripts/validate.py",
            "--config",
            os.path.join(FIXTURE, "mkdocs.yml"),
            "--today",
            "2026-11-22",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stdout == _expected()
    assert result.stdout.splitlines()[-1] == "54 problems found"
    assert _snapshot() == before


def test_overdue_reviews_fail_only_under_the_scheduled_flag():
    args = [
        sys.executable,
        "scripts/validate.py",
        "--config",
        os.path.join(FIXTURE, "mkdocs.yml"),
        "--today",
        "2026-11-22",
    ]
    relaxed = subprocess.run(args, cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    strict = subprocess.run(args + ["--fail-overdue"], cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    assert relaxed[-1] == "54 problems found" and strict[-1] == "55 problems found"
    assert "1 review overdue (reported only; --fail-overdue makes them fail)" in relaxed


def test_mkdocs_strict_build_fails_with_the_same_lines_plus_rendered_html_and_link_checks(tmp_path):
    before = _snapshot()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "out")],
        cwd=FIXTURE,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    warnings = [line.removeprefix("WARNING -  ") for line in result.stderr.splitlines() if line.startswith("WARNING")]
    expected = [
        line
        for line in _expected().splitlines()
        if line.startswith(("docs/", "reviews/")) and "review overdue" not in line
    ]
    for line in expected:
        # The build checks a record's date against the real today, not the fixture's.
        if "is in the future (today is " in line:
            assert any(w.startswith(line.split(" (today is ")[0]) for w in warnings), line
        else:
            assert line in warnings
    assert (
        "docs/index.md:23: block syntax '/// audience | patients' was left as literal text in the HTML: check the block name, its argument and its options"
        in warnings
    )
    assert (
        "docs/index.md:27: block syntax '///' was left as literal text in the HTML: check the block name, its argument and its options"
        in warnings
    )
    # The source checks (and so `make check`) report the broken links at their line; the build
    # prints each once, and never again as a built address at line 1.
    for link in (
        "docs/bad-front-matter.md:8: link 'missing.md': no such page",
        "docs/bad-front-matter.md:8: link 'index.md#nowhere': no section '#nowhere' on docs/index.md",
    ):
        assert link in expected and warnings.count(link) == 1
    assert not [line for line in warnings if "in the built page" in line], warnings
    # A phone link that is not digits is refused again in the HTML, where it would reach readers.
    assert (
        "docs/urgent.md:16: <a href>: phone link 'tel:999-000' must be 'tel:' then digits only, with an optional"
        " leading '+' (no spaces, dashes or letters), e.g. tel:999 or tel:+441234567890 (found in the rendered page)"
        in warnings
    )
    assert (
        "mkdocs.yml:18: urgent_help pattern 'emergency/*.md' of the lems plugin matches no page: write a path relative to docs_dir, such as safety.md or treatment/*.md"
        in warnings
    )
    assert len(warnings) == len(expected) + 4
    assert _snapshot() == before


def test_a_broken_configuration_is_one_clear_line(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nextra:\n  audiences: not-a-list\n")
    result = subprocess.run(
        [sys.executable, "scripts/validate.py", "--config", str(config)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{config}:1: cannot load the site configuration:")
    assert "Traceback" not in result.stderr


def test_build_script_reports_a_crash_in_one_line_without_a_traceback(tmp_path):
    from test_new_page import copy_site

    config = copy_site(tmp_path)
    # A Markdown extension that raises while rendering: toc's slugify is a function that takes no argument.
    config.write_text(
        config.read_text().replace(
            "      permalink: true\n", "      permalink: true\n      slugify: !!python/name:os.getcwd\n", 1
        )
    )
    result = subprocess.run(
        [sys.executable, "scripts/build.py", "--config", str(config)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    # The source checks render each page's Markdown for its ids, so they meet the crash first.
    assert any(
        line.startswith("mkdocs.yml:1: a Markdown extension stopped on docs/") and "builtins.TypeError:" in line
        for line in result.stdout.splitlines()
    ), result.stdout
    assert "Traceback" not in result.stdout + result.stderr
