"""Raw HTML in a page's Markdown, checked against an allowlist before anything is rendered.

Markdown passes raw HTML through to the page unchanged, so anything an editor writes as HTML
runs in every reader's browser. Each tag in the source (outside code) is found with the HTML
tokenizer's own rule (`<` then a letter starts a tag), then handed to nh3 (html5ever, the parser
browsers share) with every attribute let through to `attribute_filter`, which sees each
attribute as a browser would, entities decoded, and decides it here. Every refusal names its
source line; nothing is rewritten, because silently changed content is worse than a clear error.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

import nh3

from lems_site.problems import Problem
from lems_site.sources import Document

# What pages legitimately write as HTML (md_in_html blocks, abbreviations, tables, figures).
ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "section",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
    }
)
# Named in their own words: these load, run or redirect, and are never allowed.
DANGEROUS_TAGS = {
    "script": "runs a script",
    "style": "restyles the whole site",
    "iframe": "embeds another page",
    "frame": "embeds another page",
    "frameset": "embeds other pages",
    "object": "embeds active content",
    "embed": "embeds active content",
    "applet": "embeds active content",
    "base": "redirects every link on the page",
    "form": "sends what readers type elsewhere",
    "meta": "can redirect the reader or change the page's policy",
    "link": "loads another resource",
    "svg": "can carry scripts and event handlers",
    "math": "changes how the HTML around it is parsed",
    "template": "hides markup from the checks",
    "noscript": "changes how the HTML around it is parsed",
    "textarea": "swallows the rest of the page",
    "title": "swallows the rest of the page",
    "xmp": "swallows the rest of the page",
    "plaintext": "swallows the rest of the page",
}
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role", "markdown", "hidden"})
TAG_ATTRIBUTES = {
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "details": {"open"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
LINK_SCHEMES = frozenset({"https", "mailto"})
# A phone number readers can tap (the urgent-help callout): digits only, an optional leading +.
# Anything else after `tel:` is refused, so a link can only ever dial what it shows.
TEL_NUMBER = re.compile(r"tel:\+?[0-9]+")

# The tokenizer's rule for a tag start: `<` or `</`, then an ASCII letter; the name runs to
# whitespace, `/` or `>`. Also `<!` and `<?`, which browsers read as comments.
_TAG_START = re.compile(r"<(?P<end>/?)(?P<name>[A-Za-z][^\s/>]*)|<(?P<other>[!?])")
# Markdown autolinks (`<https://...>`, `<name@example.org>`): links, not tags.
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Inline code as Markdown reads it: within one paragraph, never across a blank line (masking
# more than Markdown does would hide HTML from the check).
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1)(?!\n[ \t]*\n).)+?\1", re.S)
# Markdown links, images and reference definitions: their address reaches an href or src too.
_MD_LINK = re.compile(r"\]\(\s*<?(?P<url>[^)\s>]*)")
_MD_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<url>\S+?)>?(?:\s|$)", re.M)
_MERMAID_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_ALL_PREFIXES = set(string.ascii_lowercase) | {"_", ":", "-"}


def check(doc: Document) -> list[Problem]:
    """Every refused tag, attribute, address and unclosed comment in the page's source."""
    text, starts = _masked_body(doc)
    line_of = lambda offset: starts[_bisect(starts, offset)][1]  # noqa: E731
    problems: list[Problem] = []
    problems.extend(_check_comments(doc, text, line_of))
    text = _blank_comments(text)
    problems.extend(check_fragment(text, doc.rel, line_of))
    problems.extend(_check_markdown_urls(doc, text, line_of))
    problems.extend(check_mermaid(doc))
    return problems


def check_text(text: str, rel: str) -> list[Problem]:
    """The same checks over a file that is not a page (an included snippet)."""
    from lems_site.sources import parse

    return check(parse(rel, rel, text))


def check_fragment(text: str, rel: str, line_of) -> list[Problem]:
    """Each tag in `text` (comments already blanked), reported at `line_of(offset)`."""
    problems = []
    starts = [m for m in _TAG_START.finditer(text) if not _AUTOLINK.match(text, m.start())]
    for index, match in enumerate(starts):
        line = line_of(match.start())
        if match.group("other"):
            problems.append(
                Problem(rel, line, f"raw HTML '<{match.group('other')}' (a markup declaration) is not allowed")
            )
            continue
        if match.group("end"):
            continue  # the start tag, if any, is the one reported
        name = match.group("name").lower()
        if name not in ALLOWED_TAGS:
            problems.append(Problem(rel, line, _tag_message(name)))
            continue
        # Up to the next tag start: nh3 then reads this one tag, with its attributes, as a
        # browser would (quotes, entities, case) and hands every attribute to the filter.
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        fragment = text[match.start() : end]
        problems.extend(Problem(rel, line, message) for message in _attribute_problems(fragment, name))
    return problems


