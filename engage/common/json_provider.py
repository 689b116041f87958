"""Flask's JSON, with two house rules: keys keep their order (tallies and charts list options in
the order they were asked), and a body nested deeper than anything Engage accepts is refused
before Python's recursive parser sees it (which would otherwise end in RecursionError, a 500)."""
from __future__ import annotations

from flask.json.provider import DefaultJSONProvider

from .validation import MAX_JSON_DEPTH, json_depth


class EngageJSON(DefaultJSONProvider):
    sort_keys = False

    def loads(self, s, **kwargs):
        if json_depth(s) > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
        return super().loads(s, **kwargs)
