"""The files under docs/: each read as UTF-8 with a clear error, none leaving the repository.

Editors' files arrive by pull request. Whatever MkDocs copies from docs/ into site/ is served
from the site's own origin, so a script or HTML file there runs with the site's authority, and
a symlink there publishes whatever it points to. Both are refused here, before MkDocs runs.
"""

from __future__ import annotations

import os
import re

from lems_site.problems import Problem

# Served as documents or scripts by a browser: only the site's own generated assets may be these.
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".js", ".mjs", ".cjs", ".wasm", ".svgz")
# Scripting inside an SVG file: it runs when the file is opened on its own (it is served as is).
_SVG_ACTIVE = re.compile(r"<\s*(?:script|foreignObject|iframe|embed|object)\b|\son[a-z]+\s*=|javascript:", re.I)

# The copy `scripts/vendor_assets.py` makes: docs/assets/vendor/mermaid/<rest> is
# node_modules/mermaid/dist/<rest>, byte for byte. node_modules comes from `npm ci`, which checks
# every package against package-lock.json's integrity hashes, so a file that matches its
# counterpart there is the pinned library and not something a pull request added.
VENDOR_DIR = "assets/vendor"
VENDOR_SOURCES = {"mermaid": os.path.join("node_modules", "mermaid", "dist")}


class SourceError(Exception):
    """A source file that cannot be read; carries the one Problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def read_utf8(path: str, rel: str) -> str:
    """The text of `path`, or SourceError naming the first byte that is not UTF-8.

    A leading byte-order mark is dropped, as editors on Windows often write one.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise SourceError(Problem(rel, 1, f"cannot read the file: {err.strerror or err}")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = err.object[err.start]
        raise SourceError(
            Problem(rel, line, f"not UTF-8 (byte 0x{byte:02x} at offset {err.start}): save the file as UTF-8")
        ) from None


def is_inside(path: str, root: str) -> bool:
    """Whether `path`, with every link followed, lies within `root`."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root + os.sep)


def check_docs_tree(docs_dir: str, root: str) -> list[Problem]:
    """Symlinks leaving the repository or to folders, and active files that are not the site's own."""
    problems: list[Problem] = []
    rel = lambda path: os.path.relpath(path, root).replace(os.sep, "/")  # noqa: E731
    for folder, subfolders, files in os.walk(docs_dir):
        for name in sorted(subfolders):
            path = os.path.join(folder, name)
            if os.path.islink(path):
                # A linked folder is published in full and its pages are walked twice (or,
                # for a loop, forever): refuse every one, wherever it points.
                where = "outside the repository" if not is_inside(path, root) else "a folder"
                problems.append(
                    Problem(rel(path), 1, f"symlink to {where} ({os.readlink(path)}): docs/ may hold only real folders")
                )
        # Never descend into a linked folder: it is refused above.
        subfolders[:] = sorted(d for d in subfolders if not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if os.path.islink(path) and not is_inside(path, root):
                problems.append(
                    Problem(
                        rel(path),
                        1,
                        f"symlink leaves the repository ({os.readlink(path)}): "
                        "only files inside the repository are published",
                    )
                )
                continue
            problems.extend(_check_active(path, rel(path), docs_dir, root))
    return problems


def _check_active(path: str, rel: str, docs_dir: str, root: str) -> list[Problem]:
    lower = path.lower()
    if lower.endswith(ACTIVE_SUFFIXES):
        if _is_vendored(path, docs_dir, root):
            return []
        return [
            Problem(
                rel,
                1,
                "HTML or script files are not published from docs/: they would run with the site's authority; "
                "write the page in Markdown (site scripts live in overrides/assets/lems/)",
            )
        ]
    if lower.endswith(".svg"):
        try:
            text = read_utf8(path, rel)
        except SourceError as err:
            return [err.problem]
        match = _SVG_ACTIVE.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            return [
                Problem(
                    rel,
                    line,
                    f"SVG with scripting ({match.group(0).strip()!r}): draw it without scripts or event handlers",
                )
            ]
    return []


def _is_vendored(path: str, docs_dir: str, root: str) -> bool:
    """Whether `path` is byte-identical to the file scripts/vendor_assets.py copied it from."""
    inside = os.path.relpath(path, os.path.join(docs_dir, VENDOR_DIR))
    parts = inside.split(os.sep)
    if inside.startswith("..") or len(parts) < 2 or parts[0] not in VENDOR_SOURCES or os.path.islink(path):
        return False
    source = os.path.join(root, VENDOR_SOURCES[parts[0]], *parts[1:])
    if not os.path.isfile(source) or os.path.islink(source):
        return False
    try:
        with open(path, "rb") as ours, open(source, "rb") as theirs:
            return ours.read() == theirs.read()
    except OSError:
        return False
