#!/usr/bin/env python3
"""Check every link out of the built site (the weekly scheduled job; never a pull request's).

python scripts/check_external_links.py [--site-dir site]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import sitehttp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default=os.path.join(ROOT, "site"))
    args = parser.parse_args(argv)
    if not os.path.isfile(os.path.join(args.site_dir, "index.html")):
        print(f"{args.site_dir}: no built site; run `make build` first", file=sys.stderr)
        return 2
    return linkcheck(args.site_dir, "linkcheckerrc-external")


# linkchecker, run as root (as in CI), switches to the user `nobody` before it loads its
# plugins; in a private checkout `nobody` cannot read them, and the anchor check is then
# silently skipped. It only reads our own site on 127.0.0.1, so it keeps the caller's user.
_LINKCHECKER = (
    "import sys; import linkcheck.command.linkchecker as cli; "
    "cli.drop_privileges = lambda: None; sys.argv[0] = 'linkchecker'; sys.exit(cli.linkchecker())"
)


def linkcheck(site_dir: str, config_name: str) -> int:
    """Linkchecker over the site served on 127.0.0.1, with the named configuration."""
    config = os.path.join(ROOT, "scripts", config_name)
    with sitehttp.serve(site_dir) as base_url:
        result = subprocess.run(
            [sys.executable, "-c", _LINKCHECKER, "--config", config, "--no-status", base_url],
            capture_output=True,
            text=True,
        )
    if result.returncode:
        print(result.stdout[-20000:])
        print(result.stderr[-5000:], file=sys.stderr)
        print("linkchecker found broken links or anchors (above)", file=sys.stderr)
        return 1
    summary = [line for line in result.stdout.splitlines() if "links in" in line or "found" in line]
    print("\n".join(summary[-2:]) or "no broken links")
    return 0


if __name__ == "__main__":
    sys.exit(main())
