"""engage.common.group_writer's ``linger``: once an item has arrived the task waits that long for
others before it stores the group, so what queued meanwhile shares one transaction (the vote
writer lingers 20 ms, the survey writer ``SUBMISSION_WRITER_LINGER``, 2 ms); with no linger it
never waits. The wait is replaced here by one that queues items,
so nothing depends on how fast anything runs."""
from __future__ import annotations

from engage.common import group_writer
from engage.common.group_writer import GroupWriter, _Job


class _Session:
    def close(self) -> None:
        pass


class _Store:
    def session(self, write: bool = False) -> _Session:
        return _Session()


class Recording(GroupWriter):
    noun = "thing"

    def __init__(self, **kwargs) -> None:
        super().__init__(_Store(), max_batch=10, **kwargs)
        self.groups: list[list[str]] = []

    def store_group(self, db, items):
        self.groups.append(list(items))
        return [f"stored {item}" for item in items]


def test_items_queued_while_the_writer_lingers_share_its_group(monkeypatch):
    writer = Recording(linger=0.02)
    waits = []

    def lingering(seconds):  # others arrive while the writer waits
        waits.append(seconds)
        for item in ("b", "c"):
            writer.queue.put(_Job(item))

    monkeypatch.setattr(group_writer.time, "sleep", lingering)
    assert writer.put_and_wait("a", timeout=30) == "stored a"
    assert waits == [0.02]
    assert writer.groups == [["a", "b", "c"]]
    assert writer.batches == 1 and writer.items == 3
    writer.stop()


def test_without_a_linger_the_writer_never_waits(monkeypatch):
    writer = Recording()
    monkeypatch.setattr(group_writer.time, "sleep", lambda seconds: (_ for _ in ()).throw(AssertionError("waited")))
    assert writer.put_and_wait("a", timeout=30) == "stored a"
    assert writer.groups == [["a"]]
    writer.stop()
