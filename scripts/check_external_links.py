#!/usr/bin/env python3
"""Check every link out of the built site (the weekly scheduled job; never a pull request's).

    python scripts/check_external_links.py [--site-dir site]
"""

from __future__ import annotations

import argparse
import os
import sys

import build

ROOT = build.ROOT


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default=os.path.join(ROOT, "site"))
    args = parser.parse_args(argv)
    if not os.path.isfile(os.path.join(args.site_dir, "index.html")):
        print(f"{args.site_dir}: no built site; run `make build` first", file=sys.stderr)
        return 2
    return build.linkcheck(args.site_dir, "linkcheckerrc-external")


if __name__ == "__main__":
    sys.exit(main())
