"""The research files behind the bibliography (research/): each entry's `research:` and its numbers.

Every bibliography entry names the research entry its values came from, as
`research: research-safety.yaml#uktis2022_amifampridine_pregnancy`. The checks here make sure
that entry exists, and that every number the entry's `findings` note states (an integer, a
decimal, a range, a percentage, "1 in 5") is one the research entry holds somewhere in its
values: a number that is in no research note was not read in any source.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import yaml

from lems_site.problems import Problem

# `<file>#<id>`: a research file in the folder (no sub-folders) and an entry id in it.
REFERENCE = re.compile(r"^(?P<file>[A-Za-z0-9][\w.-]*\.ya?ml)#(?P<id>[A-Za-z0-9][\w.-]*)$")
REFERENCE_HINT = "expected <file>#<id>, e.g. research-safety.yaml#uktis2022_amifampridine_pregnancy"


@dataclass
class ResearchFiles:
    """The research folder's files: file name -> entry id -> entry, and problems reading them."""

    folder: str
    entries: dict = field(default_factory=dict)
    unreadable: dict = field(default_factory=dict)  # file name -> why

    def entry(self, file: str, entry_id: str) -> dict | None:
        """The entry, with what adds to it (`completes:`) and what it adds to: one record of one source."""
        found = self.entries.get(file, {}).get(entry_id)
        if found is None:
            return None
        related = [found]
        completes = found.get("completes")
        for entries in self.entries.values():
            for other in entries.values():
                if other is found:
                    continue
                if other.get("completes") == entry_id or (completes and other.get("id") == completes):
                    related.append(other)
        return {"id": entry_id, "_related": related}


def load(folder: str) -> ResearchFiles:
    """Every `*.yaml` of the folder, read safely; a file that cannot be read is recorded, not raised."""
    research = ResearchFiles(folder)
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.endswith((".yaml", ".yml")):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            research.unreadable[name] = str(err).splitlines()[0] if str(err) else type(err).__name__
            continue
        items = data if isinstance(data, list) else []
        research.entries[name] = {
            str(item["id"]): item for item in items if isinstance(item, dict) and item.get("id") is not None
        }
    return research


def check(bib, research: ResearchFiles | None, folder_rel: str) -> list[Problem]:
    """Each entry's `research:`: present (when the project has a research folder), found, and its numbers held."""
    problems = []
    rel = _rel_of(bib)
    for entry in bib.entries.values():
        value = entry.data.get("research")
        line = entry.field_lines.get("research", entry.field_lines.get("id", entry.line))
        if value is None:
            if research is not None:
                problems.append(
                    Problem(
                        rel,
                        entry.field_lines.get("id", entry.line),
                        f"'{entry.key}': missing 'research': name its entry in {folder_rel}/ on the line after "
                        f"'id:', {REFERENCE_HINT}",
                    )
                )
            continue
        match = REFERENCE.match(str(value).strip()) if isinstance(value, str) else None
        if not match:
            problems.append(Problem(rel, line, f"'{entry.key}': 'research' is '{value}': {REFERENCE_HINT}"))
            continue
        if research is None:
            problems.append(
                Problem(
                    rel,
                    line,
                    f"'{entry.key}': 'research' names {match.group('file')}, but there is no folder {folder_rel}/: "
                    "add the research files there",
                )
            )
            continue
        file, entry_id = match.group("file"), match.group("id")
        if file in research.unreadable:
            problems.append(
                Problem(
                    rel,
                    line,
                    f"'{entry.key}': research file {folder_rel}/{file} cannot be read: {research.unreadable[file]}",
                )
            )
            continue
        if file not in research.entries:
            known = ", ".join(sorted(research.entries)) or "none"
            problems.append(
                Problem(
                    rel,
                    line,
                    f"'{entry.key}': 'research' names {folder_rel}/{file}, which does not exist "
                    f"(research files: {known})",
                )
            )
            continue
        record = research.entry(file, entry_id)
        if record is None:
            import difflib

            near = difflib.get_close_matches(entry_id, list(research.entries[file]), n=1, cutoff=0.6)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(Problem(rel, line, f"'{entry.key}': no entry '{entry_id}' in {folder_rel}/{file}{hint}"))
            continue
        findings = entry.data.get("findings")
        if isinstance(findings, str):
            missing = numbers_not_in(findings, record)
            if missing:
                problems.append(
                    Problem(
                        rel,
                        entry.field_lines.get("findings", line),
                        f"'{entry.key}': 'findings' states {_list(missing)}, not found in its research entry "
                        f"{file}#{entry_id}: use the numbers the research records, or correct the research first",
                    )
                )
    return problems


