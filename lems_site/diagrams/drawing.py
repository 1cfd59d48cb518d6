"""Mermaid diagrams drawn at build time into inline SVG, with the pinned Mermaid in Chromium.

`DiagramDrawer` owns one headless Chromium for the whole build, started on the first diagram
that is not in the cache and closed by `close()` (or the `with` block). Each drawing is cached
under a key made of Mermaid's version, the drawing configuration and the diagram's source, so
an unchanged diagram costs nothing on the next build.

The cache stores Mermaid's own output. Whatever is read back, cached or fresh, goes through
`prepare_svg`: parsed with lxml, stripped to an allowlist of SVG elements and attributes (no
script, no event handler, no foreignObject, no reference outside the drawing), given
`role="img"` and ids that are unique on its page. A cache file is untrusted: a file that needs
anything removed is thrown away and drawn again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lxml import etree

# Mermaid draws with this id; `prepare_svg` swaps it for the id the page gives the drawing, so
# one cached drawing can appear on any page, any number of times.
DRAWING_ID = "lems-drawing-id"

# Plain SVG text (no HTML labels, so no foreignObject), strict security, no drawing on load:
# the in-browser fallback (mermaid2's `arguments` in mkdocs.yml) uses the same settings.
BASE_CONFIG: dict = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False},
}
# Forced whatever mkdocs.yml says: without them the drawing is not safe or not plain SVG.
FORCED_CONFIG: dict = {"startOnLoad": False, "securityLevel": "strict", "htmlLabels": False}

# Headless Chromium as this project starts it everywhere (build, tests, bench): no request may
# leave 127.0.0.1, so no background networking, updates, sync or first-run pages.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

ALLOWED_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "style", "path", "rect", "circle", "ellipse", "line",
        "polyline", "polygon", "text", "tspan", "marker", "symbol", "use", "clipPath", "mask",
        "pattern", "linearGradient", "radialGradient", "stop", "filter", "feDropShadow",
        "feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge", "feMergeNode",
        "feBlend", "feColorMatrix", "feMorphology",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = frozenset(
    {
        "id", "class", "style", "role", "viewBox", "width", "height", "x", "y", "x1", "x2", "y1",
        "y2", "cx", "cy", "r", "rx", "ry", "d", "points", "transform", "dx", "dy", "fill",
        "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-dasharray",
        "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-opacity",
        "stroke-miterlimit", "opacity", "font-family", "font-size", "font-style", "font-weight",
        "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
        "letter-spacing", "text-decoration", "marker-start", "marker-mid", "marker-end",
        "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
        "preserveAspectRatio", "clip-path", "clip-rule", "mask", "filter", "flood-color",
        "flood-opacity", "stdDeviation", "in", "in2", "result", "operator", "mode", "values",
        "type", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
        "patternUnits", "patternTransform", "clipPathUnits", "maskUnits", "filterUnits",
        "visibility", "display", "href", "aria-label", "aria-labelledby", "aria-describedby",
        "aria-roledescription", "aria-hidden", "lengthAdjust", "textLength",
    }
)  # fmt: skip
# Inert data the drawing carries (edge points, node ids).
DATA_ATTRIBUTE = re.compile(r"data-[a-z][a-z0-9-]*")
# A CSS or attribute value may point inside the drawing (`url(#id)`) and nowhere else.
OUTSIDE_REFERENCE = re.compile(
    r"url\(\s*(?!['\"]?#)|@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.I
)
ID_REFERENCE = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)")


class DiagramError(Exception):
    """Mermaid could not draw a diagram (a syntax error, say), or the browser failed."""


@dataclass
class Drawing:
    """One diagram as Mermaid drew it (not yet prepared for a page)."""

    svg: str
    key: str
    cached: bool
    seconds: float


@dataclass
class Prepared:
    """A drawing made safe for one place on one page."""

    svg: str
    removed: list[str] = field(default_factory=list)  # what the allowlist dropped


def drawing_config(arguments: dict | None = None) -> dict:
    """Mermaid's configuration: mermaid2's `arguments` from mkdocs.yml, with the safe settings forced."""
    config = json.loads(json.dumps(BASE_CONFIG))
    for name, value in (arguments or {}).items():
        config[name] = value
    config.update(FORCED_CONFIG)
    config["flowchart"] = {**(config.get("flowchart") or {}), "htmlLabels": False}
    return config


def mermaid_version(mermaid_js: str) -> str:
    """The version of the npm package the script comes from, or a hash of the script itself."""
    package = os.path.join(os.path.dirname(os.path.dirname(mermaid_js)), "package.json")
    try:
        with open(package, encoding="utf-8") as handle:
            return "mermaid@" + json.load(handle)["version"]
    except (OSError, ValueError, KeyError):
        with open(mermaid_js, "rb") as handle:
            return "sha256:" + hashlib.sha256(handle.read()).hexdigest()


def cache_key(*, source: str, config: dict, version: str) -> str:
    """The name of a drawing in the cache: it changes with the source, the configuration or Mermaid."""
    material = json.dumps({"mermaid": version, "config": config, "source": source}, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def prepare_svg(svg: str, *, element_id: str) -> Prepared:
    """The SVG reduced to the allowlist, as an image named by its title, with ids unique on the page.

    Raises DiagramError when the text is not one SVG element (a damaged cache file, say).
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        root = etree.fromstring(svg.encode("utf-8"), parser)
    except etree.XMLSyntaxError as err:
        raise DiagramError(f"the drawing is not well-formed SVG: {err}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise DiagramError(f"the drawing is not an SVG element: {root.tag}")
    removed: list[str] = []
    _strip(root, removed)
    _own_ids(root, element_id)
    root.set("role", "img")
    # The SVG namespace stays the default; the xlink prefix is not needed once hrefs are plain.
    etree.cleanup_namespaces(root)
    return Prepared(svg=etree.tostring(root, encoding="unicode"), removed=removed)


# Labels must read at 12 CSS px or more (Mermaid draws them at 16 px): a drawing is never shown
# narrower than that allows; on a phone it scrolls sideways inside its own region instead.
MIN_LABEL_PX = 12
# A drawing taller than this at that width (about a phone screen) also gets a link to itself,
# full size, to open and zoom on its own.
TALL_PX = 800


@dataclass(frozen=True)
class Size:
    """A drawing's natural size (its viewBox) and the size of its labels, in CSS px."""

    width: float
    height: float
    label_px: float

    @property
    def min_width(self) -> float:
        """The narrowest the drawing may be shown with its labels at MIN_LABEL_PX or more."""
        return self.width * MIN_LABEL_PX / self.label_px

    @property
    def tall(self) -> bool:
        """Whether, at its narrowest, the drawing is taller than a phone screen."""
        return self.height * self.min_width / self.width > TALL_PX


def size_of(svg: str) -> Size | None:
    """The drawing's Size, or None when it has no usable viewBox."""
    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    try:
        _x, _y, width, height = (float(v) for v in (root.get("viewBox") or "").replace(",", " ").split())
    except ValueError:
        return None
    if width <= 0 or height <= 0:
        return None
    style = "".join(e.text or "" for e in root.iter(f"{{{SVG_NS}}}style"))
    # Mermaid's first rule is the drawing's own: `#id{font-family:...;font-size:16px;...}`.
    match = _ROOT_FONT_SIZE.search(style)
    label_px = float(match.group(1)) if match else DEFAULT_LABEL_PX
    return Size(width=width, height=height, label_px=label_px or DEFAULT_LABEL_PX)


def title_of(svg: str) -> str:
    """The drawing's title (Mermaid's accTitle), or empty."""
    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    title = root.find(f"{{{SVG_NS}}}title")
    return "".join(title.itertext()).strip() if title is not None else ""


def with_minimum_width(svg: str, size: Size) -> str:
    """The inline drawing, never narrower than its labels allow, and its aspect for print."""
    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    style = (root.get("style") or "").strip().rstrip(";")
    extra = f"min-width: {math.ceil(size.min_width)}px; --lems-diagram-aspect: {size.width / size.height:.4f}"
    root.set("style", f"{style}; {extra};" if style else f"{extra};")
    return etree.tostring(root, encoding="unicode")


def standalone(svg: str, size: Size) -> str:
    """The drawing as a file of its own, at its natural size (to open and zoom on its own)."""
    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    root.set("width", f"{size.width:.0f}")
    root.set("height", f"{size.height:.0f}")
    if "style" in root.attrib:
        del root.attrib["style"]
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"


def missing_tools(*, chromium: str, mermaid_js: str) -> str:
    """Why diagrams cannot be drawn here, in one line; empty when everything is in place."""
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        return f"{chromium} was not found (install Debian's chromium)"
    if not os.path.isfile(mermaid_js):
        return f"{mermaid_js} was not found (run `make setup`)"
    # Found, not imported: a build whose drawings all come from the cache never needs it.
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (run `make setup`)"
    return ""


def needs_browser_drawing(html: str) -> bool:
    """Whether the page still holds a diagram for mermaid2 to draw in the browser."""
    return "mermaid" in html and bool(_MERMAID_BLOCK.search(html))


class DiagramDrawer:
    """Draws Mermaid diagrams in one headless Chromium, started on first need, with a cache.

    Use as a context manager, or call `close()`; `launches` counts the browsers started.
    """

    def __init__(self, *, chromium: str, mermaid_js: str, config: dict, cache_dir: str, timeout_ms: int = 20000):
        self.chromium = chromium
        self.mermaid_js = mermaid_js
        self.config = config
        self.cache_dir = cache_dir
        self.timeout_ms = timeout_ms
        self.version = mermaid_version(mermaid_js)
        self.launches = 0
        self.start_seconds = 0.0
        self._playwright = None
        self._browser = None
        self._page = None
        # Playwright's sync API refuses to start inside another one's event loop (a build run
        # from a browser test, say), and its objects belong to the thread that made them: the
        # browser lives on a thread of its own.
        self._thread: ThreadPoolExecutor | None = None

    def __enter__(self) -> DiagramDrawer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def key(self, source: str) -> str:
        """The cache key of this diagram source under this drawer's Mermaid and configuration."""
        return cache_key(source=source, config=self.config, version=self.version)

    def draw(self, source: str) -> Drawing:
        """Mermaid's SVG for this source, from the cache when a usable copy is there."""
        key = self.key(source)
        cached = self._read_cache(key)
        if cached is not None:
            return Drawing(svg=cached, key=key, cached=True, seconds=0.0)
        started = time.monotonic()
        svg = self._on_browser_thread(self._render, source)
        seconds = time.monotonic() - started
        self._write_cache(key, svg)
        return Drawing(svg=svg, key=key, cached=False, seconds=seconds)

    def forget(self, key: str) -> None:
        """Remove a cache entry found unusable, so that the next draw makes it anew."""
        try:
            os.remove(self._cache_path(key))
        except OSError:
            pass

    def close(self) -> None:
        """Close the browser, if one was started; the drawer can start another later."""
        thread, self._thread = self._thread, None
        if thread is not None:
            try:
                thread.submit(self._close_browser).result()
            finally:
                thread.shutdown()

    # -----------------------------------------------------------------------------------------

    def _on_browser_thread(self, function, *args):
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lems-diagrams")
        return self._thread.submit(function, *args).result()

    def _close_browser(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._page = self._browser = self._playwright = None
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()

    def _cache_path(self, key: str) -> str:
        return os.path.join(self.cache_dir, key[:2], key + ".svg")

    def _read_cache(self, key: str) -> str | None:
        try:
            with open(self._cache_path(key), encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            return None

    def _write_cache(self, key: str, svg: str) -> None:
        path = self._cache_path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = f"{path}.{os.getpid()}.tmp"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(svg)
        os.replace(partial, path)

    def _start(self) -> None:
        from playwright.sync_api import Error, sync_playwright

        started = time.monotonic()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.chromium, args=list(CHROMIUM_ARGS), headless=True
            )
            self.launches += 1
            page = self._browser.new_page()
            # Nothing may leave the machine: the blank page needs no request at all.
            page.route("**/*", lambda route: route.abort())
            page.set_content("<!doctype html><html><head></head><body></body></html>")
            page.add_script_tag(path=self.mermaid_js)
            page.evaluate("config => mermaid.initialize(config)", self.config)
        except Error as err:
            self._close_browser()
            raise DiagramError(f"Chromium ({self.chromium}) could not start Mermaid: {err.message}") from None
        self._page = page
        self.start_seconds = time.monotonic() - started

    def _render(self, source: str) -> str:
        from playwright.sync_api import Error

        if self._page is None:
            self._start()
        try:
            return self._page.evaluate(_RENDER, [DRAWING_ID, source])
        except Error as err:
            message = err.message.splitlines()[0] if err.message else "unknown error"
            raise DiagramError(f"Mermaid could not draw the diagram: {message}") from None


# mermaid.render gives HTML-serialised markup; XMLSerializer gives well-formed XML for lxml.
# A failed render leaves its error drawing in the page: it is removed before the next diagram.
_RENDER = """async ([id, source]) => {
  try {
    const { svg } = await mermaid.render(id, source);
    const holder = document.createElement('div');
    holder.innerHTML = svg;
    return new XMLSerializer().serializeToString(holder.firstElementChild);
  } finally {
    document.querySelectorAll('[id^="d' + id + '"], #' + id).forEach(node => node.remove());
  }
}"""

DEFAULT_LABEL_PX = 16.0  # Mermaid's default fontSize
_ROOT_FONT_SIZE = re.compile(r"^\s*#[^{\s]+\s*\{[^}]*?font-size:\s*([0-9.]+)px")
_MERMAID_BLOCK = re.compile(r"""<(?:div|pre|code)\b[^>]*\bclass=["'](?:[^"']*\s)?(?:language-)?mermaid[\s"']""", re.I)


def _local(name: str) -> str:
    return etree.QName(name).localname if name.startswith("{") else name


def _strip(element, removed: list[str]) -> None:
    _clean_attributes(element, removed)
    for child in list(element):
        tag = child.tag
        name = _local(tag) if isinstance(tag, str) else "node"
        if not isinstance(tag, str) or not tag.startswith(f"{{{SVG_NS}}}") or name not in ALLOWED_ELEMENTS:
            removed.append(f"<{name}>")
            element.remove(child)
        elif name == "style" and child.text and (OUTSIDE_REFERENCE.search(child.text) or "<" in child.text):
            removed.append("<style> with an outside reference")
            element.remove(child)
        else:
            _strip(child, removed)


def _clean_attributes(element, removed: list[str]) -> None:
    tag = _local(element.tag)
    for name, value in element.attrib.items():
        local = _local(name)
        namespaced = name.startswith("{") and not name.startswith(f"{{{XLINK_NS}}}")
        allowed = not namespaced and (local in ALLOWED_ATTRIBUTES or bool(DATA_ATTRIBUTE.fullmatch(local)))
        if local == "href":
            allowed = allowed and value.startswith("#")
        if not allowed or OUTSIDE_REFERENCE.search(value):
            removed.append(f"{tag}@{local}")
            del element.attrib[name]
        elif name != local:
            # xlink:href becomes plain href (SVG 2): no namespace prefix in the page.
            del element.attrib[name]
            element.set(local, value)


def _own_ids(root, element_id: str) -> None:
    """Give the drawing the page's id; ids Mermaid did not prefix are prefixed or, unused, dropped."""
    for element in root.iter():
        for name, value in element.attrib.items():
            if DRAWING_ID in value:
                element.set(name, value.replace(DRAWING_ID, element_id))
        if _local(element.tag) == "style" and element.text:
            element.text = element.text.replace(DRAWING_ID, element_id)
    referenced = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in ("aria-labelledby", "aria-describedby"):
                referenced.update(value.split())
            elif name == "href":
                referenced.add(value[1:])
            referenced.update(ID_REFERENCE.findall(value))
    for element in root.iter():
        value = element.get("id")
        if (
            value is None
            or value == element_id
            or value.startswith(element_id + "-")
            or value.startswith(element_id + "_")
        ):
            continue
        if value.startswith(("chart-title-", "chart-desc-")) and value.endswith(element_id):
            continue
        if value in referenced:
            _rename(root, value, f"{element_id}-{value}")
        else:
            del element.attrib["id"]


def _rename(root, old: str, new: str) -> None:
    for element in root.iter():
        for name, value in element.attrib.items():
            if value == old and name == "id":
                element.set(name, new)
            elif name in ("aria-labelledby", "aria-describedby"):
                element.set(name, " ".join(new if part == old else part for part in value.split()))
            elif value == "#" + old:
                element.set(name, "#" + new)
            elif f"#{old})" in value:
                element.set(name, value.replace(f"#{old})", f"#{new})"))
