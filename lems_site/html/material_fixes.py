"""Small fixes to Material 9.8.1's HTML: validity (the Nu HTML Checker) and accessibility.

- `autocomplete="off"` on the drawer and search checkboxes: HTML allows autocomplete only on
  text-like inputs. Material adds it so Firefox does not restore the drawer's state on Back;
  without it, at worst the menu reopens as the reader left it.
- `tabindex=""` on navigation section labels: an empty tabindex is no tabindex, so dropping
  it changes nothing for keyboard users.
- The search dialog (`role="dialog"`) has no accessible name (axe and Lighthouse:
  aria-dialog-name); it gets one.
"""

from __future__ import annotations

import re


def fix(html: str) -> str:
    """The page with the three fixes applied."""
    html = _CHECKBOX.sub(lambda m: m.group(0).replace(' autocomplete="off"', ""), html)
    html = _SEARCH_DIALOG.sub(lambda m: m.group(0)[:-1] + ' aria-label="Search this site">', html)
    return _EMPTY_TABINDEX.sub("", html)


_CHECKBOX = re.compile(r'<input\b(?=[^>]*\btype="checkbox")[^>]*\bautocomplete="off"[^>]*>')
_EMPTY_TABINDEX = re.compile(r'\s+tabindex=""')
_SEARCH_DIALOG = re.compile(r'<div (?=[^>]*data-md-component="search")(?=[^>]*role="dialog")(?![^>]*aria-label)[^>]*>')
