#!/usr/bin/env python3
r"""Start a new topic page: valid front matter, both audience versions, and a place in the nav.

    python scripts/new_page.py --title "Breathing and swallowing" --path living/breathing.md \
        --section "Living with LEMS"

Writes docs/<path> and adds it to `nav:` in mkdocs.yml (under --section, or at the end).
The page previews at once; the checks refuse it until every placeholder sentence is replaced
and each version cites a source. Nothing is written when any input is wrong, and an existing
page is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import sys

import yaml

from lems_site import urgent
from lems_site.checks.site_text import markup_in
from lems_site.driver import lems_plugin, load_site
from lems_site.vocabulary import (
    BLOCK_NAME,
    DEFAULT_REVIEW_STATUS,
    PLACEHOLDER_ADVICE,
    PLACEHOLDER_OPENING,
    PLACEHOLDER_URGENT,
    URGENT_BLOCK_NAME,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FRONT_MATTER_KEYS = ("title", "description", "review_status", "last_updated", "next_review")
BLOCK = """/// {block} | {audience}

## {heading} {{#{slug}-{audience}}}

{guidance}

///
"""
# The placeholder of each version (vocabulary.py: the checks refuse every one of these sentences).
# An audience added in mkdocs.yml gets the advice for patients.
MAKE_FORM = 'make new-page title="Breathing and swallowing" page=treatment/breathing.md section=Treatment'
# A page listed in urgent_help opens with the urgent-help callout, in every version.
URGENT = f"""/// {{block}} | Call 999 (UK), 112 (Europe) or 911 (US) now if
- {PLACEHOLDER_URGENT[0]}

{PLACEHOLDER_URGENT[1]}
Call now: [999](tel:999) in the UK, [112](tel:112) in Europe, [911](tel:911) in the US.
///

