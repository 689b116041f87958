"""The alphabet of every code people read and type: live poll join codes, survey links, receipts.

``0`` and ``O``, ``1``, ``I`` and ``L`` are left out because they are read as one another, and
``U`` and ``V`` because they merge in projector fonts and handwriting (leaving out ``U`` also
makes accidental words rarer). Both members of every confusable pair are out, so nothing a
person types is silently "corrected" into a different code.

It lives in ``surveys`` itself because surveys and live polls both use it: a parent module
does not reach into a child package for something they share.
"""

from __future__ import annotations

EXCLUDED = frozenset("0O1ILUV")
ALPHABET = "".join(c for c in "23456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in EXCLUDED)