def _rel_of(bib) -> str:
    problems_rel = getattr(bib, "rel", None)
    return problems_rel or bib.path


def _list(numbers: list[str]) -> str:
    quoted = [f"'{n}'" for n in numbers]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


# --------------------------------------------------------------------------------------------
# Numbers

_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+"
# In a findings note: a number that is not part of a name or code ("CD003279", "LMS-002",
# "G6PD", "3,4-DAP"), then what makes it a range, a ratio or a percentage.
_FINDINGS_NUMBER = re.compile(
    rf"(?<![\w.,\-–/])(?P<a>{_NUMBER})(?:st|nd|rd|th)?"
    rf"(?:(?P<range>\s*(?:-|–|—|\bto\b)\s*)(?P<b>{_NUMBER})"
    rf"|(?P<ratio>\s+(?:in|of|out of)\s+|/)(?P<c>{_NUMBER}))?"
    r"(?P<percent>\s*(?:%|per\s?cent\b))?"
)
# In a research entry every number counts, inside names and addresses too: the check asks only
# whether the research holds the number at all.
_ANY_NUMBER = re.compile(
    rf"(?P<a>{_NUMBER})(?:(?P<range>\s*(?:-|–|—|\bto\b)\s*)(?P<b>{_NUMBER})"
    rf"|(?P<ratio>\s+(?:in|of|out of)\s+|/)(?P<c>{_NUMBER}))?"
    r"(?P<percent>\s*(?:%|per\s?cent\b))?"
)
_SPELLED = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_SPELLED_WORD = re.compile(r"\b(" + "|".join(_SPELLED) + r")\b", re.I)


def _value(text: str) -> str:
    """One number in a canonical form: '1,000' -> '1000', '2.50' -> '2.5', '.5' -> '0.5'."""
    whole, _, fraction = text.replace(",", "").partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


@dataclass(frozen=True)
class _Stated:
    """A number as a findings note states it, with the forms that would count as the same."""

    written: str
    values: tuple  # each must be held (a range: both ends as a range)
    forms: frozenset  # canonical forms any one of which the research must hold


def _stated(match: re.Match) -> _Stated:
    a = _value(match.group("a"))
    written = match.group(0).strip()
    if match.group("b"):
        b = _value(match.group("b"))
        return _Stated(written, (a, b), frozenset({f"{a}-{b}"}))
    if match.group("c"):
        c = _value(match.group("c"))
        forms = {f"{a}/{c}"}
        try:
            if float(c):
                percent = float(a) / float(c) * 100
                forms |= {_value(f"{percent:.0f}"), _value(f"{percent:.1f}")}
        except ValueError:
            pass
        return _Stated(written, (a, c), frozenset(forms))
    return _Stated(written, (a,), frozenset({a}))


def held_numbers(record) -> set[str]:
    """Every number a research entry holds, in every canonical form: '12', '3-8', '1/5'."""
    held: set[str] = set()
    for text in _value_texts(record):
        text = _SPELLED_WORD.sub(lambda m: _SPELLED[m.group(1).lower()], text)
        for match in _ANY_NUMBER.finditer(text):
            for part in ("a", "b", "c"):
                if match.group(part):
                    held.add(_value(match.group(part)))
            if match.group("b"):
                held.add(f"{_value(match.group('a'))}-{_value(match.group('b'))}")
            if match.group("c"):
                stated = _stated(match)
                held.update(stated.forms)
    return held


def numbers_not_in(findings: str, record) -> list[str]:
    """The numbers of `findings` (as written) that the research entry does not hold.

    A range or a ratio counts as held in any of its forms ("3-8", "3 to 8"; "1 in 5", "1/5",
    "20%"), or when the research holds each of its numbers.
    """
    held = held_numbers(record)
    missing = []
    for match in _FINDINGS_NUMBER.finditer(" ".join(findings.split())):
        stated = _stated(match)
        if stated.forms & held or all(value in held for value in stated.values):
            continue
        if stated.written not in missing:
            missing.append(stated.written)
    return missing


def _value_texts(value):
    """The text of every value in an entry (never its field names), nested values included."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "_related":
                yield from _value_texts(item)
        for item in value.get("_related", ()):
            yield from _value_texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _value_texts(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)
