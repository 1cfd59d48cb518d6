"""Site-level rules that need the whole tree: entries cited nowhere; all problems in one run."""

from sitekit.validate import validate_site

from conftest import TODAY
from helpers import FRONT_MATTER, GOOD_ENTRY, settings_for


def test_entry_cited_nowhere(tmp_path):
    settings = settings_for(tmp_path, GOOD_ENTRY, {"index.md": FRONT_MATTER + "\n# Home\n"})
    assert [str(p) for p in validate_site(settings, TODAY).problems] == [
        "docs/bibliography.yaml:2: entry 'bain1996effects' is cited nowhere: cite it from a page or remove it"
    ]


def test_includes_folder_is_not_a_page(tmp_path):
    settings = settings_for(tmp_path, GOOD_ENTRY, {"index.md": FRONT_MATTER + "\nX [@bain1996effects].\n", "includes/abbreviations.md": "*[X]: y\n"})
    assert validate_site(settings, TODAY).problems == []
