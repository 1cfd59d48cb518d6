r"""Pandoc citations in Markdown, found with their source lines and rendered in AMA style.

The forms (Pandoc's manual, "Citation syntax"), outside code:

- ``[@key]``, ``[@a; @b]``: superscript numbers, ascending, runs of three or more as a range
  (``1–3``, with an en dash), as AMA writes them.
- Locators: ``[@key, p. 33]``, ``[@key, pp. 33-35]``, ``[@key, 33]`` (a bare number is a page),
  ``[@key, table 2]``, ``[@key, fig. 1]``, ``[@key, chap. 3]``, ... (``LOCATOR_TERMS``): AMA's
  page form in the superscript, ``3(p33)``, ``3(pp33-35)``, ``3(table 2)``; the preview and the
  link's accessible name spell it out ("page 33").
- Prefix and suffix: ``[see @key, p. 3]``, ``[@key, p. 3, and elsewhere]``: the text stays with
  its number inside the superscript, as Pandoc prints it for a superscript style.
- Author suppressed, ``[-@key]``: in a numbered style there is no author to suppress, so it is
  the number alone, as ``[@key]``.
- In-text, ``@key`` and ``@key [p. 33]``: the author as AMA names one in running text ("Bain",
  "Bain and Motomura", "Bain et al") followed by the number.
- ``@{key}``: the same key, braced.
- ``\@``: a literal at sign.

Anything else that reads as a citation is a problem with its ``path:line``: nothing a Pandoc
user writes is published as literal syntax. E-mail addresses (``a@b.org``), addresses with an
``@`` (``https://x.org/@me``), link destinations, HTML tags and code are not citations.

One line scanner serves both the checks and the rendering, so what the build validates is
exactly what it renders. Keys are validated against the bibliography's key pattern and every
piece of text is escaped by markupsafe, never by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from lems_site.problems import Problem
from lems_site.references.bibliography import KEY_PATTERN, Bibliography, Entry, links
from lems_site.sources import INLINE_CODE, Document

# Pandoc's key: a letter, digit or `_`, then word characters and internal punctuation. Wider
# than the bibliography's KEY_PATTERN on purpose: a key Pandoc would read is found, then refused
# with a message, rather than left in the page as text.
PANDOC_KEY = r"[A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*\w)?"
KEY_HINT = "expected letters, digits, '_' or '-', starting with a letter, as the bibliography's ids"
LEGACY_MALFORMED = "expected [@key] or [@key1; @key2] (keys separated by ';', each starting with '@')"
LITERAL_AT_HINT = "if it is not a citation, write \\@ for a literal @"

# What is never a citation, masked (same length) before scanning.
HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>\n]*>|<https?://[^<>\s]*>|<[^<>\s@]+@[^<>\s]+>")
LINK_DESTINATION = re.compile(r"(?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S.*$")
ESCAPED_AT = re.compile(r"\\@")

# A bracketed group: an `@` at the start of a word (or after `-`), not a link `[..](..)`.
BRACKET = re.compile(r"(?<![!\\\]])\[(?P<inner>[^\[\]\n]*)\](?![(\[])")
AT_WORD = re.compile(r"(?:^|(?<=[\s;\-]))@(?=[\w{]|\s*(?:;|$))")
PART = re.compile(
    rf"^(?P<prefix>(?:.*?\s)?)(?P<suppress>-?)@(?:\{{(?P<braced>[^{{}}]*)\}}|(?P<key>{PANDOC_KEY}))(?P<rest>.*)$",
    re.S,
)
# In-text `@key`: not after a word character (e-mail), `/`, `:`, `.`, `@`, `+` or `\`.
IN_TEXT = re.compile(
    rf"(?<![\w@.\\/:+])@(?:\{{(?P<braced>[^{{}}\s]*)\}}|(?P<key>{PANDOC_KEY}))"
    r"(?:\s\[(?P<locator>[^\[\]@\n]*)\](?![(\[]))?"
)
LINK_TEXT = re.compile(r"(?<!\\)\[(?P<text>[^\[\]\n]*)\](?=\()")

# CSL locator terms as Pandoc reads them: label -> the forms an author may write.
LOCATOR_TERMS = {
    "page": ("p", "p.", "pp", "pp.", "page", "pages"),
    "table": ("table", "tables", "tab.", "tbl."),
    "figure": ("fig", "fig.", "figs", "figs.", "figure", "figures"),
    "chapter": ("chap", "chap.", "chaps", "chaps.", "ch.", "chapter", "chapters"),
    "section": ("sec", "sec.", "secs", "secs.", "section", "sections", "§", "§§"),
    "paragraph": ("para", "para.", "paras", "paras.", "paragraph", "paragraphs", "¶", "¶¶"),
    "volume": ("vol", "vol.", "vols", "vols.", "volume", "volumes"),
    "number": ("no.", "nos.", "number", "numbers"),
    "line": ("l.", "ll.", "line", "lines"),
    "note": ("n.", "nn.", "note", "notes"),
    "part": ("pt.", "pts.", "part", "parts"),
    "column": ("col.", "cols.", "column", "columns"),
    "appendix": ("app.", "apps.", "appendix", "appendices"),
    "supplement": ("suppl", "suppl.", "supplement"),
}
_TERM_OF = {form: label for label, forms in LOCATOR_TERMS.items() for form in forms}
# AMA's abbreviations in a superscript locator (AMA Manual of Style, 11th ed., 3.6.1): no full
# stops; "p" and "pp" run into the number, the others keep a space.
AMA_SHORT = {
    "page": ("p", "pp"),
    "figure": ("fig", "figs"),
    "chapter": ("chap", "chaps"),
    "section": ("sec", "secs"),
    "paragraph": ("para", "paras"),
    "volume": ("vol", "vols"),
    "number": ("no", "nos"),
    "appendix": ("app", "apps"),
    "supplement": ("suppl", "suppl"),
    "column": ("col", "cols"),
    "part": ("pt", "pts"),
}
_VALUE = r"(?:[A-Za-z]?\d+[A-Za-z]?|[ivxlcdm]+|[IVXLCDM]+)"
_VALUES = rf"{_VALUE}(?:\s*[-–]\s*{_VALUE})?(?:\s*,\s*{_VALUE}(?:\s*[-–]\s*{_VALUE})?)*"
_TERMS = "|".join(sorted((re.escape(f) for f in _TERM_OF), key=len, reverse=True))
LOCATOR = re.compile(
    rf"^\s*(?:(?P<term>{_TERMS})\s*(?P<value>{_VALUES})|(?P<bare>\d+(?:\s*[-–]\s*\d+)?))(?![\w])(?P<after>.*)$",
    re.S | re.I,
)
BRACED_LOCATOR = re.compile(r"^\s*\{(?P<braced>[^{}]*)\}(?P<after>.*)$", re.S)


@dataclass(frozen=True)
class Locator:
    """Where in the work: a CSL label ("page") and the value as written ("33-35")."""

    label: str
    value: str

    @property
    def plural(self) -> bool:
        """Whether the value names more than one (a range or a list)."""
        return bool(re.search(r"[-–,]", self.value))

    @property
    def ama(self) -> str:
        """The superscript form: "p33", "pp33-35", "table 2"."""
        value = re.sub(r"\s*[-–]\s*", "-", re.sub(r"\s*,\s*", ",", self.value))
        short = AMA_SHORT.get(self.label)
        if short is None:
            return f"{self.label}{'s' if self.plural else ''} {value}"
        word = short[1] if self.plural else short[0]
        return f"{word}{value}" if self.label == "page" else f"{word} {value}"

    @property
    def spoken(self) -> str:
        """The long form, for the preview and screen readers: "pages 33–35", "table 2"."""
        value = re.sub(r"\s*[-–]\s*", "–", re.sub(r"\s*,\s*", ", ", self.value))
        label = self.label
        if self.plural:
            label = {"appendix": "appendices", "supplement": "supplements"}.get(label, label + "s")
        return f"{label} {value}"


@dataclass(frozen=True)
class Cite:
    """One work inside a citation, with what the author wrote around its key."""

    key: str
    prefix: str = ""
    locator: Locator | None = None
    suffix: str = ""

    @property
    def plain(self) -> bool:
        """Nothing but the key: such items may join a range."""
        return not (self.prefix or self.locator or self.suffix)


@dataclass(frozen=True)
class Citation:
    """A citation as written at one place in the source; `problem` when it cannot be rendered."""

    line: int
    text: str  # as written, brackets included
    items: tuple[Cite, ...] = ()
    audience: str | None = None
    problem: str | None = None
    in_text: bool = False
    start: int = 0  # columns in the source line `line`; a citation that runs on over a line
    end: int = 0  # break ends, on that line, at the line's end (`end_line`, `end_column`: where it ends)
    unknown_hint: str = ""  # added to an unknown key's message
    end_line: int = 0
    end_column: int = 0
    offset: int = 0  # where it starts and ends in the lines read together (`scan_lines`)
    end_offset: int = 0

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys cited, in the order written (empty when the citation has a problem)."""
        return tuple(item.key for item in self.items)


