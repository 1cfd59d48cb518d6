"""An editor's first change: a page from the scaffold, one citation, one diagram; the build passes."""

import os
import shutil
import subprocess
import sys

import yaml
from conftest import ROOT

DIAGRAM = """
## How it fits {#breathing-how-it-fits}

```mermaid
flowchart TD
    accTitle: Where breathing checks fit
    accDescr: Weakness is checked first, then breathing.
    A[Check weakness] --> B[Check breathing]
```

Text version of this flowchart:

1. Check weakness.
2. Check breathing.
"""


def copy_site(tmp_path):
    for name in ("mkdocs.yml", "CONTRIBUTING.md"):
        shutil.copy(os.path.join(ROOT, name), tmp_path / name)
    # A real copy of the vendored Mermaid: the build refuses linked folders under docs/, and
    # accepts vendored scripts only when they match node_modules byte for byte.
    shutil.copytree(os.path.join(ROOT, "docs"), tmp_path / "docs")
    os.symlink(os.path.join(ROOT, "overrides"), tmp_path / "overrides")
    os.symlink(os.path.join(ROOT, "node_modules"), tmp_path / "node_modules")
    return tmp_path / "mkdocs.yml"


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1")
    )


def test_scaffold_then_one_citation_and_one_diagram_passes_the_validated_build(tmp_path):
    config = copy_site(tmp_path)
    result = run(
        "scripts/new_page.py",
        "--title",
        "Breathing and swallowing",
        "--path",
        "living/breathing.md",
        "--section",
        "Treatment",
        "--config",
        str(config),
        "--today",
        "2026-11-22",
    )
    assert result.returncode == 0, result.stderr
    nav = yaml.load(open(config), Loader=yaml.BaseLoader)["nav"]
    treatment = next(item["Treatment"] for item in nav if "Treatment" in item)
    assert treatment[-1] == {"Breathing and swallowing": "living/breathing.md"}

    page = tmp_path / "docs" / "living" / "breathing.md"
    text = page.read_text()
    assert "review_status: submitted" in text and "next_review: 2027-02-20" in text
    # Straight from the scaffold, the source checks pass.
    assert run("scripts/validate.py", "--config", str(config)).stdout.splitlines()[-1] == "0 problems found"

    # The editor adds one citation and one diagram, as CONTRIBUTING.md describes.
    text = text.replace(
        "Write the version for healthcare professionals here. Cite every clinical statement.",
        "IVIG gave short-term strength gains in one small trial [@bain1996effects].\n" + DIAGRAM,
    )
    page.write_text(text)
    checked = run("scripts/validate.py", "--config", str(config))
    assert checked.returncode == 0, checked.stdout
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert built.returncode == 0, built.stderr
    html = (tmp_path / "site" / "living" / "breathing" / "index.html").read_text()
    # Drawn at build time: the temporary site has Chromium and the pinned Mermaid too.
    assert 'href="#ref-bain1996effects"' in html and 'class="lems-diagram"' in html and 'class="mermaid"' not in html


def test_bad_input_is_refused_and_changes_nothing(tmp_path):
    config = copy_site(tmp_path)
    before = config.read_text()
    result = run(
        "scripts/new_page.py",
        "--title",
        "X",
        "--path",
        "Treatment/New Topic.md",
        "--section",
        "Nowhere",
        "--config",
        str(config),
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "--path: expected lower-case words joined by '-', ending in .md, e.g. treatment/new-topic.md; got 'Treatment/New Topic.md'"
    )
    result = run(
        "scripts/new_page.py",
        "--title",
        "X",
        "--path",
        "treatment/x.md",
        "--section",
        "Nowhere",
        "--config",
        str(config),
    )
    assert result.returncode == 2
    assert "nav has no section 'Nowhere'; expected one of Treatment, About" in result.stderr
    result = run("scripts/new_page.py", "--title", "X", "--path", "treatment/ivig.md", "--config", str(config))
    assert result.returncode == 2 and "docs/treatment/ivig.md:1: the page already exists" in result.stderr
    assert config.read_text() == before
    assert not (tmp_path / "docs" / "treatment" / "x.md").exists()


def test_hostile_titles_and_descriptions_are_refused_before_anything_is_written(tmp_path):
    config = copy_site(tmp_path)
    before = config.read_text()
    for args in (
        ["--title", "Bad <script>alert(1)</script>"],
        ["--title", "A: b"],
        ["--title", "Ok", "--description", 'x" onload="y'],
    ):
        result = run("scripts/new_page.py", *args, "--path", "living/x.md", "--config", str(config))
        assert result.returncode == 2 and result.stderr.startswith(("--title:", "--description:")), result.stderr
    assert config.read_text() == before
    assert not (tmp_path / "docs" / "living" / "x.md").exists()


def test_the_scaffold_writes_one_version_per_configured_audience(tmp_path):
    config = copy_site(tmp_path)
    text = config.read_text().replace(
        "          schema_audience: Clinician\n",
        "          schema_audience: Clinician\n        - id: carer\n          label: Carer\n"
        "          block_label: For carers\n          version_name: carers\n          schema_audience: Patient\n",
        1,
    )
    config.write_text(text)
    result = run(
        "scripts/new_page.py",
        "--title",
        "Respite",
        "--path",
        "living/respite.md",
        "--config",
        str(config),
        "--today",
        "2026-11-22",
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "docs" / "living" / "respite.md").read_text()
    assert [line for line in page.splitlines() if line.startswith("/// audience")] == [
        "/// audience | patient",
        "/// audience | professional",
        "/// audience | carer",
    ]
    assert (
        "description: 'Respite: what it means for people with LEMS, for patients and families and for healthcare professionals and for carers.'"
        in page
    )