def check_mermaid(doc: Document) -> list[Problem]:
    """HTML in a diagram's source: Mermaid renders labels, accTitle and accDescr as markup."""
    problems = []
    for fence in doc.fences:
        if fence.lang != "mermaid":
            continue
        for number, text in fence.lines:
            if _MERMAID_TAG.search(text):
                problems.append(
                    Problem(
                        doc.rel,
                        number,
                        "HTML in a Mermaid diagram (a label, accTitle or accDescr) is not allowed: write plain words",
                    )
                )
    return problems


def refused_url(value: str, *, tag: str, attribute: str) -> str | None:
    """Why an address is refused, or None: https:, mailto:, tel:digits or a path on this site only."""
    # Browsers drop these before reading the scheme, so "java\tscript:" is "javascript:".
    cleaned = re.sub(r"[\t\n\r]", "", value).strip(" \x00-\x1f")
    scheme = _SCHEME.match(cleaned)
    if tag == "img" and (scheme or cleaned.startswith("//")):
        return f"<img {attribute}> must be a path on this site (images from other hosts are not loaded)"
    if cleaned.startswith("//"):
        return f"address '{_short(value)}' has no scheme: write https://"
    if scheme and scheme.group(1).lower() == "tel":
        if tag == "a" and attribute == "href" and TEL_NUMBER.fullmatch(cleaned):
            return None
        return (
            f"phone link '{_short(value)}' must be 'tel:' then digits only, with an optional leading '+' "
            "(no spaces, dashes or letters), e.g. tel:999 or tel:+441234567890"
        )
    if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
        return (
            f"address '{_short(value)}' uses '{scheme.group(1).lower()}:': "
            "only https:, mailto:, tel: or a path on this site"
        )
    return None


# --------------------------------------------------------------------------------------------