@dataclass
class _Line:
    r"""What one source line holds: citations found, and where a literal `\@` stands."""

    citations: list = field(default_factory=list)
    escapes: list = field(default_factory=list)  # offsets of `\@` in the lines read together


# --------------------------------------------------------------------------------------------
# Finding


def _mask(text: str) -> str:
    """Blank out what is never a citation, keeping every column where it was."""

    def blank(match: re.Match) -> str:
        return " " * len(match.group(0))

    masked = INLINE_CODE.sub(blank, text)
    masked = HTML_TAG.sub(blank, masked)
    masked = LINK_DESTINATION.sub(blank, masked)
    if REFERENCE_DEFINITION.match(masked):
        return " " * len(masked)
    return ESCAPED_AT.sub("  ", masked)


def _parse_key(braced: str | None, key: str | None) -> tuple[str, str | None]:
    """The key and, when it is not one the bibliography could hold, why."""
    value = braced if braced is not None else key
    if not value:
        return "", "empty"
    if not KEY_PATTERN.match(value):
        return value, f"citation key '{value}' is not a valid key: {KEY_HINT}"
    return value, None


def _parse_rest(rest: str) -> tuple[Locator | None, str]:
    """A locator after the key's comma, then any suffix text (Pandoc's rule)."""
    if not rest.strip():
        return None, ""
    if not rest.lstrip().startswith(","):
        return None, rest.strip()
    after_comma = rest.lstrip()[1:]
    braced = BRACED_LOCATOR.match(after_comma)
    if braced:
        inner = LOCATOR.match(braced.group("braced"))
        if inner and not inner.group("after").strip():
            return _locator(inner), braced.group("after").strip()
        return Locator("page", braced.group("braced").strip()), braced.group("after").strip()
    match = LOCATOR.match(after_comma)
    if not match:
        return None, rest.strip()
    return _locator(match), match.group("after").strip()


