"""The CSP hook allows exactly the page's inline scripts, by hash; only the local preview relaxes it."""

import base64
import hashlib

import content_security_policy as csp

PAGE = (
    '<head><meta http-equiv="Content-Security-Policy" content="__LEMS_CONTENT_SECURITY_POLICY__">'
    '<script>var a=1</script><script type="application/ld+json">{"x":1}</script>'
    '<script src="x.js"></script><script type="module">import m from "./m.mjs";</script></head>'
)


def sha(text):
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def policy(html):
    return html.split('content="', 1)[1].split('"', 1)[0]


def test_built_pages_allow_each_inline_script_by_hash_and_nothing_else():
    csp.on_startup(command="build", dirty=False)
    result = policy(csp.on_post_page(PAGE, page=None, config=None))
    assert result.startswith("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
    script_src = result.split("script-src ", 1)[1]
    assert script_src == " ".join(["'self'", *sorted(f"'sha256-{sha(body)}'" for body in ('var a=1', 'import m from "./m.mjs";'))])
    assert "unsafe-inline" not in script_src


def test_only_the_local_preview_allows_inline_scripts():
    csp.on_startup(command="serve", dirty=False)
    try:
        assert policy(csp.on_post_page(PAGE, page=None, config=None)).endswith("script-src 'self' 'unsafe-inline'")
    finally:
        csp.on_startup(command="build", dirty=False)
