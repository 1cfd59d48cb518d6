"""Diagrams drawn at build time: cache keys, the cache, the SVG allowlist, accessible names.

Tests that draw need /usr/bin/chromium (or LEMS_CHROMIUM) and node_modules/mermaid
(`make setup`): without them they fail, they never skip.
"""

from __future__ import annotations

import dataclasses
import os
import re

import pytest
from conftest import ROOT
from lxml import etree

from lems_site.diagrams import drawing

CHROMIUM = os.environ.get("LEMS_CHROMIUM", "/usr/bin/chromium")
MERMAID_JS = os.path.join(ROOT, "node_modules", "mermaid", "dist", "mermaid.min.js")
CONFIG = drawing.drawing_config({"securityLevel": "strict", "startOnLoad": True})

SOURCE = """flowchart TD
    accTitle: Where IVIG fits
    accDescr: Diagnosis leads to treatment, then to IVIG when weakness stays severe.
    A[Diagnosis] --> B[3,4-DAP]
    B -->|Still weak| C[IVIG]
"""
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" id="{id}" viewBox="0 0 10 10">'
    '<title id="chart-title-{id}">T</title>{body}</svg>'
)


def svg(body: str, element_id: str = drawing.DRAWING_ID) -> str:
    return SVG.format(id=element_id, body=body)


def parsed(text: str):
    return etree.fromstring(text.encode())


@pytest.fixture(scope="module")
def tools():
    missing = drawing.missing_tools(chromium=CHROMIUM, mermaid_js=MERMAID_JS)
    if missing:
        pytest.fail(f"cannot draw diagrams: {missing}")


def new_drawer(cache_dir, **options) -> drawing.DiagramDrawer:
    return drawing.DiagramDrawer(
        chromium=options.get("chromium", CHROMIUM), mermaid_js=MERMAID_JS, config=CONFIG, cache_dir=str(cache_dir)
    )


@pytest.fixture(scope="module")
def drawn(tools, tmp_path_factory):
    """One real drawing of SOURCE, and the drawer (closed) that made it."""
    with new_drawer(tmp_path_factory.mktemp("cache")) as drawer:
        result = drawer.draw(SOURCE)
    return result, drawer


# ---------------------------------------------------------------------------------------------
# Cache keys and the cache


def test_the_cache_key_changes_with_the_source_the_configuration_and_mermaid():
    key = drawing.cache_key(source=SOURCE, config=CONFIG, version="mermaid@11.17.2")
    assert key == drawing.cache_key(
        source=SOURCE, config=dict(reversed(list(CONFIG.items()))), version="mermaid@11.17.2"
    )
    assert key != drawing.cache_key(source=SOURCE + "    C --> D\n", config=CONFIG, version="mermaid@11.17.2")
    assert key != drawing.cache_key(source=SOURCE, config={**CONFIG, "theme": "dark"}, version="mermaid@11.17.2")
    assert key != drawing.cache_key(source=SOURCE, config=CONFIG, version="mermaid@12.3.0")


def test_the_version_comes_from_the_pinned_npm_package():
    assert drawing.mermaid_version(MERMAID_JS) == "mermaid@11.17.2"


def test_the_safe_settings_are_forced_whatever_mkdocs_yml_says():
    config = drawing.drawing_config(
        {
            "securityLevel": "loose",
            "htmlLabels": True,
            "flowchart": {"htmlLabels": True, "curve": "basis"},
            "theme": "neutral",
        }
    )
    assert config["securityLevel"] == "strict" and config["startOnLoad"] is False
    assert config["htmlLabels"] is False and config["flowchart"] == {"htmlLabels": False, "curve": "basis"}
    assert config["theme"] == "neutral"


def test_a_cache_hit_starts_no_browser(tmp_path):
    # A Chromium that does not exist: any attempt to start it would raise.
    drawer = new_drawer(tmp_path, chromium="/nonexistent/chromium")
    key = drawer.key(SOURCE)
    os.makedirs(tmp_path / key[:2])
    (tmp_path / key[:2] / f"{key}.svg").write_text(svg("<g/>"))
    result = drawer.draw(SOURCE)
    drawer.close()
    assert result.cached and result.svg == svg("<g/>") and drawer.launches == 0


def test_a_missing_browser_is_a_diagram_error_not_a_crash(tmp_path):
    drawer = new_drawer(tmp_path, chromium="/nonexistent/chromium")
    with pytest.raises(drawing.DiagramError, match="/nonexistent/chromium"):
        drawer.draw(SOURCE)
    assert drawing.missing_tools(chromium="/nonexistent/chromium", mermaid_js=MERMAID_JS).startswith(
        "/nonexistent/chromium was not found"
    )


