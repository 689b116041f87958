"""The activity feed's read: what one ``follow`` (or a page view) costs for a busy commission.

    python bench/activity_feed.py              # 5,000 responses and 200 other events, SQLite
    python bench/activity_feed.py --responses 20000

A commission gets a survey and a live poll, then ``--responses`` stored response events and
``--others`` other feed events (written as the services store them, straight into
``domain_events`` so the set-up takes seconds). It times, over ``--repeat`` runs each:

- ``read``: ``surveys.activity.read`` whole (the page, and a client's first ``follow``);
- ``read after``: the same with a cursor at the newest event (a ``follow`` after a nudge);
- the reference, in the same run: the feed's two SELECTs alone, rows fetched and nothing done
  with them, so the ratio is what turning rows into items (and the lookups and the coming-up
  queries) adds to reading them.

It prints a Markdown table (median milliseconds and the ratio to the reference).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from commissioning_steps import commissions, staff  # noqa: E402
from commissioning_steps.db import Store, utcnow  # noqa: E402
from commissioning_steps.events import StoredEvent  # noqa: E402
from surveys import activity, lifecycle  # noqa: E402
from surveys.activity.items import FEED_EVENTS, RESPONSES  # noqa: E402
from surveys.activity.reading import OTHER_LIMIT, RESPONSE_LIMIT  # noqa: E402


def _migrated(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(Path(__file__).resolve().parents[1] / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "head")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--others", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-activity-")
    url = f"sqlite:///{folder}/engage.sqlite3"
    _migrated(url)
    store = Store(url)
    with store.session(write=True) as db:
        owner = staff.create_user(db, email="c@example.org", name="C", role=staff.COMMISSIONER, password_hash="x")
        commission = commissions.create_commission(db, owner, commissions.CommissionInput(title="Bench"))
        survey = lifecycle.create_survey(db, commission, owner, lifecycle.SurveyInput(
            title="Getting to day centres", step="initiate",
            items=[{"id": "q", "type": "yes_no_maybe", "text": "Do you go?"}]))
        cid, sid = commission.id, survey.id
    start = utcnow() - timedelta(days=2)
    with store.session(write=True) as db:
        step = max(1, args.responses // max(1, args.others))
        made = 0
        for n in range(args.responses):
            db.add(StoredEvent(name=RESPONSES, commission_id=cid, payload={"survey_id": sid, "responses": n + 1},
                               occurred_at=start + timedelta(seconds=n)))
            if n % step == 0 and made < args.others:
                db.add(StoredEvent(name="evidence.appended", commission_id=cid, occurred_at=start + timedelta(seconds=n),
                                   payload={"entry_id": n, "seq": n, "step": "initiate", "kind": "note",
                                            "source": "manual", "hash": "x"}))
                made += 1
        db.commit()

    def reference(db):
        others = db.execute(select(StoredEvent.id, StoredEvent.name, StoredEvent.payload, StoredEvent.occurred_at).where(
            StoredEvent.commission_id == cid, StoredEvent.name.in_([n for n in FEED_EVENTS if n != RESPONSES]))
            .order_by(StoredEvent.id.desc()).limit(OTHER_LIMIT)).all()
        db.execute(select(StoredEvent.id, StoredEvent.payload["survey_id"].as_integer(), StoredEvent.occurred_at).where(
            StoredEvent.commission_id == cid, StoredEvent.name == RESPONSES, StoredEvent.id > others[-1].id)
            .order_by(StoredEvent.id.desc()).limit(RESPONSE_LIMIT)).all()

    with store.session() as db:
        cursor = activity.read(db, cid).cursor
    runs = {"reference: the two SELECTs alone": lambda db: reference(db),
            "read (page, first follow)": lambda db: activity.read(db, cid),
            "read after the cursor (follow after a nudge)": lambda db: activity.read(db, cid, after=cursor)}
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.repeat):
        for name, fn in runs.items():  # interleaved, so a noisy moment hits all three alike
            with store.session() as db:
                t0 = time.perf_counter()
                fn(db)
                times[name].append((time.perf_counter() - t0) * 1000)
    ref = statistics.median(times["reference: the two SELECTs alone"])
    print(f"{args.responses:,} responses, {args.others:,} other events, {args.repeat} runs each (SQLite)\n")
    print("| what | median ms | ratio to reference |\n|---|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.1f} | {median / ref:.2f} |")
    store.dispose()


if __name__ == "__main__":
    main()
