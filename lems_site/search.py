"""Search: one index per version, so that results lead with the version the reader chose.

Material's search plugin writes `search/search_index.json` (`config`, and `docs` with
`location`, `title`, `text`, optional `boost`), one doc per page and per section. After it, the
lems plugin writes a copy per audience (vocabulary.SEARCH_INDEX), which
assets/lems/search-on-demand.js loads for the reader's version:

- each section of a version carries that version's label as its one tag: Material's results
  show a doc's tags, so every result says which version it belongs to. The tags field leaves the
  index's `fields`, so the label is shown but never searched (the front matter allows no tags);
- the reader's version and what both versions share weigh READER_BOOST times more than the
  other version, which stays findable (its results switch versions, as any link to it does);
- the References page's list of every source weighs less still: it names every clinical word,
  but is findable by an author's name, and the page's own title ranks as before.

Boosts are raised rather than lowered because lunr rounds each term's weight to 3 decimals:
a tiny boost would round the other version's scores to 0 and lose their order.
"""

from __future__ import annotations

import copy
import json
import os

from markupsafe import escape

from lems_site.vocabulary import SEARCH_INDEX

# Material's title boost is 1,000 and lunr's term weight at most 2.2 x idf: a section of the
# other version with the query in its title and text must still rank below a section of the
# reader's version that mentions it once in its text, also for queries of a few words.
READER_BOOST = 1_000_000
OTHER_BOOST = 1
REFERENCE_LIST_BOOST = 0.01

MATERIAL_INDEX = "search/search_index.json"


def section_versions(pages: dict[str, dict[str, str]]) -> dict[str, str]:
    """{location in the index: audience} for every section inside a version.

    `pages` maps each page's URL (as in the index: "treatment/ivig/", "" for the home page) to
    its anchors: {id: audience of the block holding it} (audiences.anchors_in).
    """
    return {f"{url}#{anchor}": audience for url, anchors in pages.items() for anchor, audience in anchors.items()}


def version_index(
    index: dict,
    *,
    reader: str,
    versions: dict[str, str],
    labels: dict[str, str],
    reference_lists: frozenset[str] | set[str] = frozenset(),
) -> dict:
    """Material's index as the reader of version `reader` searches it; `index` is not changed.

    `versions`: section_versions(); `labels`: audience -> the label readers see (block_label);
    `reference_lists`: locations of reference-list sections, weighed least.
    """
    if reader not in labels:
        raise ValueError(f"unknown audience {reader!r}: expected one of {', '.join(labels)}")
    result = copy.deepcopy(index)
    result.get("config", {}).get("fields", {}).pop("tags", None)
    for doc in result.get("docs", []):
        location = doc.get("location", "")
        page_boost = doc.get("boost", 1)
        audience = versions.get(location)
        if audience in labels:
            doc["tags"] = [str(escape(labels[audience]))]
        else:
            doc.pop("tags", None)
        if location in reference_lists:
            weight = REFERENCE_LIST_BOOST
        elif audience in labels and audience != reader:
            weight = OTHER_BOOST
        else:
            weight = READER_BOOST
        doc["boost"] = page_boost * weight
    return result


def index_path(audience: str) -> str:
    """Where the index for one version is written, relative to the site folder."""
    return SEARCH_INDEX.format(audience=audience)


def write_version_indexes(
    site_dir: str,
    *,
    audiences: list[str],
    versions: dict[str, str],
    labels: dict[str, str],
    reference_lists: set[str],
) -> dict[str, int]:
    """One index per audience beside Material's; Material's becomes the first audience's.

    The first audience is the version shown when the reader has not chosen: a reader whose
    browser asks for Material's own file (no JavaScript mapping, `file:`) gets that one.
    Returns {written path: bytes}; nothing when Material's search wrote no index.
    """
    source = os.path.join(site_dir, MATERIAL_INDEX)
    if not os.path.isfile(source):
        return {}
    with open(source, encoding="utf-8") as handle:
        index = json.load(handle)
    written = {}
    for position, audience in enumerate(audiences):
        data = version_index(index, reader=audience, versions=versions, labels=labels, reference_lists=reference_lists)
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        targets = [index_path(audience)] + ([MATERIAL_INDEX] if position == 0 else [])
        for target in targets:
            path = os.path.join(site_dir, target)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(text)
            written[target] = len(text)
    return written