def _locator(match: re.Match) -> Locator:
    if match.group("bare"):
        return Locator("page", match.group("bare").strip())
    return Locator(_TERM_OF[match.group("term").lower()], match.group("value").strip())


def _bracketed(raw: str, inner: str) -> tuple[tuple[Cite, ...], str | None]:
    """Parse `[...]`'s inside into items, or say why it cannot be."""
    if not inner.replace("@", "").replace(";", "").replace("-", "").strip():
        return (), f"empty citation '{raw}': write [@key] with a key from the bibliography"
    items = []
    for part in inner.split(";"):
        match = PART.match(part.strip())
        if not match:
            return (), f"malformed citation '{raw}': {LEGACY_MALFORMED}"
        key, why = _parse_key(match.group("braced"), match.group("key"))
        if why == "empty":
            return (), f"empty citation '{raw}': write [@key] with a key from the bibliography"
        if why:
            return (), why
        rest = match.group("rest")
        if AT_WORD.search(match.group("prefix")) or AT_WORD.search(rest) or re.search(r"(?:^|[\s,])-?@\w", rest):
            return (), f"malformed citation '{raw}': {LEGACY_MALFORMED}"
        locator, suffix = _parse_rest(rest)
        prefix = match.group("prefix").strip()
        items.append(Cite(key, prefix, locator, suffix))
    return tuple(items), None


