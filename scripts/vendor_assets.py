#!/usr/bin/env python3
"""Copy the front-end libraries the site serves itself from node_modules into docs/assets/vendor/.

Mermaid comes from the npm package pinned in package-lock.json (installed by `npm ci`); only
the ES-module build and its chunks are copied (no source maps), so each diagram page loads
just the chunks it needs. The copy is not committed (.gitignore); `make assets` makes it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "node_modules", "mermaid")
TARGET = os.path.join(ROOT, "docs", "assets", "vendor", "mermaid")


def main() -> int:
    entry = os.path.join(SOURCE, "dist", "mermaid.esm.min.mjs")
    chunks = os.path.join(SOURCE, "dist", "chunks", "mermaid.esm.min")
    if not os.path.isfile(entry):
        print(f"{os.path.relpath(entry, ROOT)}:1: Mermaid is not installed: run `npm ci` first", file=sys.stderr)
        return 1
    with open(os.path.join(SOURCE, "package.json"), encoding="utf-8") as handle:
        version = json.load(handle)["version"]
    shutil.rmtree(TARGET, ignore_errors=True)
    os.makedirs(os.path.join(TARGET, "chunks", "mermaid.esm.min"))
    shutil.copy2(entry, TARGET)
    for name in sorted(os.listdir(chunks)):
        if name.endswith(".mjs"):
            shutil.copy2(os.path.join(chunks, name), os.path.join(TARGET, "chunks", "mermaid.esm.min", name))
    shutil.copy2(os.path.join(SOURCE, "LICENSE"), os.path.join(TARGET, "LICENSE.txt"))
    print(f"Mermaid {version} copied to {os.path.relpath(TARGET, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
