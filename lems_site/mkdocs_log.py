"""Hear what MkDocs logs, as plain messages, instead of letting it print them."""

from __future__ import annotations

import contextlib
import logging


@contextlib.contextmanager
def collect_warnings():
    """Yield a list that fills with the message of each WARNING or worse MkDocs logs."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    mkdocs_log = logging.getLogger("mkdocs")
    handler, propagate, level = _Collect(), mkdocs_log.propagate, mkdocs_log.level
    mkdocs_log.addHandler(handler)
    mkdocs_log.propagate = False
    mkdocs_log.setLevel(logging.INFO)
    try:
        yield messages
    finally:
        mkdocs_log.removeHandler(handler)
        mkdocs_log.propagate, mkdocs_log.level = propagate, level
