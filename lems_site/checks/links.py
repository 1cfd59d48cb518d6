"""Links and anchors, in the site's own format: `path:line: link '…': …`.

Two passes, both in the build's own process:
- from the source: every Markdown link, reference definition and raw-HTML `href`/`src` of
  a page, with its source line, checked against the pages and the ids they render;
- from the output: every local `href`/`src` of every built HTML file (theme and snippets
  included), so nothing the reader can follow is missed, whatever the page's size.

The source pass needs no build: `make check` runs it with the pages and addresses of MkDocs'
own file walk and the ids of each page's Markdown (plugin.check_sources), the build with
what it has just rendered. A link it reports is not reported again from the output.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

import lxml.html

from lems_site.problems import Problem
from lems_site.sources import INLINE_CODE, Document


@dataclass
class SitePages:
    """What the link check knows of the site: each page's source, address and ids."""

    by_src: dict[str, str] = field(default_factory=dict)  # src_uri -> url
    ids: dict[str, set[str]] = field(default_factory=dict)  # src_uri -> ids in its content
    other_files: set[str] = field(default_factory=set)  # src_uris of non-page files (images ...)

    def src_for_url(self, url: str) -> str | None:
        """The page published at `url` (site-relative, directory form or .html)."""
        wanted = url.lstrip("/")
        for src, page_url in self.by_src.items():
            if page_url == wanted or page_url.rstrip("/") == wanted.rstrip("/") or page_url + "index.html" == wanted:
                return src
        return None


def site_pages(files) -> SitePages:
    """The pages and other files of MkDocs' `Files`, as the build and the source walk both see them."""
    return SitePages(
        by_src={f.src_uri: f.url for f in files if f.is_documentation_page()},
        other_files={f.src_uri for f in files if not f.is_documentation_page()},
    )


@dataclass(frozen=True)
class BrokenLink:
    """A broken link of a page's source, and the address MkDocs writes for it into the built page."""

    problem: Problem
    built: str


def source_links(doc: Document, src_uri: str, site: SitePages, *, page_url: str) -> list[Problem]:
    """Every broken link or anchor written in one page's source, at its source line."""
    return [broken.problem for broken in broken_links(doc, src_uri, site, page_url=page_url)]


def broken_links(doc: Document, src_uri: str, site: SitePages, *, page_url: str) -> list[BrokenLink]:
    """Every broken link or anchor of one page's source, each with its address in the built page."""
    broken = []
    for line, target, kind in _targets(doc):
        message = _check_target(target, kind, src_uri, page_url, site)
        if message:
            problem = Problem(doc.rel, line, f"link '{target}': {message}")
            broken.append(BrokenLink(problem, _built_address(target, kind, src_uri, page_url, site)))
    return broken


def output_links(
    site_dir: str, *, site_path: str = "/", reported: dict[str, set[str]] | None = None
) -> list[tuple[str, str, str]]:
    """(built file, link, what is wrong) for every broken local link in the built site.

    `site_path` is where the site is served (the path of `site_url`): the 404 page, shown at
    any address, links from there. `reported` maps a built file to the addresses the source
    pass has already reported at their source line: each is left out here.
    """
    reported = reported or {}
    parsed: dict[str, _Page] = {}
    for folder, _subfolders, files in os.walk(site_dir):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                parsed[os.path.relpath(path, site_dir).replace(os.sep, "/")] = _read_page(path)
    broken = []
    for rel, parser in sorted(parsed.items()):
        base = posixpath.dirname(rel)
        already = reported.get(rel, set())
        for link in sorted(parser.links):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#__", "javascript:")) or link in already:
                continue
            path = unquote(parts.path)
            if path.startswith("/"):
                if not path.startswith(site_path):
                    broken.append((rel, link, f"an absolute address outside the site's path {site_path}"))
                    continue
                path, base_here = path[len(site_path) :] or ".", ""
            else:
                base_here = base
            target = rel if not path else posixpath.normpath(posixpath.join(base_here, path))
            if target.startswith("../") or target == "..":
                broken.append((rel, link, "points outside the site"))
                continue
            full = os.path.join(site_dir, target)
            if os.path.isdir(full):
                target = posixpath.join(target, "index.html")
                full = os.path.join(site_dir, target)
            if not os.path.isfile(full):
                broken.append((rel, link, "no such file in the built site"))
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.endswith(".html") and fragment not in parsed[target].ids:
                broken.append((rel, link, f"no element with id '{fragment}' on {target}"))
    return broken


