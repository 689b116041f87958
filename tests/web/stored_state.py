"""What a refused request must leave as it found it, for the API fuzz tests."""
from __future__ import annotations

from sqlalchemy import inspect, text


def fingerprint(engine) -> dict:
    """Row counts of every table, and each commission's evidence head: what a refused request
    must leave as it found it."""
    with engine.connect() as conn:
        names = [t for t in inspect(conn).get_table_names() if not t.startswith(("input_items_fts", "apscheduler"))]
        counts = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() for t in names}
        heads = conn.execute(text("SELECT id, evidence_count, evidence_head FROM commissions ORDER BY id")).all()
    return {"counts": counts, "heads": [tuple(r) for r in heads]}
