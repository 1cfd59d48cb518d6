"""One format for every problem the build reports: `path:line: message`."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem the build reports, at a line of a file."""

    path: str
    line: int
    message: str
    # "error" fails every build; "overdue" fails only under --fail-overdue (the scheduled job).
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def summary(problems: list[Problem]) -> str:
    """The closing line of a check: how many problems were found ('1 problem found')."""
    count = len(problems)
    return f"{count} problem{'s' if count != 1 else ''} found"


def relpath(path: str, root: str) -> str:
    """`path` relative to `root`, with '/' between folders as messages show it."""
    return os.path.relpath(path, root).replace(os.sep, "/")
