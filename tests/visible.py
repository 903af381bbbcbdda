"""The text of a page as a reader gets it: no scripts, styles, templates nor what a user is
typing in a text area; its tags' text and read attributes (title, placeholder, aria-label, alt)."""

import html
import re

_HIDDEN = re.compile(r"<(script|style|template|textarea)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_READ_ATTRIBUTE = re.compile(r'\s(?:title|placeholder|aria-label|alt)="([^"]*)"')


def visible_text(page: str) -> str:
    """Text nodes and read attributes, each set apart by « | »."""
    page = _HIDDEN.sub(" ", page)
    attributes = " | ".join(_READ_ATTRIBUTE.findall(page))
    return html.unescape(_TAG.sub(" | ", page) + " | " + attributes)
