"""An editor's first change: a page from the scaffold, one citation, one diagram; the build passes."""

import os
import shutil
import subprocess
import sys

import yaml
from conftest import ROOT, make

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
    os.symlink(os.path.join(ROOT, "research"), tmp_path / "research")
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
    # Straight from the scaffold, the page cannot be published: each placeholder, at its line.
    scaffold = run("scripts/validate.py", "--config", str(config))
    lines = text.split("\n")
    at = [i for i, line in enumerate(lines, start=1) if "here." in line or "Explain each" in line]
    opening = [i for i, line in enumerate(lines, start=1) if line.startswith("/// audience")]
    assert scaffold.returncode == 1
    assert scaffold.stdout.splitlines() == [
        f"docs/living/breathing.md:{opening[0]}: the '/// audience | patient' version cites no source: "
        "cite each section of it from docs/bibliography.yaml, such as [@key]",
        f"docs/living/breathing.md:{at[0]}: placeholder text from the new-page scaffold: "
        "'Write the version for patients and families here.': replace it with the page's content before it is published",
        f"docs/living/breathing.md:{at[1]}: placeholder text from the new-page scaffold: "
        "'Explain each medical word the first time you use it.': replace it with the page's content before it is published",
        f"docs/living/breathing.md:{opening[1]}: the '/// audience | professional' version cites no source: "
        "cite each section of it from docs/bibliography.yaml, such as [@key]",
        f"docs/living/breathing.md:{at[2]}: placeholder text from the new-page scaffold: "
        "'Write the version for healthcare professionals here.': replace it with the page's content before it is published",
        "5 problems found",
    ]
    # The validated build stops at the same lines, before MkDocs runs.
    built = run("scripts/build.py", "--config", str(config), "--site-dir", str(tmp_path / "refused"))
    assert built.returncode == 1 and scaffold.stdout.splitlines()[0] in built.stdout.splitlines()
    assert not (tmp_path / "refused").exists()

    # The editor writes both versions, with one citation and one diagram, as CONTRIBUTING.md describes.
    text = text.replace(
        "Write the version for healthcare professionals here. Cite every clinical statement.",
        "IVIG gave short-term strength gains in one small trial [@bain1996effects].\n" + DIAGRAM,
    ).replace(
        "Write the version for patients and families here. Use short sentences and everyday words.\n"
        "Explain each medical word the first time you use it.",
        "Some people with LEMS find it hard to breathe [@stickler2019lambert].",
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


def test_a_title_with_an_ampersand_is_plain_text_in_yaml_and_html(tmp_path):
    import lxml.html

    config = copy_site(tmp_path)
    title = "Tests & results"
    result = run("scripts/new_page.py", "--title", title, "--path", "living/tests.md", "--config", str(config))
    assert result.returncode == 0, result.stderr
    page = tmp_path / "docs" / "living" / "tests.md"
    front = yaml.safe_load(page.read_text().split("---")[1])
    nav = yaml.load(open(config), Loader=yaml.BaseLoader)["nav"]
    assert front["title"] == title and nav[-1] == {title: "living/tests.md"}
    page.write_text(
        page.read_text()
        .replace(
            "Write the version for healthcare professionals here. Cite every clinical statement.",
            "IVIG [@bain1996effects].",
        )
        .replace(
            "Write the version for patients and families here. Use short sentences and everyday words.\n"
            "Explain each medical word the first time you use it.",
            "Tests help [@stickler2019lambert].",
        )
    )
    built = run("scripts/build.py", "--config", str(config), "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 0, built.stdout + built.stderr
    html = (tmp_path / "site" / "living" / "tests" / "index.html").read_text()
    tree = lxml.html.fromstring(html)
    # Read back as text, the "&" is one character wherever the title is shown: never markup.
    assert tree.findtext(".//title").startswith(title)
    assert tree.xpath("string(//h1)").strip().startswith(title)
    assert title in [a.text_content().strip() for a in tree.iter("a")]
    assert "&amp;amp;" not in html


def test_a_title_that_starts_a_character_reference_is_refused(tmp_path):
    config = copy_site(tmp_path)
    before = config.read_text()
    result = run("scripts/new_page.py", "--title", "Salt &amp pepper", "--path", "living/x.md", "--config", str(config))
    assert result.returncode == 2 and result.stderr.startswith("--title:"), result.stderr
    assert config.read_text() == before


def test_make_new_page_alone_prints_the_make_form_and_fails_before_running_anything():
    result = make("new-page")
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == (
        'usage: make new-page title="Breathing and swallowing" page=treatment/breathing.md section=Treatment'
    )
    assert "--title" not in result.stdout and "Error 2" not in result.stderr
    assert result.stderr.strip().endswith("title= and page= are required.  Stop.")


def test_a_page_listed_in_urgent_help_starts_with_the_callout_and_passes(tmp_path):
    config = copy_site(tmp_path)
    args = ["scripts/new_page.py", "--config", str(config), "--today", "2026-11-22", "--section", "Treatment"]
    assert run(*args, "--title", "Breathing", "--path", "treatment/breathing.md").returncode == 0
    assert run(*args, "--title", "Respite", "--path", "living/respite.md").returncode == 0
    treatment = (tmp_path / "docs" / "treatment" / "breathing.md").read_text()
    other = (tmp_path / "docs" / "living" / "respite.md").read_text()
    assert treatment.index("# Breathing\n\n/// urgent | Call 999") < treatment.index("/// audience | patient")
    assert "[999](tel:999)" in treatment and "/// urgent" not in other
    checked = run("scripts/validate.py", "--config", str(config)).stdout
    assert "breathing.md:11: page has no '/// urgent' block" not in checked
    # Like the versions, the callout cannot be published before it is written and cited.
    assert "docs/treatment/breathing.md:12: placeholder text from the new-page scaffold" in checked
    assert "docs/treatment/breathing.md:11: '/// urgent' block cites no source" in checked
    # Without it, the treatment page would be refused.
    start = treatment.index("/// urgent")
    (tmp_path / "docs" / "treatment" / "breathing.md").write_text(
        treatment[:start] + treatment[treatment.index("/// audience") :]
    )
    refused = run("scripts/validate.py", "--config", str(config)).stdout
    assert "docs/treatment/breathing.md:11: page has no '/// urgent' block" in refused