def scan_line(text: str, number: int, audience: str | None = None) -> _Line:
    """Every citation on one line (not a code line), in order, with its columns."""
    return scan_lines([text], number, audience)


def scan_lines(texts: list[str], number: int, audience: str | None = None) -> _Line:
    """Every citation in consecutive lines of one paragraph (`_chunks`), read as one text.

    The lines are joined with a space where each line break was, so every offset in the joined
    text is also an offset in the source; each citation keeps the line and column it starts at
    (`line`, `start`) and those it ends at (`end_line`, `end`).
    """
    text = " ".join(texts)
    result = _Line()
    masked = " ".join(_mask(t) for t in texts)
    # Links are told by what follows their text, which `_mask` blanks: look for them here.
    with_links = " ".join(_mask_keep_escapes(t) for t in texts)
    starts = [0]
    for t in texts[:-1]:
        starts.append(starts[-1] + len(t) + 1)

    def place(offset: int) -> tuple[int, int]:
        index = max(i for i, s in enumerate(starts) if s <= offset)
        return number + index, offset - starts[index]

    def citation(raw, items, problem, start, end, in_text=False, unknown_hint=""):
        line, column = place(start)
        end_line, last_column = place(max(start, end - 1))
        line_end = last_column + 1 if end_line == line else len(texts[line - number])
        return Citation(
            line,
            raw,
            items,
            audience,
            problem,
            in_text,
            column,
            line_end,
            unknown_hint,
            end_line,
            last_column + 1,
            start,
            end,
        )

    result.escapes = [
        m.start() for m in ESCAPED_AT.finditer(LINK_DESTINATION.sub(lambda m: " " * len(m.group(0)), with_links))
    ]
    taken = [" "] * len(masked)
    for match in BRACKET.finditer(masked):
        inner = match.group("inner")
        if not AT_WORD.search(inner) or with_links[match.end() : match.end() + 1] in ("(", "["):
            continue
        raw = text[match.start() : match.end()]
        items, problem = _bracketed(raw, inner)
        result.citations.append(citation(raw, items, problem, match.start(), match.end()))
        taken[match.start() : match.end()] = ["x"] * (match.end() - match.start())
    remaining = "".join(" " if taken[i] == "x" else c for i, c in enumerate(masked))
    # A `[` still open at the end of the paragraph: Pandoc would print its keys as text.
    opened = _unclosed_citation(remaining)
    if opened is not None:
        raw = text[opened:].rstrip()
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        problem = (
            f"citation '{shown}' is opened with '[' but never closed with ']' in its paragraph: "
            "close it, e.g. [@key1; @key2], before the paragraph ends"
        )
        result.citations.append(citation(raw, (), problem, opened, len(text)))
        taken[opened:] = ["x"] * (len(text) - opened)
        remaining = "".join(" " if taken[i] == "x" else c for i, c in enumerate(masked))
    in_links = [(m.start("text"), m.end("text")) for m in LINK_TEXT.finditer(with_links)]
    for match in IN_TEXT.finditer(remaining):
        raw = text[match.start() : match.end()]
        key, why = _parse_key(match.group("braced"), match.group("key"))
        if any(start <= match.start() < end for start, end in in_links):
            problem = f"citation '{raw}' inside a link's text cannot be rendered: move it out of the link"
            result.citations.append(citation(raw, (), problem, match.start(), match.end(), True))
            continue
        if why:
            problem = f"{why}; {LITERAL_AT_HINT}" if why != "empty" else f"empty citation '{raw}'; {LITERAL_AT_HINT}"
            result.citations.append(citation(raw, (), problem, match.start(), match.end(), True))
            continue
        if _in_brackets(remaining, match.start()):
            # `[see @key and more]`, or a fragment of a citation: it would print as raw text.
            problem = (
                f"'{raw}' stands in brackets with other text, which would be printed as it is written: "
                "write the citation on its own, [@key] or [see @key, p. 3], or \\@ for a literal @"
            )
            result.citations.append(citation(raw, (), problem, match.start(), match.end(), True))
            continue
        locator, suffix = (None, "")
        if match.group("locator") is not None:
            locator, suffix = _parse_rest(", " + match.group("locator").strip())
        result.citations.append(
            citation(
                raw,
                (Cite(key, "", locator, suffix),),
                None,
                match.start(),
                match.end(),
                True,
                unknown_hint=LITERAL_AT_HINT,
            )
        )
    result.citations.sort(key=lambda c: c.offset)
    return result


