"""Put a Content-Security-Policy on every page, allowing exactly the inline scripts it has.

`default-src 'self'` keeps every request on the site. Material and mermaid2 write small
inline scripts; rather than allow all inline script, each one is allowed by its SHA-256 hash,
computed here after every other plugin has finished with the page.
"""

from __future__ import annotations

import base64
import hashlib
import re

from mkdocs.plugins import event_priority

PLACEHOLDER = "__LEMS_CONTENT_SECURITY_POLICY__"
BASE_POLICY = [
    "default-src 'self'",
    "img-src 'self' data:",
    # Mermaid writes <style> into each SVG and Material sets style attributes.
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]


_serving = False


def on_startup(command, dirty, **_):
    # `mkdocs serve` injects its live-reload script inline, different on every reload, so no
    # hash can allow it. For the local preview only, inline scripts are allowed outright; every
    # built site (`mkdocs build`, `make build`, CI, publishing) keeps the hash-based policy.
    global _serving
    _serving = command == "serve"


@event_priority(-100)
def on_post_page(output, page, config, **_):
    return _apply(output)


@event_priority(-100)
def on_post_template(output_content, template_name, config, **_):
    return _apply(output_content) if PLACEHOLDER in output_content else output_content


def _apply(output: str) -> str:
    if _serving:
        policy = BASE_POLICY + ["script-src 'self' 'unsafe-inline'"]
        return output.replace(PLACEHOLDER, "; ".join(policy), 1)
    hashes = sorted({_hash(m.group("body")) for m in _INLINE_SCRIPT.finditer(output)})
    policy = BASE_POLICY + ["script-src 'self' " + " ".join(f"'sha256-{h}'" for h in hashes)]
    return output.replace(PLACEHOLDER, "; ".join(policy), 1)


def _hash(body: str) -> str:
    return base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")


# Executable inline scripts: no src, and no data type such as application/json or ld+json.
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>(?P<body>.*?)</script>",
    re.S,
)
