"""The plugin's contract: its place among plugins changes nothing; audiences are data, not code."""

import os

import yaml
from conftest import ROOT

from lems_site.driver import lems_plugin, load_site

PAGE = """\
---
review_status: submitted
last_updated: 2026-11-22
next_review: 2027-02-22
---

# Topic

{blocks}
"""
BLOCK = """\
/// audience | {id}

## For {id} {{#{id}-section}}

Short words for {id} readers [@bain1996effects].

///
"""
BIBLIOGRAPHY = """\
references:
- id: bain1996effects
  type: article-journal
  title: Effects of intravenous immunoglobulin
  author: [{family: Bain, given: PG}]
  container-title: Neurology
  issued: {date-parts: [[1996]]}
  PMID: "8797464"
  findings: A crossover trial of IVIG in nine people.
"""
AUDIENCES = [
    {
        "id": "patient",
        "label": "Patient or family member",
        "block_label": "For patients and families",
        "version_name": "patients and families",
        "schema_audience": "Patient",
    },
    {
        "id": "professional",
        "label": "Healthcare professional",
        "block_label": "For healthcare professionals",
        "version_name": "healthcare professionals",
        "schema_audience": "Clinician",
    },
]


def small_site(tmp_path, audiences, plugins_order=("search", "lems")):
    docs = tmp_path / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "bibliography.yaml").write_text(BIBLIOGRAPHY)
    (docs / "index.md").write_text(PAGE.format(blocks="\n".join(BLOCK.format(id=a["id"]) for a in audiences)))
    lems = {
        "lems": {
            "audiences": audiences,
            "bibliography": "bibliography.yaml",
            "abbreviations": "",
            "glossary": "",
            "readability": {"audience": "patient", "max_grade": 12},
        }
    }
    config = {
        "site_name": "Small site",
        "site_url": "https://example.org/small/",
        "theme": {"name": "material", "custom_dir": os.path.join(ROOT, "overrides"), "font": False, "palette": {}},
        "plugins": [lems if name == "lems" else name for name in plugins_order],
        "markdown_extensions": ["attr_list", "toc"],
        "extra": {"generator": False},
        "strict": True,
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return str(tmp_path / "mkdocs.yml")


def build(config_file, site_dir):
    from mkdocs.commands.build import build as mkdocs_build

    config = load_site(config_file, site_dir=str(site_dir))
    assert config is not None
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)
    return config


def built_files(site_dir):
    out = {}
    for folder, _dirs, files in os.walk(site_dir):
        for name in files:
            if name.endswith((".html", ".json", ".xml")):
                path = os.path.join(folder, name)
                out[os.path.relpath(path, site_dir)] = open(path, encoding="utf-8").read()
    return out


def test_the_plugin_in_any_position_gives_the_same_site(tmp_path):
    first = small_site(tmp_path / "a", AUDIENCES, ("lems", "search"))
    last = small_site(tmp_path / "b", AUDIENCES, ("search", "lems"))
    build(first, tmp_path / "out-a")
    build(last, tmp_path / "out-b")
    a, b = built_files(tmp_path / "out-a"), built_files(tmp_path / "out-b")
    assert a.keys() == b.keys() and "index.html" in a
    for name in a:
        assert a[name] == b[name], name
    page = a["index.html"]
    assert "[@" not in page and 'href="#ref-bain1996effects"' in page and 'id="ref-bain1996effects"' in page


def test_a_third_audience_needs_no_code_change(tmp_path):
    carer = {
        "id": "carer",
        "label": "Carer",
        "block_label": "For carers",
        "version_name": "carers",
        "schema_audience": "Patient",
    }
    config_file = small_site(tmp_path / "s", [*AUDIENCES, carer])
    config = build(config_file, tmp_path / "out")
    page = open(tmp_path / "out" / "index.html", encoding="utf-8").read()
    assert lems_plugin(config).settings.audiences == ("patient", "professional", "carer")
    assert page.count('name="lems-audience" value="') == 3 and 'value="carer"' in page
    assert 'html[data-audience="carer"] .lems-audience:not([data-audience="carer"])' in page
    assert '<div class="lems-audience" data-audience="carer">' in page
    assert "To read the version for carers, choose “Carer”." in page
    assert '"carer-section": "carer"' in page.replace("\\u0022", '"')


def test_an_unknown_readability_audience_is_a_clear_configuration_error(tmp_path, capsys):
    config_file = small_site(tmp_path, AUDIENCES)
    text = open(config_file).read().replace("audience: patient", "audience: carer")
    open(config_file, "w").write(text)
    assert load_site(config_file) is None
    err = capsys.readouterr().err
    assert "readability.audience" in err and "expected one of patient, professional; got 'carer'" in err
    assert "Traceback" not in err


def test_a_second_site_loaded_in_the_same_process_gets_its_own_report(tmp_path):
    # MkDocs reuses one instance of a plugin with on_startup for the whole process.
    one = small_site(tmp_path / "one", AUDIENCES)
    two = small_site(tmp_path / "two", AUDIENCES)
    (tmp_path / "two" / "docs" / "index.md").write_text("# No front matter\n")
    first = load_site(one)
    report_one = lems_plugin(first).check_sources(first)
    second = load_site(two)
    report_two = lems_plugin(second).check_sources(second)
    assert report_one is not report_two
    assert [p.path for p in report_two.problems if "front matter" in p.message] == ["docs/index.md"] * 3
    assert not [p for p in report_one.problems if "front matter" in p.message]


def test_serving_survives_the_configuration_reload_of_each_rebuild(tmp_path):
    # `mkdocs serve` calls on_startup once, then loads mkdocs.yml again on every rebuild.
    site = small_site(tmp_path / "one", AUDIENCES)
    plugin = lems_plugin(load_site(site))
    plugin.on_startup(command="serve", dirty=False)
    plugin.load_config(dict(plugin.config), site)
    assert plugin.serving and plugin.report is None
    plugin.on_startup(command="build", dirty=False)
    plugin.load_config(dict(plugin.config), site)
    assert not plugin.serving
