"""lems_site/search.py: Material's search index made into one index per version."""

from __future__ import annotations

import copy
import json

import pytest

from lems_site import search

LABELS = {"patient": "For patients and families", "professional": "For healthcare professionals"}
PAGES = {
    "": {"home-start": "patient", "home-key-points": "professional"},
    "treatment/ivig/": {"ivig-short-answer": "patient", "ivig-dosing": "professional"},
}
VERSIONS = search.section_versions(PAGES)
LIST = "references/#every-reference"


def material_index() -> dict:
    return {
        "config": {
            "lang": ["en"],
            "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1e6}},
        },
        "docs": [
            {"location": "", "title": "Home", "text": ""},
            {"location": "#home-start", "title": "Start", "text": "<p>a</p>"},
            {"location": "#home-key-points", "title": "Key points", "text": "<p>b</p>"},
            {"location": "treatment/ivig/", "title": "IVIG", "text": ""},
            {"location": "treatment/ivig/#ivig-short-answer", "title": "Short", "text": "", "boost": 2},
            {"location": "treatment/ivig/#ivig-dosing", "title": "Dosing", "text": "", "boost": 2},
            {"location": "treatment/ivig/#references", "title": "References", "text": ""},
            {"location": "glossary/#glossary-a", "title": "A", "text": "<p>c</p>"},
            {"location": "references/", "title": "References", "text": ""},
            {"location": LIST, "title": "Every reference", "text": "<ol><li>magnesium</li></ol>"},
        ],
    }


def by_location(index: dict) -> dict:
    return {doc["location"]: doc for doc in index["docs"]}


def test_section_versions_key_sections_as_the_index_does_home_page_included():
    assert VERSIONS == {
        "#home-start": "patient",
        "#home-key-points": "professional",
        "treatment/ivig/#ivig-short-answer": "patient",
        "treatment/ivig/#ivig-dosing": "professional",
    }
    assert search.section_versions({}) == {}


@pytest.mark.parametrize(("reader", "other"), [("patient", "professional"), ("professional", "patient")])
def test_the_readers_version_and_shared_docs_outweigh_the_other_version(reader, other):
    docs = by_location(search.version_index(material_index(), reader=reader, versions=VERSIONS, labels=LABELS))
    own = [loc for loc, audience in VERSIONS.items() if audience == reader]
    theirs = [loc for loc, audience in VERSIONS.items() if audience == other]
    for location in own:
        assert docs[location]["tags"] == [LABELS[reader]]
    for location in theirs:
        assert docs[location]["tags"] == [LABELS[other]]
    weakest_own = min(docs[loc]["boost"] for loc in own)
    strongest_other = max(docs[loc]["boost"] for loc in theirs)
    # Also against a page boost of 2 on the other version's section.
    assert weakest_own / strongest_other >= search.READER_BOOST / search.OTHER_BOOST / 2
    for shared in ("", "treatment/ivig/", "treatment/ivig/#references", "glossary/#glossary-a", "references/"):
        assert "tags" not in docs[shared]
        assert docs[shared]["boost"] == search.READER_BOOST


def test_a_pages_own_boost_is_kept_as_a_factor():
    docs = by_location(search.version_index(material_index(), reader="patient", versions=VERSIONS, labels=LABELS))
    assert docs["treatment/ivig/#ivig-short-answer"]["boost"] == 2 * search.READER_BOOST
    assert docs["treatment/ivig/#ivig-dosing"]["boost"] == 2 * search.OTHER_BOOST


def test_the_reference_list_weighs_least_of_all():
    index = search.version_index(
        material_index(), reader="patient", versions=VERSIONS, labels=LABELS, reference_lists={LIST}
    )
    docs = by_location(index)
    assert docs[LIST]["boost"] == search.REFERENCE_LIST_BOOST
    assert all(doc["boost"] > docs[LIST]["boost"] for loc, doc in docs.items() if loc != LIST)
    assert docs["references/"]["boost"] == search.READER_BOOST  # the page's title still ranks


def test_without_the_reference_list_named_it_is_an_ordinary_shared_doc():
    docs = by_location(search.version_index(material_index(), reader="patient", versions=VERSIONS, labels=LABELS))
    assert docs[LIST]["boost"] == search.READER_BOOST


def test_labels_are_shown_not_searched_and_escaped():
    hostile = {**LABELS, "patient": '<img src=x onerror="alert(1)">'}
    index = search.version_index(material_index(), reader="patient", versions=VERSIONS, labels=hostile)
    assert "tags" not in index["config"]["fields"]
    assert by_location(index)["#home-start"]["tags"] == ["&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"]


def test_an_unknown_version_is_shared_and_a_stray_tag_is_dropped():
    index = material_index()
    index["docs"].append({"location": "x/#y", "title": "Y", "text": "", "tags": ["stray"]})
    docs = by_location(search.version_index(index, reader="patient", versions={"x/#y": "carer"}, labels=LABELS))
    assert "tags" not in docs["x/#y"] and docs["x/#y"]["boost"] == search.READER_BOOST


def test_materials_index_is_left_unchanged():
    index = material_index()
    before = copy.deepcopy(index)
    search.version_index(index, reader="professional", versions=VERSIONS, labels=LABELS, reference_lists={LIST})
    assert index == before


def test_an_unknown_reader_is_refused():
    with pytest.raises(ValueError, match="unknown audience 'carer'"):
        search.version_index(material_index(), reader="carer", versions=VERSIONS, labels=LABELS)


def test_one_file_per_version_and_materials_becomes_the_default_versions(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(material_index()))
    written = search.write_version_indexes(
        str(tmp_path), audiences=["patient", "professional"], versions=VERSIONS, labels=LABELS, reference_lists={LIST}
    )
    assert set(written) == {
        "search/search_index.json",
        "search/search_index.patient.json",
        "search/search_index.professional.json",
    }
    read = lambda name: json.loads((tmp_path / "search" / name).read_text())  # noqa: E731
    assert read("search_index.json") == read("search_index.patient.json")
    patient, professional = read("search_index.patient.json"), read("search_index.professional.json")
    assert by_location(patient)["#home-start"]["boost"] == search.READER_BOOST
    assert by_location(professional)["#home-start"]["boost"] == search.OTHER_BOOST


def test_no_search_index_means_nothing_is_written(tmp_path):
    written = search.write_version_indexes(
        str(tmp_path), audiences=["patient"], versions=VERSIONS, labels=LABELS, reference_lists=set()
    )
    assert written == {} and list(tmp_path.iterdir()) == []