def test_a_rebuild_with_a_warm_cache_draws_nothing(drawn, tmp_path):
    result, first = drawn
    assert not result.cached and first.launches == 1
    with new_drawer(first.cache_dir) as second:
        again = second.draw(SOURCE)
    assert again.cached and again.svg == result.svg and second.launches == 0


def test_one_browser_draws_every_diagram_of_a_build(tools, tmp_path):
    with new_drawer(tmp_path) as drawer:
        drawer.draw(SOURCE)
        drawer.draw(SOURCE.replace("IVIG]", "Plasma exchange]"))
        drawer.draw("flowchart LR\n    accTitle: Two\n    accDescr: Two steps.\n    X --> Y\n")
    assert drawer.launches == 1
    assert len(list(tmp_path.rglob("*.svg"))) == 3


def test_a_syntax_error_is_a_diagram_error(tools, tmp_path):
    with new_drawer(tmp_path) as drawer:
        with pytest.raises(drawing.DiagramError, match="Mermaid could not draw"):
            drawer.draw("flowchart TD\n    A --> \n    -->-->\n")
        # The browser stays usable for the next diagram.
        assert "<svg" in drawer.draw(SOURCE).svg
    assert not list(tmp_path.rglob("*.svg"))[1:]


# ---------------------------------------------------------------------------------------------
# The drawing as published


def test_the_drawing_is_an_image_named_by_its_title_and_described(drawn):
    result, _ = drawn
    root = parsed(drawing.prepare_svg(result.svg, element_id="lems-diagram-1").svg)
    assert root.get("role") == "img"
    ns = {"s": drawing.SVG_NS}
    (title,) = root.xpath(f"//s:title[@id='{root.get('aria-labelledby')}']", namespaces=ns)
    (desc,) = root.xpath(f"//s:desc[@id='{root.get('aria-describedby')}']", namespaces=ns)
    assert title.text == "Where IVIG fits"
    assert desc.text == "Diagnosis leads to treatment, then to IVIG when weakness stays severe."


def test_the_drawing_is_plain_safe_svg(drawn):
    result, _ = drawn
    prepared = drawing.prepare_svg(result.svg, element_id="lems-diagram-1")
    assert prepared.removed == []  # Mermaid's own output needs nothing taken out
    for forbidden in ("<script", "foreignObject", " on", "http://", "https://", "<a ", "<image"):
        assert forbidden not in prepared.svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Diagnosis" in prepared.svg and "<text" in prepared.svg


def test_two_drawings_on_one_page_share_no_id(drawn):
    result, _ = drawn
    first = drawing.prepare_svg(result.svg, element_id="lems-diagram-1").svg
    second = drawing.prepare_svg(result.svg, element_id="lems-diagram-2").svg
    ids = re.findall(r'\sid="([^"]+)"', first + second)
    assert ids and len(ids) == len(set(ids))
    assert drawing.DRAWING_ID not in first + second
    # Markers and the accessible name still point at elements of the same drawing.
    for reference in re.findall(r"url\(#([^)]+)\)", second) + re.findall(
        r'aria-(?:labelledby|describedby)="([^"]+)"', second
    ):
        assert f'id="{reference}"' in second


# ---------------------------------------------------------------------------------------------
# The allowlist


@pytest.mark.parametrize(
    ("body", "gone", "removed"),
    [
        ("<script>alert(1)</script>", "alert", "<script>"),
        ('<g onload="alert(1)"><rect onclick="x()"/></g>', "alert", "g@onload"),
        ("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>hi</div></foreignObject>", "hi", "<foreignObject>"),
        (
            '<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://evil.example/x.svg#a"/>',
            "evil",
            "use@href",
        ),
        ('<use href="https://evil.example/x.svg#a"/>', "evil", "use@href"),
        ('<image href="https://evil.example/p.png"/>', "evil", "<image>"),
        ('<a href="javascript:alert(1)"><text>x</text></a>', "alert", "<a>"),
        ('<rect style="fill:url(https://evil.example/f)"/>', "evil", "rect@style"),
        ('<rect fill="url(https://evil.example/f)"/>', "evil", "rect@fill"),
        ("<style>@import url(https://evil.example/s.css);</style>", "evil", "<style> with an outside reference"),
        (
            "<style>rect{background:url('https://evil.example/p.png')}</style>",
            "evil",
            "<style> with an outside reference",
        ),
        ('<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/>', "evil", "<iframe>"),
    ],
)
def test_the_allowlist_drops_what_could_run_or_reach_outside(body, gone, removed):
    prepared = drawing.prepare_svg(svg(f"<g>{body}</g>"), element_id="lems-diagram-1")
    assert gone not in prepared.svg
    assert removed in prepared.removed
    assert parsed(prepared.svg).get("role") == "img"