def _unclosed_citation(masked: str) -> int | None:
    """The offset of a `[` left open with a citation key after it, or None."""
    open_at: list[int] = []
    for index, char in enumerate(masked):
        if char == "[" and (index == 0 or masked[index - 1] != "\\"):
            open_at.append(index)
        elif char == "]" and open_at:
            open_at.pop()
    for index in open_at:
        if AT_WORD.search(masked[index + 1 :]) or re.match(r"\[\s*-?@", masked[index:]):
            return index
    return None


def _in_brackets(masked: str, offset: int) -> bool:
    """Whether `offset` is inside a `[...]` left as text (a citation's brackets are blanked by now)."""
    before = masked.rfind("[", 0, offset)
    if before < 0 or "]" in masked[before:offset]:
        return False
    after = masked.find("]", offset)
    return after >= 0 and "[" not in masked[offset:after]


def _mask_keep_escapes(text: str) -> str:
    r"""As `_mask`, but leaves `\@` and link destinations in place so that they can be found."""
    masked = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)
    return HTML_TAG.sub(lambda m: " " * len(m.group(0)), masked)


# A line that begins a Markdown block of its own: never the continuation of a paragraph.
_BLOCK_START = re.compile(r"^\s*(?:$|#{1,6}(?:\s|$)|[-*+]\s|\d{1,9}[.)]\s|>|\||/{3,}|`{3,}|~{3,}|<|\{:)")


def _chunks(lines: list[tuple[int, str]], is_code) -> list[tuple[int, list[str]]]:
    """The lines read together, each group starting with its first line's number.

    A line is joined by the next lines of its paragraph while a citation's `[` is still open,
    or when the next line starts with `[` (a citation written after a line break belongs to the
    word before it).
    """
    chunks: list[tuple[int, list[str]]] = []
    index = 0
    while index < len(lines):
        number, text = lines[index]
        group = [text]
        index += 1
        if is_code(number):
            chunks.append((number, group))
            continue
        while index < len(lines):
            next_number, next_text = lines[index]
            if (
                is_code(next_number)
                or _BLOCK_START.match(next_text)
                or REFERENCE_DEFINITION.match(next_text)
                or _BLOCK_START.match(group[-1])
                and not group[-1].lstrip().startswith(("- ", "* ", "+ ", ">"))
                and not re.match(r"^\s*\d{1,9}[.)]\s", group[-1])
            ):
                break
            masked = " ".join(_mask(t) for t in group)
            if _unclosed_citation(_without_brackets(masked)) is None and not next_text.lstrip().startswith("["):
                break
            group.append(next_text)
            index += 1
        chunks.append((number, group))
    return chunks


def _without_brackets(masked: str) -> str:
    """Closed bracket groups blanked, so that only a `[` still open is left to find."""
    previous = None
    while previous != masked:
        previous = masked
        masked = re.sub(r"\[[^\[\]]*\]", lambda m: " " * len(m.group(0)), masked)
    return masked


def find(doc: Document) -> list[Citation]:
    """Every citation of a page outside code, in source order, each with its source line."""
    found = []
    for number, texts in _chunks(doc.lines, doc.is_code):
        if doc.is_code(number) or not any("@" in t for t in texts):
            continue
        found.extend(scan_lines(texts, number, doc.audience_at(number)).citations)
    return found


