"""The editor's loop: `make check` catches in the sources what the build would, with Python alone."""

import hashlib
import os

from conftest import ROOT, make
from test_new_page import copy_site, run


def _digests(folder):
    return {
        os.path.join(d, n): hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest()
        for d, _, names in os.walk(folder)
        for n in names
    }


def test_check_reports_broken_page_and_section_links_at_their_line_after_the_grades(tmp_path):
    config = copy_site(tmp_path)
    page = tmp_path / "docs" / "treatment" / "ivig.md"
    lines = page.read_text().split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if "(../safety.md#safety-pregnancy)" in line)
    lines[number - 1] = lines[number - 1].replace("#safety-pregnancy", "#safety-pregancy")
    lines.append("\nSee [the safety page](../safty.md).")
    page.write_text("\n".join(lines))
    before = _digests(tmp_path / "docs")

    result = run("scripts/validate.py", "--readability", "--config", str(config))
    out = result.stdout.splitlines()
    assert result.returncode == 1, result.stdout
    assert out[-3:] == [
        f"docs/treatment/ivig.md:{number}: link '../safety.md#safety-pregancy': no section '#safety-pregancy' "
        "on docs/safety.md (did you mean '#safety-pregnancy'?)",
        f"docs/treatment/ivig.md:{len(lines) + 1}: link '../safty.md': no such page (did you mean '../safety.md'?)",
        "2 problems found",
    ]
    # The problems follow a header of their own, after the last line of the grade report.
    header = out.index("== Problems in the sources (links and anchors included), each as path:line: message")
    assert out[0].startswith("Readability") and all(line.startswith("  ") for line in out[1 : header - 1])
    assert out[header - 1] == "" and header == len(out) - 4
    assert _digests(tmp_path / "docs") == before


def test_the_real_site_links_pass_the_source_walk():
    result = run("scripts/validate.py")
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "0 problems found", result.stdout


def test_make_check_needs_only_the_python_environment():
    plan = make("-n", "check")
    assert plan.returncode == 0, plan.stderr
    assert "scripts/validate.py --readability" in plan.stdout
    for other in ("npm", "node_modules", "vendor_assets", "chromium", "mkdocs build"):
        assert other not in plan.stdout, plan.stdout


def test_the_copy_of_mermaid_is_up_to_date_once_made():
    # `make test` has made the copy by now: make must not want to copy it again.
    mermaid = "docs/assets/vendor/mermaid/mermaid.esm.min.mjs"
    assert make("-q", mermaid).returncode == 0
    assert "vendor_assets" not in make("-n", "setup").stdout


def _project_docs():
    yield from ("README.md", "CONTRIBUTING.md", "Makefile")
    for top in (".github", "docs", "research", "reviews", "scripts", "lems_site", "overrides"):
        for folder, subfolders, names in os.walk(os.path.join(ROOT, top)):
            # The copy of Mermaid is npm's, not the project's writing.
            subfolders[:] = [
                d for d in subfolders if os.path.join(folder, d) != os.path.join(ROOT, "docs", "assets", "vendor")
            ]
            for name in names:
                yield os.path.relpath(os.path.join(folder, name), ROOT)


def test_no_project_doc_names_a_path_outside_the_repository():
    named = []
    for rel in _project_docs():
        try:
            text = open(os.path.join(ROOT, rel), encoding="utf-8").read()
        except UnicodeDecodeError:
            continue  # images and other binary files
        named += [f"{rel}:{n}" for n in _outside_paths(text)]
    assert named == []
    assert "docs/bibliography.yaml" in set(_project_docs()) and ".github/PULL_REQUEST_TEMPLATE.md" in set(
        _project_docs()
    )


def _outside_paths(text):
    return [n for n, line in enumerate(text.split("\n"), start=1) if "../shared" in line]


def test_the_outside_path_check_can_fail():
    assert _outside_paths("Fine.\nRun `python3 ../shared/tools/seed_overlap.py --docs docs`.\n") == [2]
