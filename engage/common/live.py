"""What the live poll adapters share beyond the domain: recording a staff viewing from a page
or an API read whose own database session is a read session (a GET)."""
from __future__ import annotations

from contextlib import closing

from surveys.live import running
from surveys.live.models import LiveSession

from ..extensions import database


def record_watch(session_id: int, user) -> None:
    """Record that ``user`` sees this session's results, in a write session of its own.

    Interim results shown on a page or read through the API are recorded like those a
    presenter socket receives; the request's own session stays a read session.
    """
    with closing(database().session(write=True)) as db:
        running.record_watch(db, db.get(LiveSession, session_id), user)
