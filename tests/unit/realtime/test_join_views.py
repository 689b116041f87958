"""engage.realtime.join_views: a join is answered from the session's view held in memory until
its session changes (any live event but the tally's), the view lapses, or it was read while a
change committed; and never held with several processes (``enabled=False``)."""
from __future__ import annotations


import pytest

from commissioning_steps.events import EventBus
from engage.realtime import join_views
from engage.realtime.join_views import JoinView, JoinViews
from surveys.live.errors import UnknownSession
from surveys.live.events import LiveSessionEnded, PresenterWatching, QuestionOpened, VoteCast


def _view(session_id: int = 7, ended: bool = False) -> JoinView:
    return JoinView(session_id=session_id, ended=ended, session={"id": session_id, "title": "Hall", "code": "ABC234"},
                    question=None, question_id=None, room_sees=False, listed=False, asks=False)


class Reader:
    """Stands in for reading the session from the database: counts the reads."""

    def __init__(self, bus: EventBus | None = None, during=None) -> None:
        self.reads = 0
        self.ended = False
        self.during = during  # something that happens while the database is read

    def __call__(self, code: str):
        self.reads += 1
        if self.during:
            self.during()
        return code


@pytest.fixture
def patched(monkeypatch):
    """``view_of`` turns what the reader returned into a view (no database here)."""
    state = {"ended": False}
    monkeypatch.setattr(join_views, "view_of", lambda _live: _view(ended=state["ended"]))
    return state


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_view_is_read_once_for_a_room_of_joins(patched):
    views, read = JoinViews(EventBus()), Reader()
    for _ in range(50):
        assert views.find(" abc-234 ", read).session_id == 7
    assert read.reads == 1


def test_a_change_to_the_session_drops_its_view_and_a_vote_does_not(patched):
    bus = EventBus()
    views, read = JoinViews(bus), Reader()
    views.find("ABC234", read)
    bus.dispatch(VoteCast(1, 7, 3, 12))  # the tally changed, not the view
    bus.dispatch(PresenterWatching(1, 7, 2))
    views.find("ABC234", read)
    assert read.reads == 1
    bus.dispatch(QuestionOpened(1, 7, 3))
    views.find("ABC234", read)
    assert read.reads == 2
    bus.dispatch(QuestionOpened(1, 8, 4))  # another session's change
    views.find("ABC234", read)
    assert read.reads == 2
    patched["ended"] = True
    bus.dispatch(LiveSessionEnded(1, 7, None))
    assert views.find("ABC234", read).ended is True
    assert read.reads == 3


def test_a_view_read_while_its_session_changed_is_not_kept(patched):
    bus = EventBus()
    views = JoinViews(bus)
    read = Reader(during=lambda: bus.dispatch(QuestionOpened(1, 7, 3)))
    views.find("ABC234", read)
    read.during = None
    views.find("ABC234", read)
    assert read.reads == 2  # the first read might have been from before the open: not held
    views.find("ABC234", read)
    assert read.reads == 2


def test_a_view_lapses_after_its_ttl(patched):
    clock = Clock()
    views, read = JoinViews(EventBus(), ttl=5.0, clock=clock), Reader()
    views.find("ABC234", read)
    clock.now += 4.9
    views.find("ABC234", read)
    assert read.reads == 1
    clock.now += 0.2
    views.find("ABC234", read)
    assert read.reads == 2


def test_without_views_every_join_reads_the_database(patched):
    bus = EventBus()
    views, read = JoinViews(bus, enabled=False), Reader()
    for _ in range(3):
        views.find("ABC234", read)
    assert read.reads == 3


def test_a_code_that_cannot_be_one_is_unknown_without_a_read(patched):
    views, read = JoinViews(EventBus()), Reader()
    for typed in ("", None, 12, "x" * 500):
        with pytest.raises(UnknownSession):
            views.find(typed, read)
    assert read.reads == 0


def test_only_so_many_views_are_kept(patched, monkeypatch):
    monkeypatch.setattr(join_views, "normalise_code", lambda typed: typed)
    views, read = JoinViews(EventBus(), size=3), Reader()
    for code in ("A", "B", "C", "D"):
        views.find(code, read)
    views.find("A", read)  # the oldest went
    assert read.reads == 5
    assert len(views._views) == 3