def check(doc: Document, citations: list[Citation], bib: Bibliography) -> list[Problem]:
    """A problem for each citation that cannot be rendered and each key not in the bibliography."""
    problems = []
    for citation in citations:
        if citation.problem:
            problems.append(Problem(doc.rel, citation.line, citation.problem))
            continue
        for key in citation.keys:
            if key not in bib.entries:
                near = bib.nearest_key(key)
                hints = [f"did you mean '{near}'?"] if near else []
                if citation.unknown_hint:
                    hints.append(citation.unknown_hint)
                hint = f" ({'; '.join(hints)})" if hints else ""
                problems.append(
                    Problem(doc.rel, citation.line, f"citation key '{key}' is not in the bibliography{hint}")
                )
    return problems


# --------------------------------------------------------------------------------------------
# Rendering


def number_keys(citations: list[Citation], known: set[str]) -> dict[str, int]:
    """Number each cited key in order of its first citation on the page (both versions alike)."""
    numbers: dict[str, int] = {}
    for citation in citations:
        for key in citation.keys:
            if key in known and key not in numbers:
                numbers[key] = len(numbers) + 1
    return numbers


def author_names(bib: Bibliography) -> dict[str, str]:
    """How running text names each work's authors in AMA style: "Bain", "Bain and Motomura", "Bain et al"."""
    return {key: _in_text_name(entry) for key, entry in bib.entries.items()}


def _in_text_name(entry: Entry) -> str:
    names = []
    more = False
    for author in entry.data.get("author") or []:
        if not isinstance(author, dict):
            continue
        literal = str(author.get("literal") or "").strip()
        if literal.rstrip(".").lower() == "et al":
            more = True
            continue
        names.append(str(author.get("family") or literal).strip())
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) > 2 or (more and names):
        return f"{names[0]} et al"
    return " and ".join(names)


def _runs(numbered: list[tuple[int, Cite]]) -> list[list[tuple[int, Cite]]]:
    """Group ascending numbers into runs; a run of three or more plain items becomes a range."""
    groups: list[list[tuple[int, Cite]]] = []
    for number, item in numbered:
        last = groups[-1] if groups else None
        if last and item.plain and last[-1][1].plain and number == last[-1][0] + 1:
            last.append((number, item))
        else:
            groups.append([(number, item)])
    out: list[list[tuple[int, Cite]]] = []
    for group in groups:
        if len(group) >= 3:
            out.append(group)
        else:
            out.extend([member] for member in group)
    return out


def render(citation: Citation, *, numbers: dict[str, int], names: dict[str, str] | None = None) -> Markup:
    """The HTML of one citation: superscript numbers linked to `#ref-<key>`; empty if nothing is numbered."""
    numbered = sorted(
        ((numbers[item.key], item) for item in citation.items if item.key in numbers), key=lambda pair: pair[0]
    )
    if not numbered:
        return Markup("")
    pieces = []
    for run in _runs(numbered):
        if len(run) > 1:
            first, last = run[0], run[-1]
            pieces.append(
                Markup(
                    '<a class="lems-cite__link" href="#ref-{key}" data-lems-refs="{refs}" '
                    'aria-label="References {a} to {b}">{a}\u2013{b}</a>'
                ).format(key=first[1].key, refs=" ".join(item.key for _, item in run), a=first[0], b=last[0])
            )
            continue
        number, item = run[0]
        label = f"Reference {number}" + (f", {item.locator.spoken}" if item.locator else "")
        locator = (
            Markup('<span class="lems-cite__locator">({})</span>').format(item.locator.ama) if item.locator else ""
        )
        link = Markup(
            '<a class="lems-cite__link" href="#ref-{key}" data-lems-refs="{key}"{cited_for} aria-label="{label}">'
            "{number}{locator}</a>"
        ).format(
            key=item.key,
            cited_for=Markup(' data-lems-locator="{}"').format(item.locator.spoken) if item.locator else "",
            label=label,
            number=number,
            locator=locator,
        )
        prefix = Markup("{} ").format(item.prefix) if item.prefix else ""
        # Pandoc prints a suffix as written: ", and elsewhere" runs on; a word needs its space.
        gap = "" if item.suffix[:1] in (",", ";", ".", ":") else " "
        suffix = Markup(gap + "{}").format(item.suffix) if item.suffix else ""
        pieces.append(prefix + link + suffix)
    marker = Markup('<sup class="lems-cite">{}</sup>').format(Markup(",&#8202;").join(pieces))
    if citation.in_text:
        name = (names or {}).get(citation.items[0].key, "")
        return Markup("{}{}").format(name, marker) if name else marker
    return marker


