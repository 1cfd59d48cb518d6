"""The policy allows the scripts the site emits, by hash, and names any other inline script."""

import base64
import hashlib

from lems_site.html import csp

PAGE = (
    '<head><meta http-equiv="Content-Security-Policy" content="__LEMS_CONTENT_SECURITY_POLICY__">'
    '<script>var a=1</script><script type="application/ld+json">{"x":1}</script>'
    '<script src="x.js"></script><script type="module">import m from "./m.mjs";</script></head>'
)


def sha(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_lists_exactly_the_allowed_hashes():
    allowed = {sha("var a=1")}
    text = csp.policy(allowed)
    assert text.startswith("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
    assert text.endswith("script-src 'self' " + sha("var a=1"))
    assert "unsafe-inline" not in text.split("script-src", 1)[1]


def test_an_inline_script_the_site_did_not_emit_is_named_not_allowed():
    allowed = {sha("var a=1")}
    assert csp.unexpected_scripts(PAGE, allowed) == ['import m from "./m.mjs";']
    assert sha('import m from "./m.mjs";') not in csp.policy(allowed)


def test_json_data_and_external_scripts_are_not_inline_scripts():
    assert csp.inline_scripts(PAGE) == ["var a=1", 'import m from "./m.mjs";']


def test_only_the_local_preview_allows_inline_scripts():
    assert csp.policy(set(), allow_any_inline=True).endswith("script-src 'self' 'unsafe-inline'")


def test_the_policy_must_be_the_first_element_of_head():
    assert csp.is_first_in_head(PAGE)
    assert not csp.is_first_in_head(
        '<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="x">'
    )
    assert not csp.is_first_in_head('<head><title>x</title><meta http-equiv="Content-Security-Policy" content="x">')