def test_references_inside_the_drawing_stay():
    body = '<defs><marker id="m"/></defs><path marker-end="url(#m)" style="fill:url(#m)"/><use href="#m"/>'
    prepared = drawing.prepare_svg(svg(body), element_id="lems-diagram-3")
    assert prepared.removed == []
    assert 'marker-end="url(#lems-diagram-3-m)"' in prepared.svg and 'href="#lems-diagram-3-m"' in prepared.svg


def test_unused_ids_mermaid_did_not_prefix_are_dropped():
    prepared = drawing.prepare_svg(svg('<g id="L_A_B_0"/><g id="L_A_B_0"/>'), element_id="lems-diagram-1")
    assert "L_A_B_0" not in prepared.svg


@pytest.mark.parametrize(
    "text",
    [
        "not svg at all",
        "<html><body>x</body></html>",
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><g>',
    ],
)
def test_a_damaged_or_hostile_cache_file_is_refused_or_emptied(text):
    try:
        prepared = drawing.prepare_svg(text, element_id="lems-diagram-1")
    except drawing.DiagramError:
        return
    assert "root:" not in prepared.svg and prepared.removed


def test_only_pages_with_a_diagram_left_need_mermaid2():
    assert drawing.needs_browser_drawing('<div class="mermaid">flowchart TD</div>')
    assert drawing.needs_browser_drawing('<pre><code class="language-mermaid">graph</code></pre>')
    assert not drawing.needs_browser_drawing(
        '<p>We draw diagrams with Mermaid (mermaid.js).</p><div class="lems-diagram"><svg/></div>'
    )
    assert not drawing.needs_browser_drawing("<pre><code>```mermaid\nflowchart TD\n```</code></pre>")


# ---------------------------------------------------------------------------------------------
# The plugin: when it draws, when it refuses, and mermaid2's page handler


@pytest.fixture
def site():
    from lems_site.driver import lems_plugin, load_site

    config = load_site(os.path.join(ROOT, "mkdocs.yml"))
    assert config is not None
    plugin = lems_plugin(config)
    plugin.on_startup(command="build", dirty=False)
    plugin.check_sources(config)
    config = config.plugins.on_config(config)
    return config, plugin


def test_without_chromium_require_fails_the_build_and_auto_says_so_in_one_line(site, monkeypatch):
    from mkdocs.exceptions import PluginError

    config, plugin = site
    monkeypatch.delenv("LEMS_REQUIRE_DIAGRAMS", raising=False)  # CI sets it for the real build
    plugin.config.diagrams.chromium = "/nonexistent/chromium"
    plugin._plan_diagrams(config)
    assert plugin.diagram_mode == "browser"
    assert plugin.diagram_notice.startswith("Diagrams: /nonexistent/chromium was not found")
    assert "\n" not in plugin.diagram_notice
    monkeypatch.setenv("LEMS_REQUIRE_DIAGRAMS", "1")
    with pytest.raises(PluginError, match="/nonexistent/chromium was not found"):
        plugin._plan_diagrams(config)
    monkeypatch.delenv("LEMS_REQUIRE_DIAGRAMS")
    plugin.config.diagrams.draw = "require"
    with pytest.raises(PluginError):
        plugin._plan_diagrams(config)


def test_mkdocs_serve_leaves_drawing_to_the_browser(site):
    config, plugin = site
    plugin.config.diagrams.draw = "require"
    plugin.on_startup(command="serve", dirty=False)
    plugin._plan_diagrams(config)
    assert plugin.diagram_mode == "browser" and plugin.drawer is None


def test_mermaid2_skips_pages_without_a_diagram_and_still_draws_the_others(site):
    config, _ = site
    (handler,) = [h for h in config.plugins.events["post_page"] if config.plugins._event_origins.get(h) == "mermaid2"]
    page = type("Page", (), {"url": "a/", "title": "A"})()
    plain = "<html><body><p>mermaid<br></p></body></html>"
    assert handler(plain, config=config, page=page) is plain  # not parsed and re-serialised
    with_diagram = '<html><body><div class="mermaid">graph TD</div></body></html>'
    assert "mermaid.initialize" in handler(with_diagram, config=config, page=page)


