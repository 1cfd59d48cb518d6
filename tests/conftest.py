"""Shared test set-up: import paths of scripts and helpers, the built site, and a fixed "today"."""

from __future__ import annotations

import datetime as _dt
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The plugin is installed (make setup); the scripts and test helpers are imported by path.
sys.path[:0] = [os.path.join(ROOT, "scripts"), os.path.join(ROOT, "tests")]

# Tests never depend on the real date: overdue reviews are checked against this day.
TODAY = _dt.date(2026, 11, 22)


def make(*args: str) -> subprocess.CompletedProcess:
    """`make ARGS` in the checkout as an editor types it, not as a sub-make of `make test`.

    Under `make test` the environment says the suite runs inside make (MAKELEVEL, MAKEFLAGS),
    and a make started from it then prints "Entering directory" lines an editor never sees.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(["make", *args], cwd=ROOT, capture_output=True, text=True, env=env)


@pytest.fixture(scope="session")
def root() -> str:
    return ROOT


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> str:
    """The built site: `make test` builds it first into site/; otherwise build it here."""
    built = os.path.join(ROOT, "site")
    if os.environ.get("LEMS_SITE_DIR"):
        return os.environ["LEMS_SITE_DIR"]
    if os.path.isfile(os.path.join(built, "index.html")) and os.environ.get("LEMS_REBUILD") != "1":
        return built
    target = str(tmp_path_factory.mktemp("site"))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", target],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return target
