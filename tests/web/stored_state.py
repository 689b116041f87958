"""What a refused request must leave as it found it, for the API fuzz tests: every table's rows,
as a count and a digest of their contents (so a change to a row is caught, not only an insert or
a delete)."""
from __future__ import annotations

import hashlib

from sqlalchemy import inspect, text


def fingerprint(engine) -> dict:
    with engine.connect() as conn:
        names = [t for t in inspect(conn).get_table_names() if not t.startswith(("input_items_fts", "apscheduler"))]
        tables = {}
        for name in sorted(names):
            rows = sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{name}"')))
            tables[name] = (len(rows), hashlib.sha256("\n".join(rows).encode("utf-8", "replace")).hexdigest()[:16])
    return tables
