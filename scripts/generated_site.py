"""A large site for the benchmarks: the real docs, plus copies of them under copy-NN/.

scripts/bench.py measures how the build grows with it; scripts/bench_search.py how the search
index does.
"""

from __future__ import annotations

import os
import shutil

import browser_settings
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "mkdocs.yml")


def make(target: str, pages: int, *, prune: bool) -> tuple[str, int]:
    """About `pages` pages: the docs, plus copies in copy-NN/ (their links stay inside the copy).

    Its mkdocs.yml INHERITs the real one, setting the nav, the theme features and the plugins
    (the lems plugin's page patterns extended to the copies).
    """
    from mkdocs.utils.yaml import yaml_load

    docs = os.path.join(ROOT, "docs")
    with open(CONFIG, encoding="utf-8") as f:
        raw = yaml_load(f)
    per_copy = len(browser_settings.page_paths(docs))
    copies = max(round(pages / per_copy) - 1, 0)
    os.makedirs(target)
    # Real copies under docs/ and of included files: the build refuses links leaving the site.
    for name in ("overrides", "node_modules", "research"):
        os.symlink(os.path.join(ROOT, name), os.path.join(target, name))
    shutil.copy(os.path.join(ROOT, "CONTRIBUTING.md"), target)
    shutil.copytree(docs, os.path.join(target, "docs"))
    ignore = shutil.ignore_patterns("assets", "includes")
    nav = list(raw["nav"])
    for n in range(1, copies + 1):
        shutil.copytree(docs, os.path.join(target, "docs", f"copy-{n:02d}"), ignore=ignore)
        nav.append({f"Copy {n}": _prefixed(raw["nav"], f"copy-{n:02d}/")})
    # With and without navigation.prune, whatever mkdocs.yml says, so the lever is measured.
    features = [f for f in raw["theme"].get("features", []) if f != "navigation.prune"]
    features += ["navigation.prune"] if prune else []
    config = os.path.join(target, "mkdocs.yml")
    with open(config, "w", encoding="utf-8") as f:
        # INHERIT replaces the plugin list whole: the lems plugin's site_pages gains each copy's.
        plugins = [_with_copies(p, copies) for p in raw["plugins"]]
        generated = {"INHERIT": CONFIG, "nav": nav, "theme": {"features": features}, "plugins": plugins}
        yaml.safe_dump(generated, f, sort_keys=False)
    return config, per_copy * (copies + 1)


def _with_copies(plugin, copies: int):
    if not (isinstance(plugin, dict) and "lems" in plugin):
        return plugin
    own = plugin["lems"].get("site_pages", [])
    return {
        "lems": {**plugin["lems"], "site_pages": own + [f"copy-{n:02d}/{p}" for n in range(1, copies + 1) for p in own]}
    }


def _prefixed(nav, prefix: str):
    if isinstance(nav, str):
        return prefix + nav
    if isinstance(nav, list):
        return [_prefixed(item, prefix) for item in nav]
    return {title: _prefixed(value, prefix) for title, value in nav.items()}
