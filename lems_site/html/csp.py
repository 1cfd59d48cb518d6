"""The Content-Security-Policy every page carries.

`default-src 'self'` keeps every request on the site. Inline scripts are allowed one by one,
by the SHA-256 of the scripts the theme and the plugin emit, known before any page is built
(`allowed_hashes` is handed those bodies). The finished page is only read to find an inline
script that is not one of them: that fails the build, it never widens the policy.
"""

from __future__ import annotations

import base64
import hashlib
import re

PLACEHOLDER = "__LEMS_CONTENT_SECURITY_POLICY__"
BASE_POLICY = (
    "default-src 'self'",
    "img-src 'self' data:",
    # Drawn diagrams carry <style> in their SVG and Material sets style attributes.
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def script_hash(body: str) -> str:
    """The CSP source expression that allows exactly this inline script body."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy(allowed_hashes: set[str] | frozenset[str], *, allow_any_inline: bool = False) -> str:
    """The policy text. `allow_any_inline` is for `mkdocs serve` only (its live-reload script)."""
    if allow_any_inline:
        scripts = "script-src 'self' 'unsafe-inline'"
    else:
        scripts = " ".join(["script-src 'self'", *sorted(allowed_hashes)])
    return "; ".join([*BASE_POLICY, scripts])


def apply(output: str, policy_text: str) -> str:
    """Fill in the policy where the template left its placeholder."""
    return output.replace(PLACEHOLDER, policy_text, 1)


def inline_scripts(output: str) -> list[str]:
    """Bodies of the executable inline scripts (no src, not a JSON data block)."""
    return [m.group("body") for m in _INLINE_SCRIPT.finditer(output)]


def unexpected_scripts(output: str, allowed_hashes: set[str] | frozenset[str]) -> list[str]:
    """The start of every inline script the site did not emit itself."""
    return [body.strip()[:60] for body in inline_scripts(output) if script_hash(body) not in allowed_hashes]


def is_first_in_head(output: str) -> bool:
    """The policy <meta> must come before anything it governs."""
    match = _HEAD_START.search(output)
    first = _FIRST_TAG.match(output, match.end()) if match else None
    return bool(first) and 'http-equiv="Content-Security-Policy"' in first.group(0)


_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"?application/(?:ld\+)?json)[^>]*>(?P<body>.*?)</script\s*>",
    re.S | re.I,
)
_HEAD_START = re.compile(r"<head\b[^>]*>", re.I)
_FIRST_TAG = re.compile(r"\s*<meta\b[^>]*>", re.I)