def replace_in_markdown(
    markdown: str, *, first_line: int, doc: Document, numbers: dict[str, int], names: dict[str, str] | None = None
) -> str:
    r"""What the reader sees: each citation swapped for its HTML, each `\@` for an at sign; code untouched.

    A bracketed citation is glued to the word before it, across a line break too, so that its
    number never starts a line of its own. The one rendering of a page's Markdown citations:
    the build and the reviewer's sheet both call it.
    """
    lines = markdown.split("\n")
    numbered = [(first_line + offset, text) for offset, text in enumerate(lines)]
    out: list[str] = []
    for number, texts in _chunks(numbered, doc.is_code):
        if doc.is_code(number) or not any("@" in t for t in texts):
            out.extend(texts)
            continue
        out.extend(_render_chunk(texts, number, numbers, names).split("\n"))
    return "\n".join(out)


def _render_chunk(texts: list[str], number: int, numbers: dict[str, int], names: dict[str, str] | None) -> str:
    scanned = scan_lines(texts, number)
    # The source with its line breaks, offset for offset the text that was scanned.
    text = "\n".join(texts)
    edits = [
        (c.offset, c.end_offset, render(c, numbers=numbers, names=names), c.in_text)
        for c in scanned.citations
        if not c.problem
    ]
    edits += [(offset, offset + 2, Markup("&#64;"), True) for offset in scanned.escapes]
    edits.sort(key=lambda edit: edit[0])
    pieces, last = [], 0
    for start, end, html, in_text in edits:
        if not html or start < last:
            continue
        if not in_text:
            # A bracketed citation follows its word with a space or a line break in the source;
            # dropped, the number cannot wrap away from the word.
            while start > last and text[start - 1] in " \t\n":
                start -= 1
        pieces.append(text[last:start])
        pieces.append(str(html))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


# --------------------------------------------------------------------------------------------
# The built page: what no reader may see


_HTML_CODE = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)
_HTML_TAG = re.compile(r"<[^<>]*>")
_CITE_MARK = re.compile(r'<sup class="lems-cite">(?:(?!</sup>).)*?data-lems-refs="(?P<keys>[^"]*)"', re.S)
# Pandoc syntax left as text: `[@`, `[-@`, or an `@key` not part of an address.
_LEFTOVER_SYNTAX = re.compile(rf"\[\s*-?@|(?<![\w@.\\/:+&#;])@(?:\{{|{PANDOC_KEY})")