def _attributes(fragment: str, *, tags: set[str]) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every attribute nh3 parses in `fragment`, none dropped."""
    found: list[tuple[str, str, str]] = []

    def keep(tag: str, attribute: str, value: str) -> str:
        found.append((tag, attribute, value))
        return value

    nh3.clean(
        fragment,
        tags=tags,
        attributes={},
        generic_attribute_prefixes=_ALL_PREFIXES,
        attribute_filter=keep,
        url_schemes={"https", "http", "mailto", "tel", "javascript", "data", "vbscript", "file", "ftp", "blob"},
        link_rel=None,
        strip_comments=True,
    )
    return found


def _attribute_problems(fragment: str, name: str) -> list[str]:
    messages = []
    for tag, attribute, value in _attributes(fragment, tags=set(ALLOWED_TAGS) | {"https:", "http:", "mailto:"}):
        if tag != name and not attribute.startswith("on"):
            continue  # an autolink (`<https://...>`) read as an element: only a handler matters
        if attribute.startswith("on"):
            messages.append(f"event-handler attribute '{attribute}' on <{tag}> is not allowed: it runs a script")
        elif (
            attribute not in GLOBAL_ATTRIBUTES
            and attribute not in TAG_ATTRIBUTES.get(tag, set())
            and not attribute.startswith("aria-")
        ):
            messages.append(f"attribute '{attribute}' on <{tag}> is not allowed")
        elif attribute in URL_ATTRIBUTES:
            reason = refused_url(value, tag=tag, attribute=attribute)
            if reason:
                messages.append(f"<{tag} {attribute}>: {reason}")
    return messages


def _tag_message(name: str) -> str:
    why = DANGEROUS_TAGS.get(name)
    if why:
        return f"raw HTML <{name}> is not allowed: it {why}"
    return f"raw HTML <{name}> is not allowed: use Markdown, or one of {', '.join(sorted(ALLOWED_TAGS))}"


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_UNCLOSED_COMMENT = "HTML comment '<!--' is never closed with '-->': it would hide the rest of the page"


def _blank_comments(text: str) -> str:
    # An unclosed comment is reported on its own; its opening is not a tag as well.
    return _COMMENT.sub(lambda m: _blank(m.group(0)), text).replace("<!--", "    ")


def _check_comments(doc: Document, text: str, line_of) -> list[Problem]:
    problems = []
    for match in re.finditer(r"<!--", text):
        if _COMMENT.match(text, match.start()) is None:
            problems.append(Problem(doc.rel, line_of(match.start()), _UNCLOSED_COMMENT))
    return problems


def _check_markdown_urls(doc: Document, text: str, line_of) -> list[Problem]:
    problems = []
    for pattern in (_MD_LINK, _MD_REFERENCE):
        for match in pattern.finditer(text):
            is_image = pattern is _MD_LINK and _is_image(text, match.start())
            reason = refused_url(
                match.group("url"), tag="img" if is_image else "a", attribute="src" if is_image else "href"
            )
            if reason:
                problems.append(Problem(doc.rel, line_of(match.start()), f"link: {reason}"))
    return problems


def _is_image(text: str, close_bracket: int) -> bool:
    # `![alt](src)`: find the `[` that this `]` closes and look before it.
    depth = 0
    for index in range(close_bracket - 1, -1, -1):
        if text[index] == "]":
            depth += 1
        elif text[index] == "[":
            if depth == 0:
                return index > 0 and text[index - 1] == "!"
            depth -= 1
    return False


def _masked_body(doc: Document) -> tuple[str, list[tuple[int, int]]]:
    """The body with code (fences, inline code) blanked, and (offset, source line) of each line."""
    pieces, starts, offset = [], [], 0
    for number, line in doc.lines:
        starts.append((offset, number))
        shown = _blank(line) if doc.is_code(number) else line
        pieces.append(shown)
        offset += len(shown) + 1
    text = "\n".join(pieces)
    # Inline code may span lines (within a paragraph): blank it over the whole text.
    return _INLINE_CODE.sub(lambda m: _blank(m.group(0)), text), starts


def _line_starts(text: str, first_line: int) -> list[tuple[int, int]]:
    starts, offset = [], 0
    for index, line in enumerate(text.split("\n")):
        starts.append((offset, first_line + index))
        offset += len(line) + 1
    return starts


def _bisect(starts: list[tuple[int, int]], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle][0] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


# An event handler, or an address attribute whose value is not plainly https:, mailto:, a
# fragment or a path (an entity or a colon may hide a scheme): worth a full look.
_MAYBE_ACTIVE = re.compile(
    r"\son[a-z]+\s*=|(?:href|src|action|formaction|data|poster|srcset|xlink:href)\s*=\s*[\"']?\s*"
    r"(?!https://|mailto:|tel:\+?[0-9]+[\"'\s>]|#|\.|/)[^\"'>]*[:&]",
    re.I,
)
RENDERED_REFUSED = frozenset(DANGEROUS_TAGS) - {"svg", "math", "style", "title", "template", "noscript"}


def check_rendered(html: str, doc: Document | None, rel: str) -> list[Problem]:
    """The page's HTML after Markdown: what got through the source check in a form it missed.

    Code is escaped by then, so any tag here is real. Only what runs or redirects is refused
    (the plugin's own markup is not on the allowlist); the line is the first source line
    naming the tag or attribute, else 1.
    """
    problems = []
    starts = list(_TAG_START.finditer(html))
    for index, match in enumerate(starts):
        name = (match.group("name") or "").lower()
        if not name or match.group("end"):
            continue
        if name in RENDERED_REFUSED:
            problems.append(
                Problem(rel, _source_line(doc, "<" + name), _tag_message(name) + " (found in the rendered page)")
            )
            continue
        end = starts[index + 1].start() if index + 1 < len(starts) else len(html)
        segment = html[match.start() : end]
        # Most tags carry neither a handler nor an address with a scheme: only the others are
        # handed to nh3 (a page has thousands of tags, and nh3 parses each one on its own).
        if not _MAYBE_ACTIVE.search(segment[: segment.find(">") + 1 or len(segment)]):
            continue
        for tag, attribute, value in _attributes(segment, tags={name}):
            reason, needle = None, attribute
            if attribute.startswith("on"):
                reason = f"event-handler attribute '{attribute}' on <{tag}> is not allowed: it runs a script"
            elif attribute in URL_ATTRIBUTES | {"action", "formaction", "xlink:href", "data", "poster", "srcset"}:
                url_reason = refused_url(value, tag="a", attribute=attribute)
                if url_reason and _SCHEME.match(re.sub(r"[\t\n\r]", "", value).strip(" \x00-\x1f")):
                    reason = f"<{tag} {attribute}>: {url_reason}"
                    # A Markdown link has no attribute name in the source: its address names the line.
                    needle = value if _source_line(doc, value) != 1 else attribute
            if reason:
                problems.append(Problem(rel, _source_line(doc, needle), reason + " (found in the rendered page)"))
    return problems


def _source_line(doc: Document | None, needle: str) -> int:
    for number, text in doc.lines if doc else []:
        if needle.lower() in text.lower():
            return number
    return 1


def iter_tags(text: str) -> Iterable[str]:
    """Names of the tags in `text`, lower case, for tests and surveys."""
    return (m.group("name").lower() for m in _TAG_START.finditer(text) if m.group("name"))
