"""Concurrent writers on the embedded SQLite database (WAL, BEGIN IMMEDIATE for writes).

A deferred transaction that reads the chain's head and then writes would be refused outright
by SQLite when another writer committed in between; write sessions take the lock at BEGIN, so
they queue instead, and the chain stays whole.
"""
from __future__ import annotations

import threading

from commissioning_steps import commissions, evidence


def test_threads_appending_to_one_sqlite_log_keep_the_chain(app, world):
    from commissioning_steps import staff

    owner = world.user("owner@example.org", staff.COMMISSIONER)
    c = world.commission(owner)
    db = app.extensions["engage.db"]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        for i in range(10):
            s = db.session(write=True)
            try:
                commission = s.get(commissions.Commission, c.id)
                evidence.record_manual(s, commission, owner, step="initiate", kind="note", summary=f"{n}-{i}")
                s.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                s.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    s = db.session()
    assert [e.seq for e in evidence.entries(s, c.id)] == list(range(1, 61))
    assert evidence.verify(s, s.get(commissions.Commission, c.id)).ok
    s.close()
