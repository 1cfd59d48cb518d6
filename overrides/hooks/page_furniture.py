"""What health readers rely on around the content: review status and dates, report and edit
links, audience-aware table of contents, and schema.org JSON-LD.

The markup lives in templates under overrides/partials/lems/; this hook only computes values.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

from mkdocs.utils import get_relative_url

from sitekit import state
from sitekit.document import iso_date


def on_page_content(html, page, config, files, **_):
    page.audience_anchors, page.audiences_present = _audiences_in(html)
    furniture = _render("partials/lems/page-status.html", page, config)
    if page.is_homepage:
        furniture += _render("partials/lems/audience-welcome.html", page, config)
    # After the page's title, so that the title stays the first thing read.
    match = re.search(r"</h1>", html)
    if match:
        return html[: match.end()] + furniture + html[match.end():]
    return furniture + html


def on_page_context(context, page, config, nav, **_):
    page.lems_jsonld = _json_ld(page, config)
    page.lems_report_url = _report_url(page, config)
    return context


def on_post_page(output, page, config, **_):
    anchors = getattr(page, "audience_anchors", {})
    if not anchors:
        return output

    def tag(match):
        audience = anchors.get(match.group("id"))
        if not audience:
            return match.group(0)
        return f'<li class="md-nav__item" data-audience="{audience}">{match.group("link")}'

    return _TOC_ITEM.sub(tag, output)


# ---------------------------------------------------------------------------------------------


def _render(template: str, page, config) -> str:
    env = config.theme.get_env()
    meta = page.meta
    return env.get_template(template).render(
        page=page,
        config=config,
        status=meta.get("review_status", "submitted"),
        last_updated=iso_date(meta.get("last_updated")),
        last_reviewed=iso_date(meta.get("last_reviewed")),
        next_review=iso_date(meta.get("next_review")),
        reviewed_by=meta.get("reviewed_by"),
        base_url=get_relative_url(".", page.url).rstrip("/") + "/",
    )


def _json_ld(page, config) -> str:
    present = getattr(page, "audiences_present", []) or [a.id for a in state.site.audiences]
    audiences = []
    for a in state.site.audiences:
        if a.id in present:
            if a.schema_audience == "Patient":
                audiences.append({"@type": "Patient"})
            else:
                audiences.append({"@type": "MedicalAudience", "audienceType": a.schema_audience})
    meta = page.meta
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": page.canonical_url,
        "inLanguage": "en",
        "audience": audiences,
    }
    if meta.get("description"):
        data["description"] = meta["description"]
    if iso_date(meta.get("last_updated")):
        data["dateModified"] = iso_date(meta["last_updated"]).isoformat()
    # Only a real clinical review is claimed: an approved page with a named reviewer.
    if meta.get("review_status") == "approved" and meta.get("reviewed_by") and iso_date(meta.get("last_reviewed")):
        data["lastReviewed"] = iso_date(meta["last_reviewed"]).isoformat()
        data["reviewedBy"] = {"@type": "Person", "name": str(meta["reviewed_by"])}
    text = json.dumps(data, ensure_ascii=False, indent=None).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _report_url(page, config) -> str:
    repository = str(config["extra"].get("repository", "")).rstrip("/")
    if not repository:
        return ""
    title = f"Problem on page: {page.title}"
    page_url = page.canonical_url or page.url
    return (
        f"{repository}/issues/new?template=page-problem.yml"
        f"&title={quote(title)}&page={quote(page_url, safe='')}"
        f"&source={quote(page.file.src_uri)}"
    )


class _AnchorCollector(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list = []  # audience or None per open element
        self.anchors: dict = {}
        self.blocks: set = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        current = next((a for a in reversed(self.stack) if a), None)
        own = attrs.get("data-audience") if "lems-audience" in (attrs.get("class") or "") else None
        if own:
            self.blocks.add(own)
        audience = own or current
        if attrs.get("id") and audience:
            self.anchors[attrs["id"]] = audience
        if tag not in self.VOID:
            self.stack.append(own)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def _audiences_in(html: str) -> tuple[dict, list]:
    """(anchor id -> audience of the block holding it, audiences with a block on the page)."""
    collector = _AnchorCollector()
    collector.feed(html)
    return collector.anchors, sorted(collector.blocks)


_TOC_ITEM = re.compile(r'<li class="md-nav__item">(?P<link>\s*<a (?=[^>]*class="md-nav__link")[^>]*href="#(?P<id>[^"]+)"[^>]*>)')