def test_the_page_gets_its_svg_after_the_search_index_has_read_it(site, tools, tmp_path):
    from lems_site.plugin import PageState, _fill_diagrams

    config, plugin = site
    plugin.settings = dataclasses.replace(plugin.settings, cache_dir=str(tmp_path))
    plugin._plan_diagrams(config)
    plugin.report = type("Report", (), {"documents": {}})()
    state = PageState()
    escaped = SOURCE.replace(">", "&gt;")
    content = plugin._draw_diagrams(
        f'<div class="mermaid">{escaped}</div><p>x</p><div class="mermaid">{escaped}</div>', "docs/x.md", state
    )
    plugin._close_drawer()
    assert "<svg" not in content and 'class="mermaid"' not in content
    render = config.theme.get_env().get_template("partials/lems/diagram.html").render
    page = _fill_diagrams(content, state.diagrams, render=render)
    assert page.count('<div class="lems-diagram" role="region" tabindex="0" aria-label="Diagram: ') == 2
    assert page.count('"><svg xmlns="http://www.w3.org/2000/svg" id="lems-diagram-') == 2
    assert 'id="lems-diagram-1"' in page and 'id="lems-diagram-2"' in page
    assert plugin.drawer.launches == 1 and plugin.diagram_counts == {
        "drawn": 1,
        "cached": 1,
        "seconds": pytest.approx(plugin.diagram_counts["seconds"]),
    }


# --- Sizes: labels at 12 CSS px or more on a phone, a full-size file for a tall drawing ---------

TALL = (
    '<svg xmlns="http://www.w3.org/2000/svg" id="lems-diagram-2" width="100%" style="max-width: 600px;" '
    'viewBox="0 0 600 1800" role="img"><title>Steps &amp; "checks"</title>'
    "<style>#lems-diagram-2{font-family:sans-serif;font-size:16px;fill:#333;}</style><text>A</text></svg>"
)


def test_a_drawing_is_never_narrower_than_its_labels_allow():
    size = drawing.size_of(TALL)
    assert size == drawing.Size(width=600, height=1800, label_px=16)
    assert size.min_width == 450  # 16 px labels shown at 12 px
    svg = drawing.with_minimum_width(TALL, size)
    root = etree.fromstring(svg.encode())
    assert root.get("style") == "max-width: 600px; min-width: 450px; --lems-diagram-aspect: 0.3333;"
    # Rounded up, never down: a label never ends below 12 px.
    odd = drawing.Size(width=667, height=100, label_px=16)
    assert "min-width: 501px" in drawing.with_minimum_width(TALL, odd)


def test_label_size_comes_from_the_drawing_and_defaults_to_mermaids():
    small = TALL.replace("font-size:16px", "font-size:24px")
    assert drawing.size_of(small).min_width == 300
    assert drawing.size_of(TALL.replace("font-size:16px;", "")).label_px == 16
    assert drawing.size_of(TALL.replace('viewBox="0 0 600 1800" ', "")) is None


def test_only_a_tall_drawing_gets_a_full_size_file():
    assert drawing.size_of(TALL).tall  # 1350 px tall at 450 px wide
    wide = TALL.replace('viewBox="0 0 600 1800"', 'viewBox="0 0 600 700"')
    assert not drawing.size_of(wide).tall


def test_the_full_size_file_has_its_natural_size_and_no_page_styles():
    text = drawing.standalone(TALL, drawing.size_of(TALL))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    root = etree.fromstring(text.encode())
    assert (root.get("width"), root.get("height"), root.get("style")) == ("600", "1800", None)


def test_the_diagram_markup_is_a_named_scrollable_region_with_a_link_for_a_tall_one(site):
    from lems_site.plugin import DIAGRAM_PLACE, _fill_diagrams

    config, _ = site
    render = config.theme.get_env().get_template("partials/lems/diagram.html").render
    saved = []

    def save(number, text):
        saved.append((number, text))
        return f"diagram-{number}.svg"

    wide = TALL.replace('viewBox="0 0 600 1800"', 'viewBox="0 0 600 700"').replace("lems-diagram-2", "lems-diagram-1")
    html = _fill_diagrams(
        DIAGRAM_PLACE.format(number=1) + DIAGRAM_PLACE.format(number=2), [wide, TALL], render=render, save=save
    )
    assert html.count('role="region" tabindex="0" aria-label="Diagram: Steps &amp; &#34;checks&#34;"') == 2
    assert [number for number, _ in saved] == [2]
    assert html.count('<a href="diagram-2.svg">Open the diagram full size') == 1
    assert "diagram-1.svg" not in html