"""

# "&" is plain text (escaped in YAML by the YAML library, in HTML by Markdown), as long as it
# does not start a character reference, which site_text.markup_in refuses.
TITLE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.'()?&-]*")
PATH_PATTERN = re.compile(r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*/)*[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
FIRST_REVIEW_DAYS = 90


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=f"From make: {MAKE_FORM}")
    parser.add_argument("--title", required=True, help="the page title, e.g. 'Breathing and swallowing'")
    parser.add_argument("--path", required=True, help="where under docs/, e.g. treatment/new-topic.md")
    parser.add_argument(
        "--section", default=None, help="the nav section to add it to, e.g. Treatment (default: the end of the nav)"
    )
    parser.add_argument("--description", default=None, help="one sentence for search results (default: from the title)")
    parser.add_argument("--config", default=os.path.join(ROOT, "mkdocs.yml"))
    parser.add_argument("--today", type=_dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)

    config_path = os.path.abspath(args.config)
    config = load_site(config_path)
    if config is None:
        return 2
    plugin = lems_plugin(config)
    docs_dir = config.docs_dir
    title = " ".join(args.title.split())
    errors = []
    # The title becomes a nav entry, a heading and a <title>: plain words only.
    if not title or not TITLE_PATTERN.fullmatch(title) or markup_in(title):
        errors.append(f"--title: expected plain words (letters, digits, spaces, - , . ' ( ) ? &); got {args.title!r}")
    if args.description is not None and (not args.description.strip() or set(args.description) & set('<>"&`\n')):
        errors.append(
            f'--description: expected one plain sentence without < > " & or backticks; got {args.description!r}'
        )
    if not PATH_PATTERN.match(args.path):
        errors.append(
            "--path: expected lower-case words joined by '-', ending in .md, e.g. treatment/new-topic.md; "
            f"got '{args.path}'"
        )
    target = os.path.join(docs_dir, args.path)
    if os.path.exists(target):
        errors.append(f"docs/{args.path}:1: the page already exists; pick another --path (pages are never overwritten)")
    with open(config_path, encoding="utf-8") as handle:
        config_text = handle.read()
    new_config = None
    if not errors:
        new_config, problem = add_to_nav(config_text, title, args.path, args.section)
        if problem:
            errors.append(f"{os.path.relpath(config_path, os.getcwd())}:1: {problem}")
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        return 2

    today = args.today or _dt.date.today()
    slug = os.path.splitext(os.path.basename(args.path))[0]
    versions = " and for ".join(a.version_name for a in plugin.config.audiences)
    description = args.description or f"{title}: what it means for people with LEMS, for {versions}."
    page = render_page(
        title,
        description,
        today,
        slug,
        plugin.config.audiences,
        with_urgent=urgent.is_required(args.path, tuple(plugin.config.urgent_help)),
    )
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(page)
    with open(config_path, "w", encoding="utf-8") as handle:
        handle.write(new_config)
    print(
        f"Wrote docs/{args.path} and added it to the nav. Next: `make serve`, write both versions, cite each section."
    )
    return 0


def render_page(
    title: str, description: str, today: _dt.date, slug: str, audiences, *, with_urgent: bool = False
) -> str:
    """The new page: front matter written by the YAML library, then one block per audience.

    A page that must have the urgent-help callout gets it first, after the title.
    """
    front = {
        "title": title,
        "description": description,
        "review_status": DEFAULT_REVIEW_STATUS,
        "last_updated": today,
        "next_review": today + _dt.timedelta(days=FIRST_REVIEW_DAYS),
    }
    blocks = "\n".join(
        BLOCK.format(
            block=BLOCK_NAME,
            audience=a.id,
            heading="Summary" if a.id in PLACEHOLDER_ADVICE else "In short",
            slug=slug,
            guidance=placeholder(a.id, a.version_name),
        )
        for a in audiences
    )
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    callout = URGENT.format(block=URGENT_BLOCK_NAME) if with_urgent else ""
    return f"---\n{dumped}---\n\n# {title}\n\n{callout}{blocks}"


def placeholder(audience: str, version_name: str) -> str:
    """The scaffold's text for one version: the opening sentence, then its advice, a line each."""
    advice = PLACEHOLDER_ADVICE.get(audience, PLACEHOLDER_ADVICE[None])
    opening = PLACEHOLDER_OPENING.format(version_name=version_name)
    return " ".join([opening, advice[0]]) + "".join(f"\n{sentence}" for sentence in advice[1:])


def nav_entry(title: str, path: str) -> str:
    """`Title: path` for the nav; the title in quotes when YAML would read it otherwise."""
    plain = f"{title}: {path}"
    try:
        if yaml.safe_load(plain) == {title: path}:
            return plain
    except yaml.YAMLError:
        pass
    return f"{json.dumps(title)}: {path}"  # a JSON string is a YAML double-quoted scalar


def add_to_nav(config_text: str, title: str, path: str, section: str | None):
    """Insert `- Title: path` into the nav, keeping every other line (and comment) as it is."""
    lines = config_text.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == "nav:")
    except StopIteration:
        return None, "no 'nav:' block in mkdocs.yml"
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith((" ", "#"))), len(lines)
    )
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    if section is None:
        lines.insert(end, f"  - {nav_entry(title, path)}")
        return "\n".join(lines), None
    header = re.compile(rf"^  - {re.escape(section)}:\s*$")
    found = next((i for i in range(start + 1, end) if header.match(lines[i])), None)
    if found is None:
        sections = [m.group(1) for line in lines[start + 1 : end] if (m := re.match(r"^  - ([^:]+):\s*$", line))]
        return None, f"nav has no section '{section}'; expected one of {', '.join(sections)}"
    last = found
    for i in range(found + 1, end):
        if lines[i].startswith("      - ") or not lines[i].strip():
            last = i if lines[i].strip() else last
        else:
            break
    lines.insert(last + 1, f"      - {nav_entry(title, path)}")
    return "\n".join(lines), None


if __name__ == "__main__":
    sys.exit(main())