def check_rendered(
    html: str, rel: str, doc: Document | None, names: dict[str, str], reported: frozenset = frozenset()
) -> list[Problem]:
    """Citation syntax that reached the page as text, and author names cited inside brackets.

    The source checks refuse every form known to render wrongly; this looks at the page as
    published, for any form they did not foresee. Each problem names the source line of the
    citation (the first line that holds its key), or line 1; lines in `reported` already have
    their citation problem from the source checks, which is not repeated.
    """
    body = _HTML_CODE.sub(lambda m: " " * len(m.group(0)), html)
    problems = []

    def report(line: int, message: str) -> None:
        if line not in reported:
            problems.append(Problem(rel, line, message))

    text = _HTML_TAG.sub(lambda m: " " * len(m.group(0)), body)
    for match in _LEFTOVER_SYNTAX.finditer(text):
        snippet = " ".join(text[match.start() : match.start() + 40].split())
        # The source line: the first that holds the same word ("[@good2000entry,"), else its key.
        word = text[match.start() :].split(None, 1)[0] if text[match.start() :].strip() else ""
        key = re.match(rf"\[?\s*-?@\{{?({PANDOC_KEY})", text[match.start() :])
        line = _source_line(doc, word) if word else 1
        if line == 1 and key:
            line = _source_line(doc, "@" + key.group(1))
        report(
            line,
            f"citation syntax '{snippet}' is left as text in the built page: write it as [@key] or "
            "[@key1; @key2] on lines of one paragraph, or \\@ for a literal @",
        )
    name_words = sorted({n for n in names.values() if n}, key=len, reverse=True)
    for match in _CITE_MARK.finditer(body):
        before = body[: match.start()]
        opened, closed = before.rfind("["), before.rfind("]")
        if opened <= closed:
            continue
        between = " ".join(_HTML_TAG.sub(" ", before[opened + 1 :]).split())
        name = next((n for n in name_words if between.endswith(n)), None)
        if name is None:
            continue
        key = match.group("keys").split(" ")[0]
        report(
            _source_line(doc, "@" + key),
            f"citation of '{key}' is rendered as an author's name inside brackets ('[{between}...'): "
            "write the citation as one bracket, [@key1; @key2], within its paragraph",
        )
    return problems


def _source_line(doc: Document | None, needle: str) -> int:
    for number, text in doc.lines if doc else []:
        if needle and needle in text and not doc.is_code(number):
            return number
    return 1


# --------------------------------------------------------------------------------------------
# Reference lists: values for partials/lems/references.html


def list_versions(audiences, plain_audience: str) -> list[dict]:
    """The versions a reference's note is written for: id, label, and whether it is the plain one."""
    return [{"id": a["id"], "label": a["block_label"], "plain": a["id"] == plain_audience} for a in audiences]


def _item(entry: Entry, formatted: str) -> dict:
    return {
        "key": entry.key,
        # citeproc's HTML formatter escapes every field it prints: its output is markup.
        "text": Markup(formatted),
        "links": [{"label": label, "url": url} for label, url in links(entry)],
        "findings": _findings(entry),
        # Readers learn only that details are being checked, and which fields; never the worklog.
        "checking": bool(entry.unverified or entry.unconfirmed),
        "unconfirmed": list(entry.unconfirmed_words),
    }


def _findings(entry: Entry) -> str | None:
    value = entry.data.get("findings")
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def page_list_items(
    *,
    numbers: dict[str, int],
    cited_in: dict[str, set],
    formatted: dict[str, str],
    bib: Bibliography,
    audiences: tuple[str, ...],
) -> list[dict]:
    """The page's references in number order, each tagged with the versions that cite it."""
    items = []
    for key, number in numbers.items():
        contexts = cited_in.get(key, set())
        # Cited outside any audience block: every version of the page shows it.
        if None in contexts or not contexts:
            tag = " ".join(audiences)
        else:
            tag = " ".join(a for a in audiences if a in contexts)
        items.append({**_item(bib.entries[key], formatted[key]), "number": number, "cited_in": tag})
    return items


def full_list_items(*, bib: Bibliography, formatted: dict[str, str]) -> list[dict]:
    """Every entry, by first author then year; ids match the per-page lists (`ref-<key>`)."""

    def sort_key(entry: Entry) -> tuple:
        first = (entry.data.get("author") or [{}])[0]
        name = (first.get("family") or first.get("literal") or "") if isinstance(first, dict) else ""
        return (str(name).lower(), entry.year or 0, entry.key)

    return [
        {**_item(entry, formatted[entry.key]), "number": None, "cited_in": None}
        for entry in sorted(bib.entries.values(), key=sort_key)
        if entry.key in formatted
    ]


def cited_in(citations: list[Citation]) -> dict[str, set]:
    """Key -> the audience versions (None: outside any block) that cite it."""
    result: dict[str, set] = {}
    for citation in citations:
        for key in citation.keys:
            result.setdefault(key, set()).add(citation.audience)
    return result
