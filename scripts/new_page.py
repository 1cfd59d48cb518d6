#!/usr/bin/env python3
"""Start a new topic page: valid front matter, both audience versions, and a place in the nav.

    python scripts/new_page.py --title "Breathing and swallowing" --path living/breathing.md --section "Living with LEMS"

Writes docs/<path> and adds it to `nav:` in mkdocs.yml (under --section, or at the end).
The validated build passes at once; then replace the placeholder sentences. Nothing is
written when any input is wrong, and an existing page is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import sys

import _paths
import yaml

from lems_site.checks.site_text import markup_in

TEMPLATE = """---
{front_matter}---

# {title}

/// audience | patient

## In short {{#{slug}-in-short}}

Write the version for patients and families here. Use short sentences and everyday words.
Explain each medical word the first time you use it.

///

/// audience | professional

## Summary {{#{slug}-summary}}

Write the version for healthcare professionals here. Cite every clinical statement.

///
"""

PATH_PATTERN = re.compile(r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*/)*[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
FIRST_REVIEW_DAYS = 90


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", required=True, help="the page title, e.g. 'Breathing and swallowing'")
    parser.add_argument("--path", required=True, help="where under docs/, e.g. treatment/new-topic.md")
    parser.add_argument("--section", default=None, help="the nav section to add it to, e.g. Treatment (default: the end of the nav)")
    parser.add_argument("--description", default=None, help="one sentence for search results (default: from the title)")
    parser.add_argument("--config", default=os.path.join(_paths.ROOT, "mkdocs.yml"))
    parser.add_argument("--today", type=_dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)

    config_path = os.path.abspath(args.config)
    root = os.path.dirname(config_path)
    docs_dir = os.path.join(root, "docs")
    title = " ".join(args.title.split())
    errors = []
    if not title or any(ch in title for ch in ":#\n[]{}*_\\") or markup_in(title):
        errors.append(f"--title: expected a plain title without : # [ ] {{ }} * _ \\ < > \" or &...;; got '{args.title}'")
    if args.description is not None and (not args.description.strip() or markup_in(args.description)):
        errors.append(f"--description: expected one plain sentence without < > \" or &...;; got '{args.description}'")
    if not PATH_PATTERN.match(args.path):
        errors.append(f"--path: expected lower-case words joined by '-', ending in .md, e.g. treatment/new-topic.md; got '{args.path}'")
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
    description = " ".join((args.description or f"{title}: what it means for people with LEMS, for patients and families and for healthcare professionals.").split())
    # Written by the YAML library, never by string formatting: no text can break the front matter.
    front_matter = yaml.safe_dump(
        {
            "title": title,
            "description": description,
            "review_status": "submitted",
            "last_updated": today,
            "next_review": today + _dt.timedelta(days=FIRST_REVIEW_DAYS),
        },
        sort_keys=False, allow_unicode=True, width=1000,
    )
    page = TEMPLATE.format(front_matter=front_matter, title=title, slug=slug)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(page)
    with open(config_path, "w", encoding="utf-8") as handle:
        handle.write(new_config)
    print(f"Wrote docs/{args.path} and added it to the nav. Next: `make serve`, write both versions, cite each section.")
    return 0


def add_to_nav(config_text: str, title: str, path: str, section: str | None):
    """Insert `- Title: path` into the nav, keeping every other line (and comment) as it is."""
    lines = config_text.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == "nav:")
    except StopIteration:
        return None, "no 'nav:' block in mkdocs.yml"
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith((" ", "#"))), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    entry = nav_entry(title, path)
    if section is None:
        lines.insert(end, f"  - {entry}")
        return "\n".join(lines), None
    header = re.compile(rf"^  - {re.escape(section)}:\s*$")
    found = next((i for i in range(start + 1, end) if header.match(lines[i])), None)
    if found is None:
        sections = [m.group(1) for line in lines[start + 1:end] if (m := re.match(r"^  - ([^:]+):\s*$", line))]
        return None, f"nav has no section '{section}'; expected one of {', '.join(sections)}"
    last = found
    for i in range(found + 1, end):
        if lines[i].startswith("      - ") or not lines[i].strip():
            last = i if lines[i].strip() else last
        else:
            break
    lines.insert(last + 1, f"      - {entry}")
    return "\n".join(lines), None


def nav_entry(title: str, path: str) -> str:
    """`Title: path` as YAML writes it (quoted where the title needs it), on one line."""
    text = yaml.safe_dump({title: path}, default_flow_style=False, allow_unicode=True, width=1000).strip()
    if "\n" in text or yaml.safe_load(text) != {title: path}:
        raise ValueError(f"cannot write {title!r} as one nav line")
    return text


if __name__ == "__main__":
    sys.exit(main())
