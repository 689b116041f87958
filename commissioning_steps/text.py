"""What counts as text a person can see: titles and names must hold some.

A title of only zero-width or other invisible format characters (Unicode category Cf, such as
U+200B) passes ``str.strip()`` yet shows as nothing on every page, list and export; NUL cannot
be stored at all (PostgreSQL refuses it). Both are refused where a name is required.
"""
from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """``text`` without white space or invisible format characters: empty means nothing shows."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))


def has_visible_text(text: object) -> bool:
    return isinstance(text, str) and bool(visible(text))