# ---------------------------------------------------------------------------------------------


def _targets(doc: Document):
    """(line, target, 'markdown' | 'html') for each link written in the page, outside code."""
    for number, text in doc.lines:
        if doc.is_code(number):
            continue
        masked = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)
        for match in _MD_LINK.finditer(masked):
            yield number, match.group("target"), "markdown"
        match = _REF_DEFINITION.match(masked)
        if match:
            yield number, match.group("target"), "markdown"
        for match in _HTML_LINK.finditer(masked):
            yield number, match.group("dq") if match.group("dq") is not None else match.group("sq"), "html"


def _check_target(target: str, kind: str, src_uri: str, page_url: str, site: SitePages) -> str | None:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.strip():
        return None
    if parts.path.startswith("/"):
        return "an absolute path breaks when the site is served under its own path: write a relative link"
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if kind == "markdown" and (path.endswith(".md") or not path):
        dest = src_uri if not path else posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
        if dest not in site.by_src:
            near = difflib.get_close_matches(dest, list(site.by_src), n=1, cutoff=0.6)
            hint = f" (did you mean '{posixpath.relpath(near[0], posixpath.dirname(src_uri) or '.')}'?)" if near else ""
            return f"no such page{hint}"
    elif kind == "markdown":
        dest_file = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
        if dest_file in site.other_files:
            return None
        return "no such file under docs/ (link to the page's .md file, or to a file that exists)"
    else:
        # Raw HTML is not rewritten by MkDocs: its address is relative to the built page.
        if not path:
            dest = src_uri
        else:
            url = posixpath.normpath(posixpath.join(page_url or ".", path))
            if url == ".":
                url = ""
            dest = site.src_for_url(url + ("/" if path.endswith("/") and url else ""))
            if dest is None:
                asset = url
                if asset in site.other_files:
                    return None
                return "no page or file at that address (raw HTML links are relative to the built page's address)"
    if fragment and fragment not in site.ids.get(dest, set()):
        near = difflib.get_close_matches(fragment, sorted(site.ids.get(dest, set())), n=1, cutoff=0.6)
        hint = f" (did you mean '#{near[0]}'?)" if near else ""
        return f"no section '#{fragment}' on docs/{dest}{hint}"
    return None


def _built_address(target: str, kind: str, src_uri: str, page_url: str, site: SitePages) -> str:
    """The address MkDocs writes for `target` (pages.py, path_to_url): rewritten only when it finds the file."""
    from mkdocs.utils import get_relative_url

    parts = urlsplit(target)
    path = unquote(parts.path)
    if kind != "markdown" or not path or path.startswith("/"):
        return target
    dest = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
    if dest not in site.by_src:
        return target
    return urlunsplit(("", "", get_relative_url(site.by_src[dest], page_url), parts.query, parts.fragment))


@dataclass
class _Page:
    ids: set[str]
    links: set[str]


def _read_page(path: str) -> _Page:
    """The ids and the href/src values of one built file (lxml: a built site is many pages)."""
    with open(path, "rb") as handle:
        data = handle.read()
    page = _Page(set(), set())
    if not data.strip():
        return page
    for element in lxml.html.document_fromstring(data).iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        attrib = element.attrib
        if "id" in attrib:
            page.ids.add(attrib["id"])
        if element.tag == "a" and "name" in attrib:
            page.ids.add(attrib["name"])
        if element.tag != "base":
            page.links.update(attrib[name] for name in ("href", "src") if name in attrib)
    return page


_MD_LINK = re.compile(r"\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]^]+\]:\s*<?(?P<target>\S+?)>?(?:\s|$)")
_HTML_LINK = re.compile(r"<[a-zA-Z][^>]*?\s(?:href|src)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')")
